"""Profiling a render in this process: warm up, capture, render, replay, write the profile.

Only one memray Tracker can be active in a process, so this is for a process of its own: the
command line's, or the child that `profiling.profile_run` starts.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from mockups.options import RenderOptions
from mockups.render.run import Progress, RunResult, render_run
from mockups.templates.model import Template
from profiling.analysis import analyse_run
from profiling.capture import RUN_CAPTURE, MockupCapture, new_tracker
from profiling.live import LiveFigures, Sample
from profiling.profile_folder import add_heap_figures_to_run_json, profile_dir, write_profile
from profiling.results import ProfiledRun
from profiling.warmup import warm_up

STALE_PATTERNS = ("*.bin", "*.csv", "*.json", "memray-flamegraph-*.html")


def profile_in_process(
    artwork: Path | str,
    out_dir: Path | str,
    *,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    sample: Sample | None = None,
    library: dict[str, Template] | None = None,
) -> ProfiledRun:
    """`render_run` under memray; the profile is written to out_dir/profile and returned.

    As each mockup lands, `progress(done, total, result)` gets it with its memray figures
    (`heap_peak_bytes`, `allocated_bytes`, `allocations`, `leaked_bytes`, `one_time_bytes`,
    `top_site`, `top_site_function`, `leak_reason`): the finished profile's numbers.
    `sample(seconds, rss_bytes, heap_bytes)` gets the process's RSS and memray's heap in use
    about every `profiling.live.SAMPLE_SECONDS`. Both are called from a thread of the
    profiler's (see `profiling.live`), never at once; with neither, no live reader runs.
    """
    folder = profile_dir(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for pattern in STALE_PATTERNS:
        for stale in folder.glob(pattern):
            stale.unlink()
    options = options or RenderOptions()
    if options.mode == "auto":  # one after another: each mockup's heap is its own alone
        options = options.with_changes(mode="sequential", workers=None)
    live = LiveFigures(folder, mode=options.mode, progress=progress, sample=sample)
    with live:  # the live reader starts while the warm-up runs
        warm_up("threads" if options.mode == "threads" else "sequential")
        instrument = MockupCapture(str(folder), own_tracker=options.mode == "processes")
        started_unix = time.time()
        live.started(started_unix)
        with new_tracker(folder / RUN_CAPTURE):
            run = render_run(
                artwork,
                out_dir,
                options=options,
                progress=live,
                library=library,
                instrument=instrument,
            )
        live.capture_complete()
        replayed = live.captures_replayed()  # what the reader replayed need not be again
        profiled = analyse_run(run, folder, started_unix, options.release_memory, replayed)
    profiled.summary = replace(
        profiled.summary,
        live_reader_rss_peak_bytes=live.reader_rss_peak_bytes,
        live_reader_cpu_seconds=live.reader_cpu_seconds,
    )
    write_profile(out_dir, profiled)
    add_heap_figures_to_run_json(out_dir, profiled)
    return profiled


def render_run_profiled(
    artwork: Path | str,
    out_dir: Path | str,
    *,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    sample: Sample | None = None,
) -> RunResult:
    """`render_run`, profiled: the renderer `profiled` (`render --profile`, profiled jobs).
    `sample` gets the heap line as `profile_in_process` says (a worker's job forwards it)."""
    profiled = profile_in_process(
        artwork, out_dir, options=options, progress=progress, sample=sample
    )
    run = profiled.run
    assert run is not None
    return run
