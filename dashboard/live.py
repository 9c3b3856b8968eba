"""The live panel of a render: its place in line, a progress bar, a line per mockup as it lands
and the rendering process's memory growing with them.

    panel = LivePanel(total)
    panel.waiting(place)     # 1: next in line, 0: rendering
    panel.landed(result)     # a MockupResult, in the order they land
    panel.sample(seconds, rss_bytes, heap_bytes)   # a memory reading between landings
    panel.finish()
"""

from __future__ import annotations

import streamlit as st

from dashboard.text import as_text
from mockups.runfolder import MockupResult
from profiling.charts import live_memory

MIB = 2**20


class LivePanel:
    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.bar = st.progress(0.0, text="Waiting for a render slot…")
        self.now = st.empty()
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

    def landed(self, result: MockupResult) -> None:
        self.done += 1
        name = as_text(result.template) if result.template else "…"
        self.bar.progress(
            min(1.0, self.done / self.total), text=f"{self.done}/{self.total}: {name}"
        )
        self.points.append((self.done, result.rss_after_bytes, result.heap_after_bytes))
        self.chart.plotly_chart(live_memory(self.points), key=f"live-{self.done}")
        self.lines.append(
            {
                "mockup": result.index,
                "template": result.template,
                "seconds": round(result.seconds, 2),
                "RSS after (MB)": round(result.rss_after_bytes / MIB, 1),
                "heap after (MB)": round((result.heap_after_bytes or 0) / MIB, 1),
            }
        )
        self.rows.dataframe(self.lines, hide_index=True)

    def sample(self, seconds: float, rss_bytes: int, heap_bytes: int | None) -> None:
        heap = "" if heap_bytes is None else f" · heap in use {heap_bytes / MIB:.0f} MB"
        self.now.caption(f"{seconds:.0f} s · RSS {rss_bytes / MIB:.0f} MB{heap}")

    def finish(self) -> None:
        self.bar.empty()
        self.now.empty()
