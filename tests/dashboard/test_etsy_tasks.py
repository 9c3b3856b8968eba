"""The Etsy page's background tasks: one per run at a time, each ending in a result or in
one line, whoever started it."""

from __future__ import annotations

import threading
import time

import pytest

from dashboard.etsy_tasks import EtsyTask, EtsyTasks, TaskRunning
from etsy_sync.errors import PlanError, ReconnectNeeded


def ended(tasks: EtsyTasks, task_id: str, seconds: float = 10) -> EtsyTask:
    deadline = time.monotonic() + seconds
    while (task := tasks.get(task_id)) is not None and task.state == "running":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert task is not None
    return task


def test_a_second_task_on_a_busy_run_is_refused_and_another_run_is_not():
    tasks = EtsyTasks()
    release = threading.Event()
    first = tasks.start("video", "/runs/a", "Making the video", lambda p: release.wait(10))

    with pytest.raises(TaskRunning, match="busy making its video"):
        tasks.start("draft", "/runs/a", "Pushing", lambda p: None)
    other = tasks.start("draft", "/runs/b", "Pushing", lambda p: "pushed")

    assert ended(tasks, other).result == "pushed"
    release.set()
    assert ended(tasks, first).state == "finished"
    tasks.start("draft", "/runs/a", "Pushing", lambda p: None)  # free again


def test_steps_are_kept_in_order_with_the_current_ones_count():
    tasks = EtsyTasks()
    release = threading.Event()

    def work(progress):
        progress.step("The draft")
        progress.step("The photos", total=10)
        progress.count(3, 10)
        release.wait(10)

    task_id = tasks.start("draft", "/runs/a", "Pushing", work)
    while (task := tasks.get(task_id)) is not None and task.done != 3:
        time.sleep(0.01)

    assert (task.lines, task.step, task.done, task.total) == (["The draft"], "The photos", 3, 10)
    release.set()
    assert ended(tasks, task_id).lines == ["The draft", "The photos"]


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (PlanError("the title is empty"), "the title is empty"),
        (ReconnectNeeded("Etsy refused the saved connection"), "connect to Etsy again"),
        (ZeroDivisionError("a bug"), "Pushing failed unexpectedly; the details are in the"),
    ],
    ids=["refusal", "expired-connection", "bug"],
)
def test_a_failure_ends_the_task_in_one_line(error, says, caplog):
    tasks = EtsyTasks()

    def work(progress):
        raise error

    task = ended(tasks, tasks.start("draft", "/runs/a", "Pushing", work))

    assert task.state == "failed" and says in (task.error or "")
    assert "\n" not in (task.error or "")
    assert ("a bug" in caplog.text) == isinstance(error, ZeroDivisionError)
