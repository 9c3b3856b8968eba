"""What the Compare page shows of a finished comparison: a table in plain words and one chart
of time against peak memory, with the budget drawn in."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from mockups.memory import MIB
from profiling.compare import MODE_NAMES as MODE_NAMES
from profiling.compare import ModeComparison, row_label
from profiling.compare import verdict as verdict

CHOSEN_COLOUR = "#2e7d32"
WITHIN_COLOUR = "#1f77b4"
OVER_COLOUR = "#c62828"


def comparison_table(rows: Sequence[ModeComparison], budget_bytes: int) -> list[dict]:
    """One row per run, rounded as people read them."""
    return [
        {
            "Run": row_label(r),
            "Time (s)": round(r.wall_seconds, 1),
            "Peak memory (MB)": round(r.peak_rss_bytes / MIB),
            "Within budget": r.peak_rss_bytes <= budget_bytes,
            "Peak heap (MB)": round(r.heap_peak_bytes / MIB),
            "Memory after (MB)": round(r.rss_after_bytes / MIB),
        }
        for r in rows
    ]


def time_memory_chart(
    rows: Sequence[ModeComparison], budget_bytes: int, chosen: ModeComparison | None
) -> go.Figure:
    """Each run as a point: peak memory across, time up; lower left is better. The budget is a
    dashed line with the space past it shaded; the chosen run is green."""
    budget_mb = budget_bytes / MIB
    peaks = [r.peak_rss_bytes / MIB for r in rows]
    right = max([*peaks, budget_mb]) * 1.15
    colours = [_colour(r, chosen, budget_bytes) for r in rows]
    figure = go.Figure()
    figure.add_vrect(x0=budget_mb, x1=right, fillcolor=OVER_COLOUR, opacity=0.07, line_width=0)
    figure.add_vline(
        x=budget_mb,
        line={"dash": "dash", "color": OVER_COLOUR},
        annotation_text=f"budget {budget_mb:.0f} MB",
        annotation_position="top left",
    )
    figure.add_scatter(
        x=peaks,
        y=[r.wall_seconds for r in rows],
        mode="markers+text",
        text=[row_label(r) for r in rows],
        textposition="top center",
        marker={"size": [18 if r == chosen else 12 for r in rows], "color": colours},
        hovertemplate="%{text}<br>%{y:.1f} s, peak %{x:.0f} MB<extra></extra>",
        showlegend=False,
    )
    top = max(r.wall_seconds for r in rows) * 1.25 if rows else 1
    figure.update_layout(
        xaxis={"title": "peak memory (MB)", "range": [0, right]},
        yaxis={"title": "time (s)", "range": [0, top]},
        margin={"t": 30},
        height=380,
    )
    return figure


def _colour(row: ModeComparison, chosen: ModeComparison | None, budget_bytes: int) -> str:
    if row == chosen:
        return CHOSEN_COLOUR
    return OVER_COLOUR if row.peak_rss_bytes > budget_bytes else WITHIN_COLOUR
