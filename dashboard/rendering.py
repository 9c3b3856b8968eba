"""The Render button: store the upload, wait for a slot or a worker, render (profiled or not)
with live progress, and leave nothing behind but a finished run or a clear message."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import streamlit as st

from dashboard.live import LivePanel
from dashboard.resources import render_queue, render_slots
from mockups.errors import RenderError
from mockups.intake import read_header
from mockups.jobs import RenderJob, RenderQueue, check_budget
from mockups.options import RenderOptions
from mockups.renderers import PLAIN, PROFILED
from mockups.run import MockupResult
from mockups.storage import new_run_dir
from profiling.charts import live_memory

MIB = 2**20
POLL_SECONDS = 0.5


class LiveProgress:
    """A progress bar, a line per finished mockup, and RSS and heap growing as mockups land."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = st.progress(0.0, text="Waiting for a render slot…")
        self.chart = st.empty()
        self.rows = st.empty()
        self.points: list[tuple[int, int, int | None]] = []
        self.lines: list[dict] = []

    def waiting(self, place: int) -> None:
        if place == 0:
            self.bar.progress(0.0, text=f"Rendering {self.total} mockups…")
        else:
            ahead = "you are next" if place == 1 else f"{place - 1} render(s) ahead of you"
            self.bar.progress(0.0, text=f"Waiting for a render slot: {ahead}")

    def landed(
        self, done: int, total: int, template: str, rss_bytes: int | None, heap_bytes: int | None
    ) -> None:
        self.bar.progress(done / total, text=f"{done}/{total}: {template}")
        if rss_bytes is not None and done not in {p[0] for p in self.points}:
            self.points.append((done, rss_bytes, heap_bytes))
            self.chart.plotly_chart(live_memory(self.points), key=f"live-{done}")

    def __call__(self, done: int, total: int, result: MockupResult) -> None:
        self.landed(done, total, result.template, result.rss_after_bytes, result.heap_after_bytes)
        self.lines.append(
            {
                "mockup": result.index,
                "template": result.template,
                "seconds": result.seconds,
                "RSS after (MB)": round(result.rss_after_bytes / MIB, 1),
                "heap after (MB)": round((result.heap_after_bytes or 0) / MIB, 1),
            }
        )
        self.rows.dataframe(self.lines, hide_index=True)


def render_upload(
    upload, templates: list[str], mode: str, workers: int | None, profile: bool
) -> Path:
    """Render an uploaded artwork into a new run folder and return it.

    A refused artwork (corrupt, too large, over the memory budget) raises before any slot
    is taken and leaves no folder behind.
    """
    run_dir = new_run_dir(upload.name)
    try:
        artwork = run_dir / f"upload{Path(upload.name).suffix.lower() or '.img'}"
        artwork.write_bytes(upload.getbuffer())
        read_header(artwork)
        options = RenderOptions(templates=tuple(templates), mode=mode, workers=workers)
        renderer = PROFILED if profile else PLAIN
        job = RenderJob(artwork=artwork, run_dir=run_dir, options=options, renderer=renderer)
        check_budget(job)
        queue = render_queue()
        if queue is None and profile:
            panel = LivePanel(len(templates), run_dir=run_dir)
            _profiled_here(job, panel)
            panel.finish()
            return run_dir
        progress = LiveProgress(len(templates))
        if queue is not None:
            _through_queue(queue, job, progress)
        else:
            _in_this_process(job, progress)
        progress.bar.empty()
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    return run_dir


def _in_this_process(job: RenderJob, progress: LiveProgress) -> None:
    slots = render_slots()
    if job.renderer != PROFILED:
        slots.render(job, progress=progress, on_place=progress.waiting)
        return
    from profiling import profile_run  # in a child: one memray capture per process

    with slots.slot(progress.waiting):
        progress.waiting(0)
        profile_run(job.artwork, job.run_dir, options=job.options, progress=progress)


def _profiled_here(job: RenderJob, panel: LivePanel) -> None:
    """Profiled in a child process (one memray capture per process), memray's figures live."""
    from profiling import profile_run

    with render_slots().slot(panel.waiting):
        panel.waiting(0)
        profile_run(
            job.artwork,
            job.run_dir,
            options=job.options,
            progress=lambda done, total, result: panel.landed(result),
            sample=panel.sample,
        )


def _through_queue(queue: RenderQueue, job: RenderJob, progress: LiveProgress) -> None:
    """Hand the job to the workers and follow it until it ends (the page stays live)."""
    job_id = queue.enqueue(job)
    while True:
        status = queue.status(job_id)
        if status.state == "queued":
            progress.waiting(status.place or 1)
        elif status.state == "started" and status.total:
            progress.landed(
                status.done,
                status.total,
                status.template or "",
                status.rss_bytes,
                status.heap_bytes,
            )
        elif status.state == "finished":
            return
        elif status.state == "failed":
            raise RenderError(f"the render failed: {status.error}")
        time.sleep(POLL_SECONDS)
