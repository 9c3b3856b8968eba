"""What the analysts' notebooks work on: runs and settings named in the environment, else made here.

    MOCKUPLAB_RUN            the profiled run folder to investigate (or its name, in the store)
    MOCKUPLAB_RUN_AFTER      the same work profiled after a fix, to compare with it
    MOCKUPLAB_TEMPLATES      templates of the runs rendered here: "listing" (the ten the
                             dashboard ticks), "all" or ID,ID,... (may repeat)
    MOCKUPLAB_ARTWORK_SIZES  artwork sizes of the mode sweep: WxH,WxH
    MOCKUPLAB_WORKERS        worker counts of the mode sweep: N,N,...
    MOCKUPLAB_JOB_BUDGET_MB  the memory budget of one render, as the dashboard applies it

Runs rendered here are small profiled runs of a photo-like artwork (without a named run, the
leak notebook's has a leak planted: `profiling.demo`); they go into the data folder
(`MOCKUPLAB_HOME`), runs where the dashboard's history lists them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mockups.home import data_dir
from mockups.memory import MIB
from mockups.options import RenderOptions
from mockups.render.budget import budget_bytes
from mockups.runs.catalogue import new_run_dir, open_run, run_artwork
from mockups.runs.folder import read_run
from mockups.templates.library import LISTING
from profiling.artworks import Size, photo_like_artwork
from profiling.child import profile_run
from profiling.demo import leak_demo_run

RUN_ENV = "MOCKUPLAB_RUN"
RUN_AFTER_ENV = "MOCKUPLAB_RUN_AFTER"
TEMPLATES_ENV = "MOCKUPLAB_TEMPLATES"
ARTWORK_SIZES_ENV = "MOCKUPLAB_ARTWORK_SIZES"
WORKERS_ENV = "MOCKUPLAB_WORKERS"

SAMPLE_ARTWORK_SIZE: Size = (1200, 1500)
# studio-10's artwork and the one it decodes to: what a seller uploads, halved.
SWEEP_ARTWORK_SIZES: tuple[Size, ...] = ((2000, 2500), (4000, 5000))
SWEEP_WORKERS = (1, 2, 4)
NOTEBOOKS_DIR = "notebooks"


@dataclass(frozen=True)
class SweepSettings:
    """What the mode comparison notebook renders."""

    artwork_sizes: tuple[Size, ...]
    workers: tuple[int, ...]
    templates: str
    budget_mb: float  # one render's memory budget, the dashboard's (MOCKUPLAB_JOB_BUDGET_MB)


def templates_setting(environ: Mapping[str, str] = os.environ) -> str:
    return environ.get(TEMPLATES_ENV, "").strip() or LISTING


def sweep_settings(environ: Mapping[str, str] = os.environ) -> SweepSettings:
    sizes = environ.get(ARTWORK_SIZES_ENV, "").strip()
    workers = environ.get(WORKERS_ENV, "").strip()
    return SweepSettings(
        artwork_sizes=parse_sizes(sizes) if sizes else SWEEP_ARTWORK_SIZES,
        workers=parse_counts(workers) if workers else SWEEP_WORKERS,
        templates=templates_setting(environ),
        budget_mb=budget_bytes() / MIB,
    )


def parse_sizes(text: str) -> tuple[Size, ...]:
    """`2000x2500,4000x5000` as ((2000, 2500), (4000, 5000))."""
    sizes = []
    for item in text.split(","):
        width, _, height = item.strip().lower().partition("x")
        if not (width.isdigit() and height.isdigit()):
            raise ValueError(f"{ARTWORK_SIZES_ENV}: {item.strip()!r} is not WIDTHxHEIGHT")
        sizes.append((int(width), int(height)))
    return tuple(sizes)


def parse_counts(text: str) -> tuple[int, ...]:
    items = [item.strip() for item in text.split(",")]
    if not all(item.isdigit() for item in items):
        raise ValueError(f"{WORKERS_ENV}: {text!r} is not N,N,...")
    return tuple(int(item) for item in items)


def run_to_investigate(environ: Mapping[str, str] = os.environ) -> Path:
    """The run folder in $MOCKUPLAB_RUN, else a demo run rendered now in which the second
    template keeps a copy of its canvas (`profiling.demo.leak_demo_run`): a leak to find."""
    named = environ.get(RUN_ENV, "").strip()
    if named:
        return open_run(named)
    artwork = photo_like_artwork(notebooks_dir() / "artworks", SAMPLE_ARTWORK_SIZE)
    out = new_run_dir(f"leak-demo-{artwork.stem}")
    leak_demo_run(artwork, out, templates_setting(environ))
    return out


def run_after_fix(before: Path | str, environ: Mapping[str, str] = os.environ) -> Path:
    """The run folder in $MOCKUPLAB_RUN_AFTER, else `before` rendered again with the release step.

    Rendered again, it is the same artwork on the same templates in the same mode, with
    `release_memory` on, in a process of its own: nothing plants a leak there, so the demo
    run's leak is gone, as after a fix.
    """
    named = environ.get(RUN_AFTER_ENV, "").strip()
    if named:
        return open_run(named)
    return render_again(before, release_memory=True)


def render_again(run_dir: Path | str, release_memory: bool = False) -> Path:
    """A new profiled run of `run_dir`'s artwork and templates, in the same mode; its folder.

    The artwork is the run's own file while it is still there, else the run's working copy.
    """
    run = read_run(run_dir)
    artwork = run_artwork(run_dir, run)
    out = new_run_dir(f"{artwork.stem}-again")
    options = RenderOptions(
        templates=[mockup.template for mockup in run.mockups],
        mode=run.mode,
        workers=run.workers,
        fit=run.fit,
        release_memory=release_memory,
    )
    profile_run(artwork, out, options=options)
    return out


def notebooks_dir() -> Path:
    """Where the notebooks keep what they make besides runs: data folder/notebooks."""
    return data_dir() / NOTEBOOKS_DIR


def new_sweep_dir() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    folder = notebooks_dir() / "sweeps" / stamp
    folder.mkdir(parents=True)
    return folder
