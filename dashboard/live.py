"""The Render page's live panel: progress, and in a status box kept open a row per mockup as it
lands and the memory line.

For a profiled run each row carries the mockup's memray figures (heap peak, allocated,
leaked, top allocation site) as it lands, the line is memray's heap in use beside RSS, and a
mockup whose leak stands out (`profiling.leaks.leak_reason`) is flagged with a link to its
view on the Memory page. A plain run's rows and line are RSS and glibc's heap after each
mockup. Drawing happens in the page's script thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import plotly.graph_objects as go
import streamlit as st

from mockups.memory import MIB
from mockups.runs.folder import MockupResult, RunResult
from profiling.charts import live_heap_and_rss
from profiling.figures import MockupFigures
from profiling.leaks import readable_size, short_location

Sample = tuple[float, int, int | None]

LIVE_BOX = "Time and memory of each mockup"
HEAP_PROFILED = "heap in use (memray)"
HEAP_PLAIN = "heap in use (glibc)"
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
    """A finished run's RSS and heap (glibc's: memray's figures are per mockup, in the table)
    after each mockup, in the order they finished."""
    if not run.mockups:
        return None
    return live_heap_and_rss(landed_points(run.mockups), heap_name=HEAP_PLAIN)


def memory_page_link(run_dir: Path, index: int) -> str:
    """The Memory page's view of one mockup: `?run=<run folder name>&mockup=<index>`."""
    return f"{MEMORY_PAGE}?{urlencode({'run': run_dir.name, 'mockup': index})}"


@dataclass(frozen=True)
class LiveView:
    """All a poll knows of a render, drawn at once: the bar, the box and the chart are each
    drawn once per poll with these figures, so the page never counts up from zero again.

    `place`: the render's place in the queue while it waits (1: next), None once it runs.
    `samples`: (seconds since the run started, RSS, heap or None) as the profiler sampled
    them, or for a plain run none: its line is then a point per landed mockup and one now.
    `now_rss`: a plain run's latest RSS, `now_seconds` how long it has been rendering since
    `started_unix`."""

    total: int
    landed: Sequence[MockupResult] = ()
    samples: Sequence[Sample] = ()
    place: int | None = None
    run_dir: Path | None = None
    started_unix: float | None = None
    now_seconds: float | None = None
    now_rss: int | None = None
    now_heap: int | None = None

    @property
    def profiled(self) -> bool:
        return any(MockupFigures.of(result) is not None for result in self.landed) or bool(
            self.samples
        )

    def progress_text(self) -> str:
        if self.place:
            ahead = (
                "you are next" if self.place == 1 else f"{self.place - 1} render(s) ahead of you"
            )
            return f"Waiting for a render slot: {ahead}"
        if not self.landed:
            return f"Rendering {self.total} mockups…"
        return f"{len(self.landed)}/{self.total}: {self.landed[-1].template}"  # the latest

    def line(self) -> list[Sample]:
        """The memory line: the profiler's samples, else RSS after each landed mockup and now."""
        if self.samples:
            return list(self.samples)
        points = landed_points(self.landed, self.started_unix)
        now = self.now_seconds
        later = now is not None and (not points or now > points[-1][0])
        if later and now is not None and self.now_rss is not None:
            points.append((now, self.now_rss, self.now_heap))
        return points


def landed_points(landed: Sequence[MockupResult], start: float | None = None) -> list[Sample]:
    """(seconds since `start` or the first mockup started, RSS after, heap after) per mockup,
    in the order they finished."""
    if not landed:
        return []
    if start is None:
        start = min(result.started_unix for result in landed)
    return [
        (m.finished_unix - start, m.rss_after_bytes, m.heap_after_bytes)
        for m in sorted(landed, key=lambda m: m.finished_unix)
    ]


def draw_live(view: LiveView, key: str) -> None:
    """The render's live panel: the bar, leak flags, and a box in view (never folded) with the
    memory line, the chart and a row per landed mockup. The box is "running" until the run
    ends (the page then shows the finished run instead). `key`: the job's, for the chart."""
    done = len(view.landed)
    st.progress(min(1.0, done / view.total) if view.total else 0.0, text=view.progress_text())
    if view.place:
        return
    for result in sorted(view.landed, key=lambda r: r.index):
        figures = MockupFigures.of(result)
        if figures is not None and figures.leak_reason:
            _flag(result, figures, view.run_dir)
    box = st.status(LIVE_BOX, expanded=True, state="running")  # not entered: never "complete"
    points = view.line()
    heap_name = HEAP_PROFILED if view.profiled else HEAP_PLAIN
    if points:
        seconds, rss, heap = points[-1]
        heap_text = "" if heap is None else f"{heap_name} {heap / MIB:.1f} MB · "
        box.caption(f"{seconds:.1f} s · {heap_text}RSS {rss / MIB:.1f} MB")
        box.plotly_chart(live_heap_and_rss(points, heap_name=heap_name), key=f"live-{key}")
    else:
        box.caption("The memory line starts with the first sample.")
    if view.landed:
        box.table([mockup_row(result) for result in sorted(view.landed, key=lambda r: r.index)])


def _flag(result: MockupResult, figures: MockupFigures, run_dir: Path | None) -> None:
    st.warning(
        f"Mockup {result.index:02d} ({result.template}) leaked "
        f"{readable_size(figures.leaked_bytes or 0)}: {figures.leak_reason}.",
        icon=":material/warning:",
    )
    if run_dir is not None:
        link = memory_page_link(run_dir, result.index)
        # the link text avoids the word the sidebar's "Memory" link is found by
        st.markdown(f"[Open mockup {result.index:02d}'s leak in its profile]({link})")
