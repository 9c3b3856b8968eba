"""Memray's figures while a profiled run renders: per mockup as it lands, and the heap line.

These profile in this process (the live reader is a process of its own) with the engine's
render step wrapped by the test where a known behaviour is planted.
"""

import itertools
import time
from pathlib import Path

import pytest
from PIL import Image

import mockups.render.run
from mockups.memory import MIB
from mockups.options import RenderOptions
from mockups.runs.folder import MockupResult
from profiling import analysis, profile_in_process
from profiling.figures import MockupFigures
from profiling.profile_folder import profile_dir
from tests.conftest import gradient_artwork

TEMPLATES = ["poster", "greeting-card", "framed-wall"]
SLOW_SECONDS = 2.0
HELD_BYTES = 24 * MIB
KEPT: list[Image.Image] = []


@pytest.fixture(scope="module")
def artwork(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("art") / "art.jpg"
    gradient_artwork((1200, 1500)).save(path, quality=90)
    return path


class Landings:
    """The progress callback: each result as it was handed on, and when."""

    def __init__(self) -> None:
        self.figures: dict[int, MockupFigures | None] = {}  # the profile block each carried
        self.seen_unix: dict[int, float] = {}
        self.order: list[int] = []

    def __call__(self, done: int, total: int, result: MockupResult) -> None:
        self.figures[result.index] = MockupFigures.of(result)
        self.seen_unix[result.index] = time.time()
        self.order.append(done)


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
def slow_last_mockup(monkeypatch):
    """The last template renders slowly, holding HELD_BYTES while it waits."""
    real_render = mockups.render.run.render_mockup

    def render_slowly(artwork, template, images, *rest):
        if template.key == TEMPLATES[-1]:
            held = bytearray(HELD_BYTES)
            time.sleep(SLOW_SECONDS)
            del held
        return real_render(artwork, template, images, *rest)

    monkeypatch.setattr(mockups.render.run, "render_mockup", render_slowly)


def test_the_heap_line_moves_at_least_every_half_second_while_a_slow_mockup_renders(
    artwork, tmp_path, slow_last_mockup
):
    samples: list[tuple[float, int, int | None]] = []
    profiled = profile_in_process(
        artwork,
        tmp_path,
        options=RenderOptions(templates=TEMPLATES),
        sample=lambda seconds, rss, heap: samples.append((seconds, rss, heap)),
    )
    slow = profiled.mockups[-1]
    during = [s for s in samples if slow.started_seconds <= s[0] <= slow.finished_seconds]
    moments = [slow.started_seconds] + [s[0] for s in during] + [slow.finished_seconds]
    assert max(b - a for a, b in itertools.pairwise(moments)) <= 0.5
    assert all(rss > 0 for _, rss, _ in during)
    # memray's heap: the held buffer shows in it while the mockup waits
    assert max(heap or 0 for _, _, heap in during) >= HELD_BYTES


def test_each_mockup_is_handed_on_while_the_run_goes_on(artwork, tmp_path, slow_last_mockup):
    landings = Landings()
    profiled = profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=TEMPLATES), progress=landings
    )
    last = profiled.run.mockups[-1]
    for index in (1, 2):
        assert landings.figures[index].heap_peak_bytes is not None
        assert landings.seen_unix[index] < last.finished_unix - 1.0


@pytest.fixture
def leaking_render(monkeypatch):
    """The middle template keeps a copy of its canvas: a leak of known size and line."""
    real_render = mockups.render.run.render_mockup

    def render_keeping_a_copy(artwork, template, images, *rest):
        canvas = real_render(artwork, template, images, *rest)
        if template.key == TEMPLATES[1]:
            KEPT.append(canvas.copy())
        return canvas

    monkeypatch.setattr(mockups.render.run, "render_mockup", render_keeping_a_copy)
    yield
    KEPT.clear()


def test_a_planted_leak_is_flagged_on_its_mockup_as_it_lands(
    artwork, tmp_path, leaking_render, slow_last_mockup
):
    landings = Landings()
    profiled = profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=TEMPLATES), progress=landings
    )
    planted = landings.figures[2]
    assert planted.leaked_bytes >= KEPT[0].width * KEPT[0].height * 4 * 0.98
    assert planted.leak_reason is not None
    assert landings.seen_unix[2] < profiled.run.mockups[-1].finished_unix - 1.0
    assert landings.figures[1].leak_reason is None
    assert landings.figures[3].leak_reason is None


def test_a_profiled_auto_run_renders_one_mockup_after_another(artwork, tmp_path):
    profiled = profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=TEMPLATES, mode="auto", workers=2)
    )
    assert (profiled.run.mode, profiled.run.workers) == ("sequential", 1)


def test_a_live_profile_takes_the_readers_replay_and_reports_what_a_replay_reports(
    artwork, tmp_path, monkeypatch
):
    replays: list[Path] = []
    real_replay = analysis.replay_capture
    monkeypatch.setattr(
        analysis, "replay_capture", lambda path: replays.append(path) or real_replay(path)
    )
    profiled = profile_in_process(
        artwork,
        tmp_path,
        options=RenderOptions(templates=TEMPLATES, mode="sequential"),
        progress=Landings(),
    )
    assert replays == [], "the reader's account was used, the capture not replayed again"
    assert profiled.run is not None
    replayed = analysis.analyse_run(
        profiled.run, profile_dir(tmp_path), profiled.summary.started_unix, False
    )
    assert replays == [profile_dir(tmp_path) / "run.bin"]
    assert profiled.frame.equals(replayed.frame)
    assert profiled.sites.equals(replayed.sites)
    assert profiled.summary.heap_peak_bytes == replayed.summary.heap_peak_bytes
    assert profiled.summary.allocations == replayed.summary.allocations
