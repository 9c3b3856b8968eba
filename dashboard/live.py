"""The Render page's live panel: progress, and folded in a status box a row per mockup as it
lands and the memory line.

For a profiled run each row carries the mockup's memray figures (heap peak, allocated,
leaked, top allocation site) as it lands, the line is memray's heap in use beside RSS, and a
mockup whose leak stands out (`profiling.leaks.leak_reason`) is flagged with a link to its
view on the Memory page. A plain run's rows and line are RSS and glibc's heap after each
mockup. Every method draws, so call them from the page's script thread.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

from mockups.memory import MIB
from mockups.runs.folder import MockupResult, RunResult
from profiling.charts import live_heap_and_rss
from profiling.figures import MockupFigures
from profiling.leaks import readable_size, short_location

CHART_EVERY_SECONDS = 0.45
MEMORY_PAGE = "memory"  # the Memory page's URL path (pages/memory.py)


def mockup_row(result: MockupResult) -> dict[str, str]:
    """One row of the panel's table: memray's figures when the run is profiled."""
    row = {
        "mockup": f"{result.index:02d}",
        "template": result.template,
        "seconds": f"{result.seconds:.2f}",
    }
    figures = MockupFigures.of(result)
    if figures is None:
        heap_after = result.heap_after_bytes
        return row | {
            "RSS after MB": f"{result.rss_after_bytes / MIB:.1f}",
            "heap after MB": "" if heap_after is None else f"{heap_after / MIB:.1f}",
        }
    top = short_location(figures.top_site) if figures.top_site else ""
    return row | {
        "heap peak MB": f"{figures.heap_peak_bytes / MIB:.1f}",
        "allocated MB": f"{(figures.allocated_bytes or 0) / MIB:.1f}",
        "leaked MB": f"{(figures.leaked_bytes or 0) / MIB:.2f}",
        "top site": f"{top} ({figures.top_site_function})" if top else "",
        "leak": "stands out" if figures.leak_reason else "",
    }


def finished_chart(run: RunResult) -> go.Figure | None:
    """A finished run's RSS and heap after each mockup, in the order they finished."""
    if not run.mockups:
        return None
    start = min(result.started_unix for result in run.mockups)
    points = [
        (m.finished_unix - start, m.rss_after_bytes, m.heap_after_bytes)
        for m in sorted(run.mockups, key=lambda m: m.finished_unix)
    ]
    return live_heap_and_rss(points)


def memory_page_link(run_dir: Path, index: int) -> str:
    """The Memory page's view of one mockup: `?run=<run folder name>&mockup=<index>`."""
    return f"{MEMORY_PAGE}?{urlencode({'run': run_dir.name, 'mockup': index})}"


class LivePanel:
    """A run's live view; `run_dir` (optional) lets a flagged leak link to the Memory page."""

    def __init__(self, total: int, run_dir: Path | None = None) -> None:
        self.total = total
        self.run_dir = run_dir
        self.bar = st.progress(0.0, text="Waiting for a render slot…")
        self.flags = st.container()
        # the figures fold away: the bar says how far it is, the box holds the detail
        self.details = st.status("Time and memory of each mockup", expanded=False)
        with self.details:
            self.memory_line = st.empty()
            self.chart = st.empty()
            self.table = st.empty()
        self.rows: list[dict[str, str]] = []
        self.samples: list[tuple[float, int, int | None]] = []
        self.started = time.monotonic()
        self.charted_at: float | None = None
        self.charts = 0

    def waiting(self, place: int) -> None:
        if place == 0:
            self.started = time.monotonic()
            self.bar.progress(0.0, text=f"Rendering {self.total} mockups…")
        else:
            ahead = "you are next" if place == 1 else f"{place - 1} render(s) ahead of you"
            self.bar.progress(0.0, text=f"Waiting for a render slot: {ahead}")

    def landed(self, result: MockupResult) -> None:
        self.rows.append(mockup_row(result))
        done = len(self.rows)
        text = f"{done}/{self.total}: {result.template}"
        self.bar.progress(min(1.0, done / self.total), text=text)
        self.table.table(self.rows)
        figures = MockupFigures.of(result)
        if figures is not None and figures.leak_reason:
            self._flag(result, figures)
        if figures is None:  # a plain run: no samples, a point per mockup
            seconds = time.monotonic() - self.started
            self.sample(seconds, result.rss_after_bytes, result.heap_after_bytes)

    def sample(self, seconds: float, rss_bytes: int, heap_bytes: int | None) -> None:
        self.samples.append((seconds, rss_bytes, heap_bytes))
        heap = "" if heap_bytes is None else f"heap in use {heap_bytes / MIB:.1f} MB · "
        self.memory_line.caption(f"{seconds:.1f} s · {heap}RSS {rss_bytes / MIB:.1f} MB")
        if self.charted_at is None or seconds - self.charted_at >= CHART_EVERY_SECONDS:
            self._draw_chart()

    def finish(self) -> None:
        self.bar.empty()
        self.details.update(state="complete")
        if self.samples:
            self._draw_chart()

    def _draw_chart(self) -> None:
        self.charts += 1
        self.charted_at = self.samples[-1][0]
        self.chart.plotly_chart(live_heap_and_rss(self.samples), key=f"live-{self.charts}")

    def _flag(self, result: MockupResult, figures: MockupFigures) -> None:
        with self.flags:
            st.warning(
                f"Mockup {result.index:02d} ({result.template}) leaked "
                f"{readable_size(figures.leaked_bytes or 0)}: {figures.leak_reason}.",
                icon=":material/warning:",
            )
            if self.run_dir is not None:
                link = memory_page_link(self.run_dir, result.index)
                # the link text avoids the word the sidebar's "Memory" link is found by
                st.markdown(f"[Open mockup {result.index:02d}'s leak in its profile]({link})")
