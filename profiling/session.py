"""Profiling a render in this process: warm up, capture, render, replay, write the profile.

Only one memray Tracker can be active in a process, so this is for a process of its own: the
command line's, or the child that `profiling.profile_run` starts.
"""

from __future__ import annotations

import time
from pathlib import Path

from mockups.options import RenderOptions
from mockups.run import Progress, RunResult, render_run
from mockups.templates import Template
from profiling.analysis import analyse_run
from profiling.capture import RUN_CAPTURE, MockupCapture, new_tracker
from profiling.results import ProfiledRun
from profiling.storage import add_heap_figures_to_run_json, profile_dir, write_profile
from profiling.warmup import warm_up

STALE_PATTERNS = ("*.bin", "*.csv", "*.json", "memray-flamegraph-*.html")


def profile_in_process(
    artwork: Path | str,
    out_dir: Path | str,
    *,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    library: dict[str, Template] | None = None,
) -> ProfiledRun:
    """`render_run` under memray; the profile is written to out_dir/profile and returned."""
    folder = profile_dir(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for pattern in STALE_PATTERNS:
        for stale in folder.glob(pattern):
            stale.unlink()
    options = options or RenderOptions()
    warm_up("threads" if options.mode == "threads" else "sequential")
    instrument = MockupCapture(str(folder), own_tracker=options.mode == "processes")
    started_unix = time.time()
    with new_tracker(folder / RUN_CAPTURE):
        run = render_run(
            artwork,
            out_dir,
            options=options,
            progress=progress,
            library=library,
            instrument=instrument,
        )
    profiled = analyse_run(run, folder, started_unix, options.release_memory)
    write_profile(out_dir, profiled)
    add_heap_figures_to_run_json(out_dir, profiled)
    return profiled


def render_run_profiled(
    artwork: Path | str,
    out_dir: Path | str,
    *,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """`render_run`, profiled: the renderer `profiled` (`render --profile`, profiled jobs)."""
    run = profile_in_process(artwork, out_dir, options=options, progress=progress).run
    assert run is not None
    return run
