"""The Memory page's sections, each drawing one part of a profiled run (see pages/memory.py).

Names users gave (templates, artworks, code's function names) are shown as text."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st

from dashboard import cached, flamegraphs, widgets
from dashboard.live import finished_chart, mockup_row
from dashboard.memory_tables import (
    ALLOCATED_COLUMN,
    STILL_HELD_COLUMN,
    mockup_table,
    site_list,
)
from dashboard.memory_text import (
    ALLOCATED,
    HEAP_AND_RSS,
    STILL_HELD,
    WHY_A_CHILD_IS_LOWER,
    mockup_choice,
    next_step,
    not_profiled,
    own_process,
)
from dashboard.memory_text import named_mockup as named_mockup
from dashboard.text import as_text
from mockups.errors import MockupLabError
from mockups.memory import MIB
from mockups.render.budget import budget_bytes
from mockups.runs.catalogue import RunSummary
from mockups.runs.folder import RunResult
from profiling.charts import mockup_bars, timeline
from profiling.leaks import LeakSuspect
from profiling.leaks import standout_leaks as standout_leaks
from profiling.results import HEAP_VERSUS_RSS, ProfiledRun

FLAME_GRAPH_HEIGHT = 720
KINDS = {"peak": "at its peak", "leaked": "still held at the end"}


def chosen_run(opened: Path | None) -> Path | None:
    """The profiled run to show. When the run the page was opened on (a link's, or the
    session's last render) was not profiled, say so and let the user choose: never show
    another run in its place unasked."""
    summaries = cached.run_summaries()
    profiled = [s for s in summaries if s.profiled]
    unprofiled = next((s for s in summaries if s.path == opened and not s.profiled), None)
    if unprofiled is not None:
        run = cached.run_result(unprofiled.path)
        st.warning(not_profiled(run, unprofiled.artwork), icon=":material/info:")
        rss_per_mockup(unprofiled.path, run)
    if not profiled:
        if unprofiled is None:
            st.info("No profiled run yet: tick 'Profile memory' on the Render page and render.")
        return None
    paths = [s.path for s in profiled]
    default = None if unprofiled is not None else paths.index(opened) if opened in paths else 0
    chosen = st.selectbox(
        "Profiled run",
        paths,
        index=default,
        format_func=_run_labels(profiled),
        placeholder="Choose a profiled run",
        key="memory-run",
    )
    return Path(chosen) if chosen else None


def rss_per_mockup(run_dir: Path, run: RunResult) -> None:
    """What an unprofiled run has on disk: the process's RSS (and glibc's heap) after each
    mockup, charted and tabled."""
    chart = finished_chart(run)
    if chart is None:
        return
    st.subheader("RSS after each mockup")
    st.plotly_chart(chart, key=f"rss-{run_dir.name}")
    st.table([mockup_row(result) for result in run.mockups])


def explanation(
    profiled: ProfiledRun, budget: int | None, suspects: list[LeakSuspect], names: Mapping[str, str]
) -> None:
    """Two lines (what heap and RSS are, what to do next), the rest behind an expander."""
    st.markdown(HEAP_AND_RSS)
    st.markdown(next_step(profiled, budget, suspects, names))
    with st.expander(
        "More: heap and RSS, what the columns mean, and why an unprofiled run's RSS reads higher"
    ):
        for paragraph in (
            HEAP_VERSUS_RSS,
            ALLOCATED,
            STILL_HELD,
            WHY_A_CHILD_IS_LOWER,
            own_process(profiled),
        ):
            st.markdown(paragraph)


def headline(profiled: ProfiledRun, budget: int | None) -> None:
    summary = profiled.summary
    columns = st.columns(4)
    columns[0].metric("Wall time", f"{summary.wall_seconds:.2f} s")
    columns[1].metric("Peak heap", f"{summary.heap_peak_bytes / MIB:.0f} MB")
    of_budget = "" if budget is None else f" of the {budget / MIB:.0f} MB budget"
    columns[2].metric(
        "Peak RSS",
        f"{summary.peak_rss_bytes / MIB:.0f} MB",
        help=f"The process that rendered this run{of_budget}: see 'More' below for why an "
        "unprofiled render in the dashboard reads higher.",
    )
    columns[3].metric("RSS after", f"{summary.rss_after_bytes / MIB:.0f} MB")


def per_mockup(profiled: ProfiledRun, names: Mapping[str, str], standout: set[int]) -> None:
    st.subheader("Per mockup")
    labels = {m.index: names.get(m.template, m.template) for m in profiled.mockups}
    st.plotly_chart(mockup_bars(profiled, standout=standout, names=labels), key="bars")
    st.dataframe(
        mockup_table(profiled, names, standout),
        hide_index=True,
        column_config={
            "mockup": st.column_config.TextColumn(width="medium"),
            ALLOCATED_COLUMN: st.column_config.NumberColumn(
                help="A running total of every byte the mockup asked for, freed or not: "
                "never memory held at one moment.",
                width="small",
            ),
            **{
                name: st.column_config.Column(width="small")
                for name in ("seconds", "peak heap MB", STILL_HELD_COLUMN, "peak RSS MB")
            },
        },
    )


def over_time(profiled: ProfiledRun, names: Mapping[str, str], budget: int | None) -> None:
    st.subheader("Heap and RSS over the run")
    labels = {m.index: names.get(m.template, m.template) for m in profiled.mockups}
    st.plotly_chart(timeline(profiled, budget_bytes=budget, names=labels), key="timeline")


def where_the_memory_was(
    profiled: ProfiledRun, names: Mapping[str, str], asked: int | None, leak_asked: bool
) -> int:
    """The chosen mockup's allocation sites, small ones behind "show all"; returns its index."""
    st.subheader("Where the memory was")
    templates = {m.index: m.template for m in profiled.mockups}
    indexes = list(templates)
    index = st.selectbox(
        "Mockup",
        indexes,
        index=indexes.index(asked) if asked in indexes else 0,
        format_func=lambda i: mockup_choice(i, templates[i], names),
    )
    kind = st.radio(
        "At", list(KINDS), index=1 if leak_asked else 0, format_func=KINDS.get, horizontal=True
    )
    sites = site_list(profiled.site_rows, index, kind)
    rows = sites.shown
    if sites.small and st.toggle(f"Show all ({len(sites.small)} under 0.1 MB)", key="all-sites"):
        rows = rows + sites.small
    if not rows:
        st.write("Nothing of 0.1 MB or more held here." if sites.small else "Nothing held here.")
    for row in rows:
        with st.expander(as_text(row.title)):
            st.code("\n".join(row.stack), language=None)
    return index


