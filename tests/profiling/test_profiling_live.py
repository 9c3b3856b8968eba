"""Memray's figures while a profiled run renders: per mockup as it lands, and the heap line.

These profile in this process (the live reader is a process of its own) with the engine's
render step wrapped by the test where a known behaviour is planted.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import memray
import pytest

import mockups.render.run
from mockups.memory import MIB
from mockups.options import RenderOptions
from mockups.runs.folder import MockupResult
from profiling import analysis, profile_in_process
from profiling.demo import leak_on
from profiling.figures import MockupFigures
from profiling.live import LiveFigures
from profiling.profile_folder import profile_dir
from tests.conftest import gradient_artwork

TEMPLATES = ["poster", "greeting-card", "framed-wall"]
SLOW_SECONDS = 2.0
WAIT_LIMIT_SECONDS = 60.0  # a machine under load hands on late; one that never does fails
LAST_STARTED = "last mockup started"
LAST_RENDERED = "last mockup rendered"
LINE_SAMPLES = 3
HELD_BYTES = 24 * MIB


@pytest.fixture(scope="module")
def artwork(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("art") / "art.jpg"
    gradient_artwork((1200, 1500)).save(path, quality=90)
    return path


class Landings:
    """The progress callback: each result as it was handed on, logged in `events`."""

    def __init__(self, events: list[str] | None = None) -> None:
        self.figures: dict[int, MockupFigures | None] = {}  # the profile block each carried
        self.events = [] if events is None else events
        self.order: list[int] = []

    def __call__(self, done: int, total: int, result: MockupResult) -> None:
        self.figures[result.index] = MockupFigures.of(result)
        self.events.append(f"landed {result.index}")
        self.order.append(done)


@dataclass
class SlowLast:
    """The last template renders slowly, holding HELD_BYTES while it waits: SLOW_SECONDS,
    and on until `ready()` (at most WAIT_LIMIT_SECONDS); it logs LAST_STARTED and
    LAST_RENDERED in `events`."""

    events: list[str] = field(default_factory=list)
    ready: Callable[[], bool] = lambda: True


@pytest.mark.parametrize("mode", ["sequential", "threads"])
def test_each_mockups_live_figures_are_the_ones_the_finished_profile_reports(
    artwork, tmp_path, mode
):
    landings = Landings()
    profiled = profile_in_process(
        artwork,
        tmp_path,
        options=RenderOptions(templates=TEMPLATES, mode=mode, workers=2),
        progress=landings,
    )
    assert landings.order == [1, 2, 3]
    for final in profiled.mockups:
        live = landings.figures[final.index]
        top = profiled.sites.query(f"index == {final.index} and kind == 'peak'").iloc[0]
        assert live.heap_peak_bytes == final.heap_peak_bytes > 10 * MIB
        assert live.allocated_bytes == final.allocated_bytes
        assert live.allocations == final.allocations
        assert live.leaked_bytes == final.leaked_bytes
        assert live.one_time_bytes == final.one_time_bytes
        assert (live.top_site, live.top_site_function) == (top["location"], top["function"])
        assert live.top_site.split(":")[0].endswith(".py")


@pytest.mark.slow
def test_processes_mode_hands_on_each_mockups_own_capture_figures(artwork, tmp_path):
    landings = Landings()
    profiled = profile_in_process(
        artwork,
        tmp_path,
        options=RenderOptions(templates=TEMPLATES, mode="processes", workers=2),
        progress=landings,
    )
    for final in profiled.mockups:
        live = landings.figures[final.index]
        assert (live.heap_peak_bytes, live.leaked_bytes, live.allocated_bytes) == (
            final.heap_peak_bytes,
            final.leaked_bytes,
            final.allocated_bytes,
        )


@pytest.fixture
def slow_last_mockup(monkeypatch) -> SlowLast:
    slow = SlowLast()
    real_render = mockups.render.run.render_mockup

    def render_slowly(artwork, template, *rest):
        if template.key == TEMPLATES[-1]:
            slow.events.append(LAST_STARTED)
            held = bytearray(HELD_BYTES)
            time.sleep(SLOW_SECONDS)
            deadline = time.monotonic() + WAIT_LIMIT_SECONDS
            while not slow.ready() and time.monotonic() < deadline:
                time.sleep(0.05)
            del held
            slow.events.append(LAST_RENDERED)
        return real_render(artwork, template, *rest)

    monkeypatch.setattr(mockups.render.run, "render_mockup", render_slowly)
    return slow


def handed_on_before_the_last_rendered(events: list[str], indexes: tuple[int, ...]) -> bool:
    """Whether each of `indexes` landed before the last mockup was done (which waits for them,
    however loaded the machine: order, not seconds)."""
    return all(
        f"landed {index}" in events
        and events.index(f"landed {index}") < events.index(LAST_RENDERED)
        for index in indexes
    )


def test_the_heap_line_keeps_moving_while_a_slow_mockup_renders(
    artwork, tmp_path, slow_last_mockup
):
    """Samples arrive while one mockup renders, not only between mockups (the slow mockup
    waits for LINE_SAMPLES of them: their cadence in seconds is a benchmark's business)."""
    events = slow_last_mockup.events
    samples: list[tuple[float, int, int | None]] = []

    def sample(seconds: float, rss: int, heap: int | None) -> None:
        samples.append((seconds, rss, heap))
        events.append("sample")

    def enough_samples() -> bool:
        return events[events.index(LAST_STARTED) :].count("sample") >= LINE_SAMPLES

    slow_last_mockup.ready = enough_samples
    profiled = profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=TEMPLATES), sample=sample
    )
    while_slow = events[events.index(LAST_STARTED) : events.index(LAST_RENDERED)]
    assert while_slow.count("sample") >= LINE_SAMPLES
    slow = profiled.mockups[-1]
    during = [s for s in samples if slow.started_seconds <= s[0] <= slow.finished_seconds]
    assert all(rss > 0 for _, rss, _ in during)
    # memray's heap: the held buffer shows in it while the mockup waits
    assert max(heap or 0 for _, _, heap in during) >= HELD_BYTES


