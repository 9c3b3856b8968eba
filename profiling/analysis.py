"""From the engine's result and the captures to a `ProfiledRun`: per mockup, timeline, sites."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from pathlib import Path

from mockups.errors import RenderError
from mockups.render.run import MockupResult, RunResult
from profiling.capture import RUN_CAPTURE, capture_name
from profiling.replay import CaptureReplay, capture_totals, replay_capture, replay_from_totals
from profiling.results import MockupProfile, ProfiledRun, RunProfile, TimelinePoint


def analyse_run(
    run: RunResult,
    profile_dir: Path,
    started_unix: float,
    release_memory: bool,
    replayed: Mapping[str, dict] | None = None,
) -> ProfiledRun:
    """The run's profile from its captures; `replayed`: the live reader's account of the
    captures it replayed whole (`replay.account_totals`, by file name), not replayed again."""
    replayed = replayed or {}
    own: dict[int, CaptureReplay] = {}
    if run.mode != "processes":
        whole = _replayed(profile_dir / RUN_CAPTURE, replayed)
    else:
        whole = capture_totals(profile_dir / RUN_CAPTURE)
        own = {
            m.index: _replayed(profile_dir / capture_name(m.index, m.template), replayed)
            for m in run.mockups
        }
    mockups = [
        _mockup_profile(result, own.get(result.index, whole), run.mode, started_unix)
        for result in run.mockups
    ]
    captures = [whole, *own.values()]
    points = sorted(
        (point for capture in captures for point in _timeline(capture, run, started_unix)),
        key=lambda point: (point.seconds, point.pid),
    )
    summary = RunProfile(
        mode=run.mode,
        workers=run.workers,
        release_memory=release_memory,
        out_dir=run.out_dir,
        started_unix=started_unix,
        wall_seconds=run.wall_seconds,
        peak_rss_bytes=run.peak_rss_bytes,
        heap_peak_bytes=_run_heap_peak(whole, list(own.values())),
        heap_peak_exact=not own,
        allocated_bytes=sum(c.allocated_bytes for c in captures),
        allocations=sum(c.allocations for c in captures),
        rss_after_bytes=rss_after_last_mockups(run.mockups),
        captures=[c.path.name for c in captures],
    )
    sites = [site for c in captures for heap in c.mockups.values() for site in heap.sites]
    kinds = ("peak", "leaked", "one-time")
    sites.sort(key=lambda site: (site.index, kinds.index(site.kind), -site.bytes))
    return ProfiledRun(summary=summary, mockups=mockups, points=points, site_rows=sites, run=run)


def rss_after_last_mockups(results: Iterable[MockupResult]) -> int:
    """RSS each rendering process held right after its last mockup, added up over processes."""
    last: dict[str, MockupResult] = {}
    for result in results:
        pid = result.worker.split("/")[0]
        if pid not in last or result.finished_unix > last[pid].finished_unix:
            last[pid] = result
    return sum(result.rss_after_bytes for result in last.values())


def _replayed(path: Path, replayed: Mapping[str, dict]) -> CaptureReplay:
    totals = replayed.get(path.name)
    return replay_capture(path) if totals is None else replay_from_totals(path, totals)


def _mockup_profile(
    result: MockupResult, capture: CaptureReplay, mode: str, started_unix: float
) -> MockupProfile:
    heap = capture.mockups.get(result.index)
    if heap is None:
        raise RenderError(f"{capture.path}: no markers for mockup {result.index}")
    during = _snapshots_between(capture, result.started_unix, result.finished_unix)
    return MockupProfile(
        index=result.index,
        template=result.template,
        seconds=result.seconds,
        heap_peak_bytes=heap.heap_peak_bytes,
        allocated_bytes=heap.allocated_bytes,
        allocations=heap.allocations,
        leaked_bytes=heap.leaked_bytes,
        one_time_bytes=heap.one_time_bytes,
        rss_before_bytes=result.rss_before_bytes,
        rss_peak_bytes=max([result.rss_before_bytes, result.rss_after_bytes, *during]),
        rss_after_bytes=result.rss_after_bytes,
        started_seconds=round(result.started_unix - started_unix, 4),
        finished_seconds=round(result.finished_unix - started_unix, 4),
        worker=result.worker,
        capture=capture.path.name,
        heap_exact=True,
        rss_exact=mode != "threads",
    )


def _snapshots_between(capture: CaptureReplay, start_unix: float, end_unix: float) -> list[int]:
    first, last = math.floor(start_unix * 1000), math.ceil(end_unix * 1000)
    return [s.rss for s in capture.snapshots if first <= s.time <= last]


def _timeline(
    capture: CaptureReplay, run: RunResult, started_unix: float
) -> Iterable[TimelinePoint]:
    own_mockups = [m for m in run.mockups if m.index in capture.mockups]
    for snapshot in capture.snapshots:
        moment = snapshot.time / 1000
        rendering = [m.index for m in own_mockups if m.started_unix <= moment <= m.finished_unix]
        yield TimelinePoint(
            seconds=round(moment - started_unix, 3),
            heap_bytes=snapshot.heap,
            rss_bytes=snapshot.rss,
            index=rendering[0] if len(rendering) == 1 else 0,
            pid=capture.pid,
            capture=capture.path.name,
        )


def _run_heap_peak(whole: CaptureReplay, tasks: list[CaptureReplay]) -> int:
    """Exact for one capture; for a parent and its workers' tasks, summed at each snapshot."""
    if not tasks:
        return whole.heap_peak_bytes
    captures = [whole, *tasks]
    moments = sorted({s.time for c in captures for s in c.snapshots})
    summed = max((sum(_heap_at(c, moment) for c in captures) for moment in moments), default=0)
    return max(summed, *(c.heap_peak_bytes for c in captures))


def _heap_at(capture: CaptureReplay, moment: int) -> int:
    """The capture's heap at its latest snapshot at or before `moment`; 0 outside the capture."""
    snapshots = capture.snapshots
    if not snapshots or not snapshots[0].time <= moment <= snapshots[-1].time:
        return 0
    return snapshots[bisect_right(snapshots, moment, key=lambda s: s.time) - 1].heap
