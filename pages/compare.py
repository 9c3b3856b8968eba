"""Compare: the same artwork rendered in several modes, time against memory, and which to use."""

import streamlit as st

from dashboard import cached, guard, run_actions, state, widgets
from dashboard.compare_view import MODE_NAMES, comparison_table, time_memory_chart, verdict
from dashboard.comparing import (
    CONCRETE_MODES,
    MAX_WORKERS,
    budget_bytes,
    compare_within_budget,
    planned_runs,
)
from dashboard.resources import render_slots, template_library
from dashboard.text import megabytes

st.header("Compare modes")
run_dir = widgets.run_picker("Artwork of run", state.current_run(), "compare-run")
if run_dir is None:
    st.info("Render an artwork first; its run gives the artwork to compare with.")
    st.stop()
compare_dir = run_actions.comparison_dir(run_dir)
budget = budget_bytes()
library = template_library()

modes_column, workers_column = st.columns([3, 1])
modes = modes_column.multiselect(
    "Modes",
    CONCRETE_MODES,
    default=["sequential", "threads"],
    format_func=MODE_NAMES.get,
    key="compare-modes",
)
workers = int(
    workers_column.number_input(
        "Workers (threads, processes)", 1, MAX_WORKERS, 2, key="compare-workers"
    )
)
release = st.checkbox(
    "Also measure each with memory released after every mockup", key="compare-release"
)
with guard.shown_errors("Estimating memory"):
    artwork = run_actions.artwork_of(run_dir)
    planned = planned_runs(artwork, modes, workers, budget, library)
    estimates = " · ".join(
        f"{p.label} about {megabytes(p.peak_bytes)}" + ("" if p.fits else " (over)")
        for p in planned
    )
    st.caption(
        f"Every run must fit the {megabytes(budget)} memory budget, as any render. "
        + (f"Estimated peaks: {estimates}." if planned else "")
    )
    if any(not p.fits for p in planned):
        over = ", ".join(p.label for p in planned if not p.fits)
        st.warning(f"Over the budget, so the comparison would be refused: {over}.")

if st.button("Compare", type="primary", key="compare-button"):
    with guard.shown_errors("Comparing"):
        if not modes:
            st.error("Choose at least one mode.")
            st.stop()
        line = st.empty()
        compare_within_budget(
            artwork,
            compare_dir,
            modes=modes,
            workers=workers,
            release=release,
            started=lambda label: line.info(f"Rendering {label}…", icon=":material/timer:"),
            slots=render_slots(),
            library=library,
        )
        line.empty()
        run_actions.keep_comparison(run_dir)

rows = cached.comparison(compare_dir)
if rows:
    with guard.shown_errors("Showing the comparison"):
        chosen = verdict(rows, budget)
        if chosen.fastest is not None:
            st.success(chosen.sentence(), icon=":material/trophy:")
        else:
            st.warning(chosen.sentence())
        st.dataframe(
            comparison_table(rows, budget),
            hide_index=True,
            column_config={
                "Time (s)": st.column_config.NumberColumn(format="%.1f"),
                "Within budget": st.column_config.CheckboxColumn(
                    help=f"peak memory at most {megabytes(budget)}"
                ),
            },
        )
        chart_column, notes_column = st.columns([3, 2])
        chart_column.plotly_chart(time_memory_chart(rows, budget, chosen.fastest), key="comparison")
        if rows[0].identical_outputs:
            notes_column.caption("The images are byte-identical in every mode.")
        else:
            notes_column.error("The images differ between modes.")
        notes_column.caption(
            "Each run renders in a process of its own under the memory profiler; peak memory "
            "is that process's (workers included), heap is what memray saw allocated at once."
        )
