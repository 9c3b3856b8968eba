"""Plotly figures of profiled runs, shared by the dashboard and the notebooks."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from mockups.memory import MIB
from profiling.compare import ModeComparison, run_label
from profiling.results import ProfiledRun

HEAP_COLOUR = "#2f6db5"
RSS_COLOUR = "#c0573e"


def mockup_bars(profiled: ProfiledRun) -> go.Figure:
    """Per mockup: peak heap, bytes allocated and bytes still held at its end, in MB."""
    labels = [f"{m.index:02d} {m.template}" for m in profiled.mockups]
    figure = go.Figure()
    for name, values in (
        ("peak heap", [m.heap_peak_bytes for m in profiled.mockups]),
        ("allocated", [m.allocated_bytes for m in profiled.mockups]),
        ("leaked", [m.leaked_bytes for m in profiled.mockups]),
    ):
        figure.add_bar(name=name, x=labels, y=[v / MIB for v in values])
    figure.update_layout(barmode="group", yaxis_title="MB", margin={"t": 30}, height=380)
    return figure


def timeline(profiled: ProfiledRun) -> go.Figure:
    """Heap and RSS over the run, each mockup's span shaded and labelled."""
    points = profiled.points
    figure = go.Figure()
    for pid in sorted({p.pid for p in points}):
        mine = [p for p in points if p.pid == pid]
        suffix = "" if len({p.pid for p in points}) == 1 else f" (pid {pid})"
        xs = [p.seconds for p in mine]
        figure.add_scatter(
            x=xs, y=[p.heap_bytes / MIB for p in mine], name=f"heap{suffix}",
            line={"color": HEAP_COLOUR},
        )  # fmt: skip
        figure.add_scatter(
            x=xs, y=[p.rss_bytes / MIB for p in mine], name=f"RSS{suffix}",
            line={"color": RSS_COLOUR, "dash": "dot"},
        )  # fmt: skip
    for mockup in profiled.mockups:
        figure.add_vrect(
            x0=mockup.started_seconds,
            x1=mockup.finished_seconds,
            fillcolor="#888888",
            opacity=0.08 if mockup.index % 2 else 0.16,
            line_width=0,
            annotation_text=str(mockup.index),
            annotation_position="top left",
        )
    figure.update_layout(
        xaxis_title="seconds", yaxis_title="MB", margin={"t": 30}, height=380,
    )  # fmt: skip
    return figure


def live_memory(points: Sequence[tuple[int, int, int | None]]) -> go.Figure:
    """RSS and heap in use after each finished mockup, while a run is going.

    `points` are (mockups done, RSS bytes, heap bytes or None) of the rendering process.
    """
    figure = go.Figure()
    done = [p[0] for p in points]
    figure.add_scatter(
        x=done, y=[p[1] / MIB for p in points], mode="lines+markers",
        name="RSS", line={"color": RSS_COLOUR},
    )  # fmt: skip
    heap = [p[2] for p in points if p[2] is not None]
    if len(heap) == len(points):
        figure.add_scatter(
            x=done, y=[h / MIB for h in heap], mode="lines+markers",
            name="heap in use", line={"color": HEAP_COLOUR},
        )  # fmt: skip
    figure.update_layout(
        xaxis_title="mockup", yaxis_title="MB", margin={"t": 10}, height=260,
    )  # fmt: skip
    return figure


def live_heap_and_rss(samples: Sequence[tuple[float, int, int | None]]) -> go.Figure:
    """RSS and memray's heap in use while a profiled run renders.

    `samples` are (seconds since the run started, RSS bytes, heap bytes or None).
    """
    seconds = [s[0] for s in samples]
    figure = go.Figure()
    figure.add_scatter(
        x=seconds, y=[s[1] / MIB for s in samples], mode="lines",
        name="RSS", line={"color": RSS_COLOUR},
    )  # fmt: skip
    figure.add_scatter(
        x=seconds, y=[None if s[2] is None else s[2] / MIB for s in samples], mode="lines",
        name="heap in use (memray)", line={"color": HEAP_COLOUR},
    )  # fmt: skip
    figure.update_layout(
        xaxis_title="seconds", yaxis_title="MB", margin={"t": 10}, height=260,
    )  # fmt: skip
    return figure


def comparison_bars(rows: Sequence[ModeComparison]) -> go.Figure:
    """Wall time and peak memory of each mode, side by side."""
    labels = [run_label(r.mode, r.workers, r.release_memory) for r in rows]
    figure = go.Figure()
    figure.add_bar(
        name="wall s", x=labels, y=[r.wall_seconds for r in rows], yaxis="y", offsetgroup=0
    )
    figure.add_bar(
        name="peak RSS MB", x=labels, y=[r.peak_rss_bytes / MIB for r in rows], yaxis="y2",
        offsetgroup=1,
    )  # fmt: skip
    figure.update_layout(
        barmode="group",
        yaxis={"title": "seconds"},
        yaxis2={"title": "MB", "overlaying": "y", "side": "right"},
        margin={"t": 30},
        height=360,
    )
    return figure
