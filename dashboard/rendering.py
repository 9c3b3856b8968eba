"""The Render button: store the upload, wait for a slot, render (profiled or not) with live
progress, and leave nothing behind but a finished run or a clear message."""

from __future__ import annotations

import shutil
from pathlib import Path

import streamlit as st

from dashboard.resources import render_slots
from mockups.intake import read_header
from mockups.run import MockupResult, render_run
from mockups.storage import new_run_dir
from profiling.charts import live_rss

MIB = 2**20


class LiveProgress:
    """A progress bar, a line per finished mockup and the RSS line growing as mockups land."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.bar = st.progress(0.0, text="Waiting for a render slot…")
        self.chart = st.empty()
        self.rows = st.empty()
        self.points: list[tuple[int, float]] = []
        self.lines: list[dict] = []

    def started(self) -> None:
        self.bar.progress(0.0, text=f"Rendering {self.total} mockups…")

    def __call__(self, done: int, total: int, result: MockupResult) -> None:
        self.bar.progress(done / total, text=f"{done}/{total}: {result.template}")
        self.points.append((result.index, result.rss_after_bytes))
        self.points.sort()
        self.lines.append(
            {
                "mockup": result.index,
                "template": result.template,
                "seconds": result.seconds,
                "RSS after (MB)": round(result.rss_after_bytes / MIB, 1),
            }
        )
        self.chart.plotly_chart(live_rss(self.points), key=f"live-{done}")
        self.rows.dataframe(self.lines, hide_index=True)


def render_upload(
    upload, templates: list[str], mode: str, workers: int | None, profile: bool
) -> Path:
    """Render an uploaded artwork into a new run folder and return it.

    A refused artwork (corrupt, too large) raises before any slot is taken and leaves no
    folder behind.
    """
    run_dir = new_run_dir(upload.name)
    try:
        artwork = run_dir / f"upload{Path(upload.name).suffix.lower() or '.img'}"
        artwork.write_bytes(upload.getbuffer())
        read_header(artwork)
        progress = LiveProgress(len(templates))
        with render_slots():
            progress.started()
            if profile:
                from profiling import profile_run

                profile_run(artwork, run_dir, templates, mode, workers, progress=progress)
            else:
                render_run(artwork, run_dir, templates, mode, workers, progress=progress)
        progress.bar.empty()
    except BaseException:
        shutil.rmtree(run_dir, ignore_errors=True)
        raise
    return run_dir