def test_each_mockup_is_handed_on_while_the_run_goes_on(artwork, tmp_path, slow_last_mockup):
    landings = Landings(slow_last_mockup.events)
    slow_last_mockup.ready = lambda: {1, 2} <= landings.figures.keys()
    profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=TEMPLATES), progress=landings
    )
    for index in (1, 2):
        assert landings.figures[index].heap_peak_bytes is not None
    assert handed_on_before_the_last_rendered(slow_last_mockup.events, (1, 2))


@pytest.fixture
def leaking_render():
    """The middle template keeps a copy of its canvas: a leak of known size and line."""
    with leak_on(TEMPLATES[1]) as kept:
        yield kept


def test_a_planted_leak_is_flagged_on_its_mockup_as_it_lands(
    artwork, tmp_path, leaking_render, slow_last_mockup
):
    landings = Landings(slow_last_mockup.events)
    slow_last_mockup.ready = lambda: 2 in landings.figures
    profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=TEMPLATES), progress=landings
    )
    planted = landings.figures[2]
    kept = leaking_render[0]
    assert planted.leaked_bytes >= kept.width * kept.height * 4 * 0.98
    assert planted.leak_reason is not None
    assert handed_on_before_the_last_rendered(slow_last_mockup.events, (2,))
    assert landings.figures[1].leak_reason is None
    assert landings.figures[3].leak_reason is None


def test_a_profiled_auto_run_renders_one_mockup_after_another(artwork, tmp_path):
    profiled = profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=TEMPLATES, mode="auto", workers=2)
    )
    assert (profiled.run.mode, profiled.run.workers) == ("sequential", 1)


@pytest.mark.parametrize("mode", ["sequential", pytest.param("processes", marks=pytest.mark.slow)])
def test_a_live_profile_takes_the_readers_replays_and_reports_what_a_replay_reports(
    artwork, tmp_path, monkeypatch, mode
):
    """The reader's account of each capture it replayed (the run's; in processes mode each
    mockup's own) is the profile's: the profiled process neither replays nor opens them."""
    replays: list[Path] = []
    real_replay = analysis.replay_capture
    monkeypatch.setattr(
        analysis, "replay_capture", lambda path: replays.append(path) or real_replay(path)
    )
    opened: list[Path] = []
    real_reader = memray.FileReader
    monkeypatch.setattr(
        memray, "FileReader", lambda path, **kw: opened.append(path) or real_reader(path, **kw)
    )
    workers = 2 if mode == "processes" else None
    profiled = profile_in_process(
        artwork,
        tmp_path,
        options=RenderOptions(templates=TEMPLATES, mode=mode, workers=workers),
        progress=Landings(),
    )
    assert replays == [], "the reader's accounts were used, no capture replayed again"
    # processes mode: the parent's own capture has no markers, only memray's totals
    parent = [profile_dir(tmp_path) / "run.bin"] if mode == "processes" else []
    assert opened == parent, "nor opened again: the reader sent its memory snapshots too"
    assert profiled.run is not None
    replayed = analysis.analyse_run(
        profiled.run, profile_dir(tmp_path), profiled.summary.started_unix, False
    )
    assert len(replays) == (len(TEMPLATES) if mode == "processes" else 1)
    assert profiled.frame.equals(replayed.frame)
    assert profiled.timeline.equals(replayed.timeline)
    assert profiled.sites.equals(replayed.sites)
    assert profiled.summary.heap_peak_bytes == replayed.summary.heap_peak_bytes
    assert profiled.summary.allocations == replayed.summary.allocations


@pytest.mark.parametrize("sampled", [True, False])
def test_the_reader_takes_samples_only_for_a_run_that_listens_to_them(tmp_path, sampled):
    """Each sample reads the whole capture so far: a run without a `sample` callback (the
    command line's) must not have the reader take them beside the render."""
    told: list[dict] = []
    live = LiveFigures(
        tmp_path,
        mode="sequential",
        progress=lambda *landed: None,
        sample=(lambda *point: None) if sampled else None,
    )
    live._tell = told.append
    live.started(1234.5)
    assert told == ([{"started_unix": 1234.5}] if sampled else [])
