"""What the History page shows: the runs as a table to pick from, and two profiled runs side
by side per mockup, rounded, with what got worse marked."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard.text import as_text
from mockups.memory import MIB
from mockups.runs.catalogue import RunSummary
from profiling.compare import plain_label

# figure in profiling.history.compare_runs -> (what people call it, divisor, decimals, floor):
# a change counts as worse (or better) past 5 % of the figure before and past `floor`
FIGURES = {
    "heap_peak_bytes": ("heap peak MB", MIB, 1, 0.1),
    "leaked_bytes": ("held at end MB", MIB, 1, 0.1),
    "allocated_bytes": ("allocated MB", MIB, 1, 0.1),
    "seconds": ("time s", 1, 2, 0.1),  # a loaded machine's timings wander by tens of ms
}
SIDES = ("before", "after", "change")
# px: twelve figure columns, the number and the template's name within the wide layout's
# 1000 px or so (Streamlit's "small" is 75 px: the last two columns scrolled out of sight)
FIGURE_WIDTH = 62
SHARE = 0.05
WORSE_STYLE = "background-color: #fbd5d5; color: #8a1c1c"
BETTER_STYLE = "background-color: #d8f0d8; color: #1b5e20"


def runs_table(runs: Sequence[RunSummary]) -> list[dict]:
    """One row per run, newest first, numbers rounded as people read them."""
    return [
        {
            "Started": r.started_at[:16].replace("T", " "),
            "Artwork": r.artwork,
            "Mockups": r.mockups,
            "Mode": plain_label(r.mode, r.workers, False),
            "Time (s)": round(r.wall_seconds, 1),
            "Peak memory (MB)": round(r.peak_rss_bytes / MIB),
            "Profiled": r.profiled,
        }
        for r in runs
    ]


def run_caption(run: RunSummary) -> str:
    """One line under the chosen run's title: mockups, time, peak, mode, profiled, folder."""
    return (
        f"{run.mockups} mockup{'s' if run.mockups != 1 else ''} in "
        f"{run.wall_seconds:.1f} s, peak {run.peak_rss_bytes / MIB:.0f} MB · "
        f"{plain_label(run.mode, run.workers, False)}"
        + (" · profiled" if run.profiled else "")
        + f" · run {as_text(run.path.name)}"
    )


def row_of(runs: Sequence[RunSummary], path: Path | None) -> int:
    """The table row showing `path`, else the newest run's (row 0)."""
    return next((i for i, r in enumerate(runs) if r.path == path), 0)


def selected_run(
    rows: Sequence[int], runs: Sequence[RunSummary], current: Path | None
) -> RunSummary:
    """The run whose row is ticked; with none ticked (or a row gone), the session's run or
    the newest."""
    valid = [row for row in rows if 0 <= row < len(runs)]
    return runs[valid[0] if valid else row_of(runs, current)]


def default_pair(profiled: Sequence[RunSummary], chosen: Path) -> tuple[Path, Path]:
    """Before and After for the per-mockup comparison, never the same run, Before the older:
    the chosen run (when profiled, else the newest profiled) and the profiled run just older
    than it, or for the oldest, the one just newer. `profiled` is newest first, at least two."""
    paths = [r.path for r in profiled]
    chosen_at = paths.index(chosen) if chosen in paths else 0
    after = min(chosen_at, len(paths) - 2)
    return paths[after + 1], paths[after]


def compared_figures(
    table: pandas.DataFrame, names: Mapping[str, str] | None = None
) -> pandas.DataFrame:
    """`profiling.history.compare_runs`' table in MB and seconds, rounded, plainly named, each
    template by its name (`names`, by template key) where there is one."""
    shown = table[["index", "template"]].rename(columns={"index": "#", "template": "Template"})
    if names:
        shown["Template"] = shown["Template"].map(lambda key: names.get(key, key))
    for figure, (name, divisor, decimals, _) in FIGURES.items():
        for side in SIDES:
            # + 0.0: a change rounded to nothing is shown as 0, never as -0
            shown[f"{name} {side}"] = (table[f"{figure} {side}"] / divisor).round(decimals) + 0.0
    return shown


def compared_columns(shown: pandas.DataFrame) -> dict[str, Any]:
    """Narrow columns, each figure's three headed "<figure> before", "after", "change", so
    the table fits the page without scrolling sideways."""
    columns: dict[str, Any] = {
        "#": st.column_config.NumberColumn(width=40),
        "Template": st.column_config.TextColumn(width="medium"),
    }
    for name, _, _, _ in FIGURES.values():
        for side in SIDES:
            label = f"{name} {side}" if side == "before" else side
            columns[f"{name} {side}"] = st.column_config.Column(label, width=FIGURE_WIDTH)
    return {column: config for column, config in columns.items() if column in shown.columns}


def changes(shown: pandas.DataFrame, sign: int) -> pandas.DataFrame:
    """True where a figure grew (`sign` 1: worse) or shrank (-1: better) past its threshold
    in the `compared_figures` table; False elsewhere, and for a mockup in one run only."""
    marked = pandas.DataFrame(False, index=shown.index, columns=shown.columns)
    for name, _, _, floor in FIGURES.values():
        before, change = shown[f"{name} before"], shown[f"{name} change"]
        threshold = (before.abs() * SHARE).clip(lower=floor)
        marked[f"{name} change"] = (sign * change > threshold).fillna(False)
    return marked


def worse_summary(shown: pandas.DataFrame) -> list[str]:
    """One phrase per figure that got worse: on how many mockups, the largest by how much."""
    worse = changes(shown, 1)
    phrases = []
    for name, _, decimals, _ in FIGURES.values():
        column = f"{name} change"
        hit = shown[worse[column]]
        if hit.empty:
            continue
        largest = hit.loc[hit[column].idxmax()]
        unit = name.rsplit(" ", 1)[1]
        label = name.rsplit(" ", 1)[0]
        mockups = "1 mockup" if len(hit) == 1 else f"{len(hit)} mockups"
        phrases.append(
            f"{label} on {mockups}, most {largest['Template']} "
            f"(+{largest[column]:.{decimals}f} {unit})"
        )
    return phrases


def styled(shown: pandas.DataFrame) -> Styler:
    """Worse changes red, better ones green, each figure to its decimals."""
    worse, better = changes(shown, 1), changes(shown, -1)
    styles = pandas.DataFrame("", index=shown.index, columns=shown.columns)
    styles = styles.mask(worse, WORSE_STYLE).mask(better, BETTER_STYLE)
    formats = {
        f"{name} {side}": signed(decimals) if side == "change" else f"{{:.{decimals}f}}"
        for name, _, decimals, _ in FIGURES.values()
        for side in SIDES
    }
    return shown.style.apply(lambda _: styles, axis=None).format(formats, na_rep="")


def signed(decimals: int) -> Callable[[float], str]:
    """A change with its sign, and no sign when there is none ("+1.5", "-0.2", "0.0")."""
    return lambda value: f"{value:+.{decimals}f}" if value else f"{0:.{decimals}f}"
