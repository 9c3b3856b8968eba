"""A profiled job rendered by a real `python -m mockups worker` on a real redis-server: its
status, polled while it renders, carries each mockup's memray figures as it lands, the leak
flag, and memray's heap line.

A `sitecustomize` on the worker's PYTHONPATH slows each mockup a little (so the render lasts
long enough to watch) and keeps a copy of one template's canvas (a leak that stands out).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from dataclasses import dataclass

import memray
import pytest

from mockups.jobs import RenderJob, RenderQueue, RenderStatus
from mockups.options import RenderOptions
from mockups.render.renderers import PROFILED
from mockups.runs.folder import MockupResult, RunResult, read_run
from profiling.capture import RUN_CAPTURE
from profiling.figures import MockupFigures
from profiling.profile_folder import profile_dir
from tests.conftest import gradient_artwork
from tests.jobs_support import ROOT, WAIT_SECONDS, runs_in_tmp_path

pytestmark = pytest.mark.slow

TEMPLATES = ["poster", "mug", "greeting-card", "framed-wall"]
PLANTED_ON = "mug"
MEMRAY_FIGURES = (
    "heap_peak_bytes",
    "allocated_bytes",
    "allocations",
    "leaked_bytes",
    "one_time_bytes",
    "top_site",
    "top_site_function",
)
MOCKUP_SLEEP_SECONDS = 1.0
PLANTING = f"""
import time

import mockups.render.run

_real_render = mockups.render.run.render_mockup
KEPT = []


def render_slowly_keeping_the_planted(artwork, template, *rest):
    time.sleep({MOCKUP_SLEEP_SECONDS})
    canvas = _real_render(artwork, template, *rest)
    if template.key == "{PLANTED_ON}":
        KEPT.append(canvas.drawn.copy())
    return canvas


