"""Embedded render slots: bounded, first come first served, each waiter sees its place."""

from __future__ import annotations

import threading
import time

import pytest

from mockups.jobs import JobRefused, RenderJob, RenderSlots
from mockups.options import RenderOptions
from mockups.render.run import RUN_FILE

WAIT_SECONDS = 10


def wait_until(condition, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def without_repeats(places: list[int]) -> list[int]:
    return [p for i, p in enumerate(places) if i == 0 or places[i - 1] != p]


class Holder:
    """A thread that takes a slot and keeps it until released."""

    def __init__(self, slots: RenderSlots, name: str, log: list | None = None) -> None:
        self.release = threading.Event()
        self.places: list[int] = []
        self.error: BaseException | None = None
        self._slots, self._name, self._log = slots, name, log
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Holder:
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            with self._slots.slot(self.places.append):
                if self._log is not None:
                    self._log.append(self._name)
                self.release.wait(WAIT_SECONDS)
        except BaseException as error:
            self.error = error

    def finish(self) -> None:
        self.release.set()
        self.thread.join(WAIT_SECONDS)


def test_no_more_renders_than_slots_run_at_once():
    slots = RenderSlots(2)
    lock, running, most = threading.Lock(), [0], [0]

    def render() -> None:
        with slots.slot():
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=render) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert most[0] == 2
    assert slots.rendering == 0 and slots.waiting == 0


def test_waiting_renders_get_slots_in_the_order_they_joined():
    slots = RenderSlots(1)
    order: list[str] = []
    first = Holder(slots, "first", order).start()
    wait_until(lambda: slots.rendering == 1)
    waiters = []
    for number in range(1, 5):
        waiters.append(Holder(slots, f"waiter-{number}", order).start())
        wait_until(lambda number=number: slots.waiting == number)
    first.finish()
    for waiter in waiters:
        wait_until(lambda waiter=waiter: waiter.places[-1:] == [0])
        waiter.finish()
    assert order == ["first", "waiter-1", "waiter-2", "waiter-3", "waiter-4"]


def test_each_waiter_sees_its_place_move_up_to_rendering():
    slots = RenderSlots(1)
    holder = Holder(slots, "holder").start()
    wait_until(lambda: slots.rendering == 1)
    waiters = []
    for number in range(1, 4):
        waiters.append(Holder(slots, f"waiter-{number}").start())
        wait_until(lambda number=number: slots.waiting == number)
    wait_until(lambda: waiters[2].places[:1] == [3])
    holder.finish()
    for first, waiter in enumerate(waiters):
        # everyone still waiting has seen the place this release gave them, then the next goes
        for place, other in enumerate(waiters[first:]):
            wait_until(lambda other=other, place=place: other.places[-1:] == [place])
        waiter.finish()
    assert holder.places == [0]
    assert [without_repeats(w.places) for w in waiters] == [[1, 0], [2, 1, 0], [3, 2, 1, 0]]


def test_a_waiter_that_gives_up_leaves_the_line_and_the_next_moves_up():
    slots = RenderSlots(1)
    holder = Holder(slots, "holder").start()
    wait_until(lambda: slots.rendering == 1)
    leaving = threading.Event()
    gave_up = []

    def give_up_when_told(place: int) -> None:
        if leaving.is_set():
            raise RuntimeError("session closed")

    def quitter() -> None:
        try:
            with slots.slot(give_up_when_told):
                pass
        except RuntimeError as error:
            gave_up.append(str(error))

    quitting = threading.Thread(target=quitter)
    quitting.start()
    wait_until(lambda: slots.waiting == 1)
    patient = Holder(slots, "patient").start()
    wait_until(lambda: patient.places[:1] == [2])
    leaving.set()
    quitting.join(WAIT_SECONDS)
    assert gave_up == ["session closed"]
    wait_until(lambda: patient.places[-1:] == [1])
    assert slots.waiting == 1
    holder.finish()
    wait_until(lambda: patient.places[-1:] == [0])
    patient.finish()
    assert without_repeats(patient.places) == [2, 1, 0]
    assert slots.rendering == 0 and slots.waiting == 0


def test_a_render_through_the_slots_returns_its_run_result(artwork_jpeg, tmp_path):
    slots = RenderSlots(1)
    places, progress = [], []
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=["poster"])
    )
    run = slots.render(job, lambda done, total, _: progress.append((done, total)), places.append)
    assert [m.file for m in run.mockups] == ["01-poster.jpg"]
    assert (tmp_path / "run" / RUN_FILE).is_file()
    assert places == [0] and progress == [(1, 1)]
    assert slots.rendering == 0


def test_a_job_over_the_budget_is_refused_before_it_takes_a_slot(
    artwork_jpeg, tmp_path, monkeypatch
):
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "20")
    slots = RenderSlots(1)
    places = []
    with pytest.raises(JobRefused) as refused:
        slots.render(
            RenderJob(
                artwork=artwork_jpeg,
                run_dir=tmp_path / "run",
                options=RenderOptions(templates=["poster"]),
            ),
            None,
            places.append,
        )
    assert "\n" not in str(refused.value) and "20 MB" in str(refused.value)
    assert places == [] and not (tmp_path / "run").exists()
