"""`profile_run`: profile a render in a child Python process (`mockups.render.child`, by the
renderer `profiled`).

A child keeps the caller small and free to profile again at once (one memray Tracker per
process). Each finished mockup comes back with its memray figures as it lands, and the heap
and RSS about every `profiling.live.SAMPLE_SECONDS`, as `progress` and `sample` calls in the
caller's thread. The profile comes back through the disk.
"""

from __future__ import annotations

from pathlib import Path

from mockups.options import RenderOptions
from mockups.render.child import render_in_child
from mockups.render.renderers import PROFILED, Sample
from mockups.render.run import Progress
from profiling.profile_folder import load_run
from profiling.results import ProfiledRun


def profile_run(
    artwork: Path | str,
    out_dir: Path | str,
    *,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    sample: Sample | None = None,
) -> ProfiledRun:
    """Render `artwork` in a child process under memray; see `load_run`.

    `progress` gets each mockup as it lands with its memray figures (see
    `profiling.session.profile_in_process`), `sample` the heap and RSS line.
    """
    render_in_child(PROFILED, artwork, out_dir, options=options, progress=progress, sample=sample)
    return load_run(out_dir)
