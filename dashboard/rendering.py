"""The Render button: store the artwork, plan the job and check it against the memory budget,
and hand it to the render back-end (Redis's workers, or background renders here); the page
then follows it by id (`follow`).

Who may delete a run folder: only this code, and only while nothing else writes into it, that
is before the job is handed over. Once handed over, the folder belongs to whoever renders it:
a failed background render here removes its own folder, a queued job's folder stays with its
worker, and a rerun, a stop or a lost Redis connection never deletes it.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

from dashboard.resources import render_backend, template_library
from dashboard.uploads import named_for_user, original_name
from mockups.errors import MockupLabError
from mockups.jobs import RenderJob, plan_job
from mockups.options import MAX_WORKERS as MAX_WORKERS
from mockups.options import MODES as MODES
from mockups.options import RenderOptions
from mockups.render.renderers import PLAIN, PROFILED
from mockups.runs.catalogue import new_run_dir, share_artwork
from mockups.templates.library import user_templates_dir

CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class RenderRequest:
    """What the Render form asked for."""

    templates: tuple[str, ...]
    mode: str
    workers: int | None
    fit: str | None
    profile: bool

    def options(self, artwork_name: str | None = None) -> RenderOptions:
        """The run's options; user templates travel by folder, so a worker whose home is
        elsewhere on this machine renders the templates this page offered."""
        return RenderOptions(
            templates=self.templates,
            mode=self.mode,
            workers=self.workers,
            fit=self.fit,
            artwork_name=artwork_name,
            template_dirs=(str(user_templates_dir().absolute()),),
        )


@dataclass(frozen=True)
class StartedRender:
    """A render handed over: the id to follow it by."""

    job_id: str
    total: int
    run_dir: str
    stored_name: str = ""  # the artwork's file in the run folder (`upload.png`)


def start_render(name: str, artwork: BinaryIO, request: RenderRequest) -> StartedRender:
    """Store `artwork` (read in chunks) in a new run folder and start rendering it.

    A refused artwork (corrupt, too large, over the memory budget) raises before the job is
    handed over and leaves no folder behind; its message names the file as `name`.
    """
    name = original_name(name)
    run_dir = new_run_dir(name)
    handed_over = False
    stored = run_dir / f"upload{Path(name).suffix.lower() or '.img'}"
    try:
        with stored.open("wb") as out:
            shutil.copyfileobj(artwork, out, CHUNK_BYTES)
        job = RenderJob(
            artwork=str(stored),
            run_dir=str(run_dir),
            options=request.options(artwork_name=name),
            renderer=PROFILED if request.profile else PLAIN,
        )
        plan = plan_job(job, template_library()).check()  # the header read, once
        job = replace(job, store=share_artwork(stored))
        backend = render_backend()
        handed_over = True
        job_id = backend.submit(job, plan)
    except BaseException as error:
        if not handed_over:
            shutil.rmtree(run_dir, ignore_errors=True)
        if isinstance(error, MockupLabError):
            raise named_for_user(error, stored.name, name) from None
        raise
    return StartedRender(job_id, len(job.templates), str(run_dir), stored.name)