mockups.render.run.render_mockup = render_slowly_keeping_the_planted
"""


@dataclass
class Poll:
    unix: float
    status: RenderStatus


@dataclass
class WatchedJob:
    polls: list[Poll]
    final: RenderStatus
    run: RunResult

    def during(self) -> list[Poll]:
        """The polls that saw the job rendering, before its last mockup landed."""
        return [
            poll
            for poll in self.polls
            if poll.status.state == "started" and len(poll.status.landed) < len(TEMPLATES)
        ]


@pytest.fixture(scope="module")
def watched(redis_url, tmp_path_factory) -> WatchedJob:
    """A profiled job of TEMPLATES, its status polled every 20 ms from enqueue to its end."""
    folder = tmp_path_factory.mktemp("live-job")
    artwork = folder / "art.jpg"
    gradient_artwork((1200, 1500)).save(artwork, quality=90)
    (folder / "planting").mkdir()
    (folder / "planting" / "sitecustomize.py").write_text(PLANTING)
    with pytest.MonkeyPatch.context() as patch:  # the job's runs folder is `folder`
        runs_in_tmp_path(folder, patch)
        queue = RenderQueue.from_url(redis_url)
        queue.connection.flushall()
        job = RenderJob(
            artwork=artwork,
            run_dir=folder / "run",
            options=RenderOptions(templates=TEMPLATES, mode="sequential"),
            renderer=PROFILED,
        )
        queue.enqueue(job)
        worker = subprocess.Popen(
            [sys.executable, "-m", "mockups", "worker", "--url", redis_url, "--burst"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": f"{folder / 'planting'}:{ROOT}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        polls = []
        try:
            deadline = time.monotonic() + 4 * WAIT_SECONDS
            while True:
                status = queue.status(job.id)
                polls.append(Poll(time.time(), status))
                if status.state in ("finished", "failed"):
                    break
                assert time.monotonic() < deadline, f"the job did not end; last seen {status}"
                time.sleep(0.02)
            _, errors = worker.communicate(timeout=WAIT_SECONDS)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
            queue.connection.close()
        final = polls[-1].status
        assert final.state == "finished", (final.error, errors)
        return WatchedJob(polls=polls, final=final, run=read_run(folder / "run"))


def memray_figures(result: MockupResult) -> dict[str, object]:
    return {name: getattr(figures(result), name) for name in MEMRAY_FIGURES}


def figures(result: MockupResult) -> MockupFigures:
    found = MockupFigures.of(result)
    assert found is not None, f"mockup {result.index} carries no profile"
    return found


def test_mockup_ones_memray_figures_are_in_the_status_before_the_last_mockup_lands(watched):
    finished_first = watched.run.mockups[0]
    assert figures(finished_first).heap_peak_bytes and figures(finished_first).allocated_bytes
    seen = [poll.status.landed[0] for poll in watched.during() if poll.status.landed]
    assert seen, "mockup 1's figures arrived only when the job ended"
    assert all(memray_figures(live) == memray_figures(finished_first) for live in seen)


def test_every_mockups_live_figures_are_the_ones_the_finished_profile_reports(watched):
    finished = watched.run.mockups
    assert [m.index for m in watched.final.landed] == [1, 2, 3, 4]
    for poll in watched.polls:
        for live in poll.status.landed:
            assert memray_figures(live) == memray_figures(finished[live.index - 1])
            assert figures(live).heap_exact is True


def test_a_standout_leak_is_flagged_in_the_status_as_its_mockup_lands(watched):
    planted = TEMPLATES.index(PLANTED_ON)
    flagged = [
        poll.status.landed
        for poll in watched.during()
        if len(poll.status.landed) > planted and figures(poll.status.landed[planted]).leak_reason
    ]
    assert flagged, "the leak was not flagged before the job ended"
    landed = flagged[0]
    assert landed[planted].template == PLANTED_ON
    assert (
        figures(landed[planted]).leaked_bytes == figures(watched.run.mockups[planted]).leaked_bytes
    )
    assert [figures(m).leak_reason is not None for m in landed[:planted]] == [False] * planted
    assert figures(watched.run.mockups[planted]).leak_reason is not None


def test_the_heap_line_travels_while_the_job_renders(watched):
    during = [poll.status.samples for poll in watched.during()]
    assert any(during), "no heap sample arrived before the last mockup landed"
    lengths = [len(samples) for samples in during]
    assert lengths == sorted(lengths) and lengths[-1] > lengths[0], "the line did not grow"
    # what a poll saw is where the final line started
    for samples in during:
        assert watched.final.samples[: len(samples)] == samples


def test_the_heap_line_reaches_the_status_between_landings_not_only_with_them(watched):
    """The worker writes the line as it samples (at most four times a second), not only when
    a mockup lands: polls see it grow while the landed mockups stay the same."""
    first, last = watched.run.mockups[0], watched.run.mockups[-1]
    rendering = [p for p in watched.polls if first.started_unix <= p.unix <= last.finished_unix]
    grew_alone = [
        after.unix
        for before, after in itertools.pairwise(rendering)
        if before.status.samples
        and after.status.samples != before.status.samples
        and len(after.status.landed) == len(before.status.landed)
    ]
    assert len(grew_alone) >= len(TEMPLATES) - 1, grew_alone


def test_the_heap_line_is_memrays_heap_sampled_a_few_times_a_second(watched):
    samples = watched.final.samples
    times = [seconds for seconds, _, _ in samples]
    assert all(a <= b for a, b in itertools.pairwise(times)), "sample times go back"
    assert len(samples) >= 2 * watched.run.wall_seconds, (len(samples), watched.run.wall_seconds)
    capture = profile_dir(watched.run.out_dir) / RUN_CAPTURE
    with memray.FileReader(capture) as reader:
        memray_heaps = {snapshot.heap for snapshot in reader.get_memory_snapshots()}
    heaps = [heap for _, _, heap in samples if heap is not None]
    assert len(heaps) >= len(samples) / 2, "most samples carry memray's heap"
    assert set(heaps) <= memray_heaps, "a heap value that none of memray's snapshots holds"
    assert len(set(heaps)) > 1, "the heap line moves"
    # the planted canvas copy (4 bytes a pixel) is held from its mockup on
    planted = watched.run.mockups[TEMPLATES.index(PLANTED_ON)]
    assert max(heaps) >= planted.width * planted.height * 4
    assert all(rss > 0 for _, rss, _ in samples)
