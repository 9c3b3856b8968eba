"""Plotly figures of the analysts' questions: the mode sweep, standout leaks, a run against another.

`profiling.charts` draws one profiled run or one comparison; these draw the tables of
`profiling.sweep`, `profiling.leaks` and `profiling.history.compare_runs`.
"""

from __future__ import annotations

import pandas
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mockups.memory import MIB
from mockups.render.budget import budget_bytes
from profiling.leaks import LeakSuspect
from profiling.results import ProfiledRun

MODE_COLOURS = {"sequential": "#555555", "threads": "#2f6db5", "processes": "#c0573e"}
STANDOUT_COLOUR = "#c0392b"
QUIET_COLOUR = "#9aa5b1"
# Plotly's JSON for JupyterLab and editors that chart it, and a PNG of the same figure for
# every other viewer (GitHub, nbconvert's HTML, an editor's plain preview).
CHART_AND_IMAGE = "plotly_mimetype+png"


def static_images_beside_charts() -> str:
    """From now on each figure a cell shows carries a PNG of itself beside the interactive
    chart, drawn by Kaleido in the machine's Chrome or Chromium (one browser kept for every
    figure); a line saying so, or why the charts stay interactive only."""
    import kaleido
    import plotly.io as pio
    from choreographer.browsers.chromium import Chromium

    if Chromium.find_browser(skip_local=False) is None:
        return "No Chrome or Chromium found: the charts show in JupyterLab only, without images."
    kaleido.start_sync_server(silence_warnings=True)
    pio.renderers.default = CHART_AND_IMAGE
    return "Each chart below carries a PNG of itself, for viewers other than JupyterLab."


def sweep_wall_time(frame: pandas.DataFrame) -> go.Figure:
    """Wall seconds of every run of a sweep, one bar per artwork size."""
    return _sweep_bars(frame, "wall_seconds", 1, "wall time (s)")


def sweep_peak_memory(frame: pandas.DataFrame) -> go.Figure:
    """Peak RSS of every run of a sweep (workers included), one bar per artwork size."""
    return _sweep_bars(frame, "peak_rss_bytes", MIB, "peak RSS (MB)")


def memory_by_workers(
    frame: pandas.DataFrame, growth: pandas.DataFrame, limit_bytes: int | None = None
) -> go.Figure:
    """Peak RSS against the worker count, one panel per artwork: measured (solid), the
    fitted line out to `growth`'s `at_once` mockups (dotted), and the memory budget of one
    render (`limit_bytes`, else the dashboard's: `MOCKUPLAB_JOB_BUDGET_MB`)."""
    limit_bytes = budget_bytes() if limit_bytes is None else limit_bytes
    artworks = list(dict.fromkeys(frame["artwork"]))
    figure = make_subplots(
        rows=1, cols=len(artworks), shared_yaxes=True,
        subplot_titles=[f"artwork {artwork}" for artwork in artworks],
    )  # fmt: skip
    for column, artwork in enumerate(artworks, start=1):
        for mode, runs in frame[frame["artwork"] == artwork].groupby("mode", sort=False):
            figure.add_scatter(
                x=runs["workers"], y=runs["peak_rss_bytes"] / MIB, mode="lines+markers",
                name=mode, legendgroup=mode, showlegend=column == 1,
                line={"color": MODE_COLOURS.get(mode)}, row=1, col=column,
            )  # fmt: skip
        for fit in growth[growth["artwork"] == artwork].itertuples():
            xs = [1, fit.at_once]
            figure.add_scatter(
                x=xs, y=[(fit.base_bytes + fit.bytes_per_worker * x) / MIB for x in xs],
                mode="lines", name=f"{fit.mode}, extended", legendgroup=fit.mode,
                showlegend=False, line={"color": MODE_COLOURS.get(fit.mode), "dash": "dot"},
                row=1, col=column,
            )  # fmt: skip
        figure.add_hline(
            y=limit_bytes / MIB, line={"color": "#000000", "dash": "dash", "width": 1},
            annotation_text=f"{limit_bytes / MIB:.0f} MB budget", row=1, col=column,
        )  # fmt: skip
        figure.update_xaxes(title_text="mockups rendering at once", row=1, col=column)
    figure.update_yaxes(title_text="peak RSS (MB)", row=1, col=1)
    figure.update_layout(
        title="Solid: measured. Dotted: the same straight line, extended.",
        margin={"t": 80}, height=440,
    )  # fmt: skip
    return figure


def leaked_by_mockup(profiled: ProfiledRun, suspects: list[LeakSuspect]) -> go.Figure:
    """Each mockup's leaked bytes, the ones that stand out in red."""
    standout = {suspect.index for suspect in suspects}
    mockups = profiled.mockups
    figure = go.Figure()
    figure.add_bar(
        x=[f"{m.index:02d} {m.template}" for m in mockups],
        y=[m.leaked_bytes / MIB for m in mockups],
        marker_color=[STANDOUT_COLOUR if m.index in standout else QUIET_COLOUR for m in mockups],
        hovertext=[f"{m.leaked_bytes:,} bytes" for m in mockups],
    )
    figure.update_layout(
        title="Held at each mockup's end; red: stands out", yaxis_title="leaked (MB)",
        margin={"t": 50}, height=360,
    )  # fmt: skip
    return figure


def change_by_mockup(comparison: pandas.DataFrame) -> go.Figure:
    """After minus before, per mockup, of a `compare_runs` table: heap peak and leaked, in MB."""
    labels = [f"{row.index:02d} {row.template}" for row in comparison.itertuples()]
    figure = go.Figure()
    for measure, name in (("heap_peak_bytes", "heap peak"), ("leaked_bytes", "leaked")):
        figure.add_bar(name=name, x=labels, y=comparison[f"{measure} change"] / MIB)
    figure.update_layout(
        barmode="group", yaxis_title="after - before (MB)", margin={"t": 30}, height=360,
    )  # fmt: skip
    return figure


def _sweep_bars(frame: pandas.DataFrame, column: str, unit: float, title: str) -> go.Figure:
    figure = go.Figure()
    for artwork, runs in frame.groupby("artwork", sort=False):
        figure.add_bar(name=f"artwork {artwork}", x=runs["run"], y=runs[column] / unit)
    figure.update_layout(
        barmode="group", yaxis_title=title, xaxis_title="mode and workers",
        margin={"t": 30}, height=380,
    )  # fmt: skip
    return figure