def flame_graph(run_dir: Path, profiled: ProfiledRun, index: int, names: Mapping[str, str]) -> None:
    """memray's flame graph of the chosen mockup at its peak, or of the whole run, in the page;
    written on first look (a few seconds) and kept on disk."""
    st.subheader("Flame graph (memray)")
    mockup = next(m for m in profiled.mockups if m.index == index)
    whole = st.radio(
        "Flame graph of",
        [False, True],
        format_func=lambda run: (
            "the whole run"
            if run
            else as_text(f"mockup {mockup_choice(index, mockup.template, names)} at its peak")
        ),
        horizontal=True,
    )
    if not st.toggle("Show the flame graph", key="show-flame-graph"):
        st.caption(
            "Each box is a line of code; its width is the memory held through it at the peak, "
            "its children are the calls it made."
        )
        return
    with st.spinner("Writing the flame graph (a few seconds the first time)…"):
        path = flamegraphs.flamegraph_file(run_dir, None if whole else index)
    st.iframe(path, height=FLAME_GRAPH_HEIGHT, alt="memray flame graph")
    st.download_button(
        "Download this flame graph",
        data=widgets.file_reader(path),
        file_name=path.name.replace(".inline", ""),
        mime="text/html",
        key=f"flame-{path.name}",
    )


def budget_or_none() -> int | None:
    """The jobs' memory budget, for the line on the timeline; None when it is set wrong (the
    Render page says how)."""
    try:
        return budget_bytes()
    except MockupLabError:
        return None


def _run_labels(runs: list[RunSummary]):
    by_path = {summary.path: widgets.run_label(summary) for summary in runs}
    return lambda path: by_path.get(path, Path(path).name)
