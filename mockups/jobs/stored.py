"""Rendering a job whose run lives in a remote store, on a machine that shares no disk with
the web: the artwork comes down into a scratch folder of this job's own, the engine renders
there exactly as it does into any folder, the run goes up with run.json last, and the scratch
folder is removed whatever happens (a process killed before it could is swept by the next).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import psutil

from mockups.home import SCRATCH, home
from mockups.jobs.budget import check_budget
from mockups.jobs.spec import RenderJob, Sample, run_in_process
from mockups.render.run import Progress, RunResult
from mockups.runs.catalogue import store_named

SCRATCH_PREFIX = "job-"


def render_stored(
    job: RenderJob, progress: Progress | None = None, sample: Sample | None = None
) -> RunResult:
    """Render the stored job `job` here and store its run; `StoreError` (one line) when the
    store cannot be reached or lacks the artwork."""
    assert job.store is not None, "render_stored renders jobs whose runs live in a store"
    store = store_named(job.store)
    sweep_scratch()
    with scratch_folder(job.id) as scratch:
        artwork = store.fetch_artwork(job.artwork_key, scratch)
        here = replace(job, artwork=str(artwork), run_dir=str(scratch / job.run_name), store=None)
        check_budget(here)  # this machine's budget, now that the artwork's header is here
        run = run_in_process(here, progress=progress, sample=sample)
        store.publish(Path(here.run_dir), job.run_name, keep=[artwork.name])
    return run


def scratch_root() -> Path:
    """Where jobs render on this machine: `$MOCKUPLAB_HOME/scratch`."""
    return home(SCRATCH)


@contextmanager
def scratch_folder(job_id: str) -> Iterator[Path]:
    """A fresh folder for one job, named after this process, removed on the way out."""
    folder = scratch_root() / f"{SCRATCH_PREFIX}{os.getpid()}-{job_id}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def sweep_scratch() -> list[Path]:
    """Remove the scratch folders of processes that are gone (killed mid-job); returns them."""
    root = scratch_root()
    if not root.is_dir():
        return []
    swept = []
    for folder in root.iterdir():
        pid = folder.name.removeprefix(SCRATCH_PREFIX).partition("-")[0]
        if folder.name.startswith(SCRATCH_PREFIX) and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            swept.append(folder)
    return swept


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
