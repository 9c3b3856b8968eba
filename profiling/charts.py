"""Plotly figures of profiled runs, shared by the dashboard and the notebooks."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mockups.memory import MIB
from profiling.compare import ModeComparison, run_label
from profiling.leaks import readable_size
from profiling.results import MockupProfile, ProfiledRun

HEAP_COLOUR = "#2f6db5"
RSS_COLOUR = "#c0573e"
BUDGET_COLOUR = "#7a1f1f"
STANDOUT_COLOUR = "#d62728"
HELD_COLOUR = "#9e9e9e"
LANE_COLOUR = "#6f8fb5"
HELD_AXIS_FLOOR_MB = 1.0
FEW_POINTS = 40
BUDGET_HEADROOM = 1.12  # the timeline's MB axis reaches this far above the budget line


def mockup_bars(
    profiled: ProfiledRun,
    *,
    standout: Collection[int] = (),
    names: Mapping[int, str] | None = None,
) -> go.Figure:
    """Per mockup: its peak heap (top) and what it still held at its end (bottom, on a scale of
    its own, in MB from 0 to at least HELD_AXIS_FLOOR_MB: a few kB beside tens of MB would not
    show, and the normal few kB must not fill the chart as a leak would). Mockups in
    `standout` (their index; `profiling.leaks.standout_leaks`) are red, the others grey.
    `names` label mockups by index, else by template id."""
    labels = [_label(m, names) for m in profiled.mockups]
    held = [m.leaked_bytes / MIB for m in profiled.mockups]
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=("peak heap", "still held at the end"),
    )
    figure.add_bar(
        name="peak heap", x=labels, y=[m.heap_peak_bytes / MIB for m in profiled.mockups],
        marker_color=HEAP_COLOUR, row=1, col=1,
    )  # fmt: skip
    figure.add_bar(
        name="still held at the end", x=labels, y=held,
        hovertext=[readable_size(m.leaked_bytes) for m in profiled.mockups],
        hovertemplate="%{x}: %{hovertext}<extra></extra>",
        marker_color=[STANDOUT_COLOUR if m.index in standout else HELD_COLOUR
                      for m in profiled.mockups],
        row=2, col=1,
    )  # fmt: skip
    figure.update_yaxes(title_text="MB", row=1, col=1)
    top = max([*held, HELD_AXIS_FLOOR_MB]) * 1.1
    figure.update_yaxes(title_text="MB", range=[0, top], row=2, col=1)
    figure.update_layout(showlegend=False, margin={"t": 30}, height=460)
    return figure


def timeline(
    profiled: ProfiledRun,
    *,
    budget_bytes: int | None = None,
    names: Mapping[int, str] | None = None,
) -> go.Figure:
    """Heap and RSS over the run, with the memory budget as a line when given (its label under
    the line at the right, clear of the first mockup's number).

    Mockups rendered one after another are shaded spans; when their spans overlap (threads
    mode, processes mode) each mockup gets a lane of its own under the chart instead."""
    lanes = spans_overlap(profiled.mockups)
    if lanes:
        figure = make_subplots(
            rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06, row_heights=[0.62, 0.38]
        )
    else:
        figure = go.Figure()
    where = {"row": 1, "col": 1} if lanes else {}
    points = profiled.points
    pids = sorted({p.pid for p in points})
    for pid in pids:
        mine = [p for p in points if p.pid == pid]
        suffix = "" if len(pids) == 1 else f" (pid {pid})"
        xs = [p.seconds for p in mine]
        figure.add_scatter(
            x=xs, y=[p.heap_bytes / MIB for p in mine], name=f"heap{suffix}",
            line={"color": HEAP_COLOUR}, **where,
        )  # fmt: skip
        figure.add_scatter(
            x=xs, y=[p.rss_bytes / MIB for p in mine], name=f"RSS{suffix}",
            line={"color": RSS_COLOUR, "dash": "dot"}, **where,
        )  # fmt: skip
    if budget_bytes is not None:
        figure.add_hline(
            y=budget_bytes / MIB,
            line={"color": BUDGET_COLOUR, "dash": "dash", "width": 1.5},
            annotation_text=f"budget {budget_bytes / MIB:.0f} MB",
            # under the line at the right, and room above it for the mockups' numbers, which
            # sit along the top from the left
            annotation_position="bottom right",
            **where,
        )
        figure.update_yaxes(
            autorangeoptions={"include": [BUDGET_HEADROOM * budget_bytes / MIB]}, **where
        )
    if lanes:
        _add_lanes(figure, profiled.mockups, names)
        figure.update_yaxes(title_text="MB", row=1, col=1)
        figure.update_xaxes(title_text="seconds", row=2, col=1)
    else:
        _add_spans(figure, profiled.mockups)
        figure.update_layout(xaxis_title="seconds", yaxis_title="MB")
    figure.update_layout(margin={"t": 30}, height=520 if lanes else 400)
    return figure


def spans_overlap(mockups: Sequence[MockupProfile]) -> bool:
    """Whether any two mockups were rendering at the same moment."""
    spans = sorted((m.started_seconds, m.finished_seconds) for m in mockups)
    return any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans))


def _add_spans(figure: go.Figure, mockups: Sequence[MockupProfile]) -> None:
    for mockup in mockups:
        figure.add_vrect(
            x0=mockup.started_seconds,
            x1=mockup.finished_seconds,
            fillcolor="#888888",
            opacity=0.08 if mockup.index % 2 else 0.16,
            line_width=0,
            annotation_text=str(mockup.index),
            annotation_position="top left",
        )


def _add_lanes(
    figure: go.Figure, mockups: Sequence[MockupProfile], names: Mapping[int, str] | None
) -> None:
    """One horizontal bar per mockup, from its start to its end, in a row of its own."""
    labels = [_label(m, names) for m in mockups]
    figure.add_bar(
        name="rendering",
        orientation="h",
        base=[m.started_seconds for m in mockups],
        x=[m.finished_seconds - m.started_seconds for m in mockups],
        y=labels,
        marker_color=LANE_COLOUR,
        customdata=[
            f"{m.started_seconds:.2f}-{m.finished_seconds:.2f} s, worker {m.worker}"
            for m in mockups
        ],
        hovertemplate="%{y}: %{customdata}<extra></extra>",
        showlegend=False,
        row=2,
        col=1,
    )
    figure.update_yaxes(autorange="reversed", type="category", row=2, col=1)


def _label(mockup: MockupProfile, names: Mapping[int, str] | None) -> str:
    name = names.get(mockup.index) if names else None
    return f"{mockup.index:02d} {name or mockup.template}"


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


def live_heap_and_rss(
    samples: Sequence[tuple[float, int, int | None]], *, heap_name: str = "heap in use (memray)"
) -> go.Figure:
    """RSS and the heap in use while a run renders: memray's for a profiled run, else what
    `heap_name` says it is (glibc's, after each mockup).

    `samples` are (seconds since the run started, RSS bytes, heap bytes or None).
    """
    seconds = [s[0] for s in samples]
    mode = "lines" if len(samples) > FEW_POINTS else "lines+markers"  # a point per mockup shows
    figure = go.Figure()
    figure.add_scatter(
        x=seconds, y=[s[1] / MIB for s in samples], mode=mode,
        name="RSS", line={"color": RSS_COLOUR},
    )  # fmt: skip
    figure.add_scatter(
        x=seconds, y=[None if s[2] is None else s[2] / MIB for s in samples], mode=mode,
        name=heap_name, line={"color": HEAP_COLOUR},
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
