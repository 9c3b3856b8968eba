"""Compare: the same artwork rendered in several modes, time against memory, and which to use.

The runs are of the templates ticked on the Render page; the modes the memory budget would
refuse cannot be chosen, and say why. The choices outlive a visit to another page."""

import streamlit as st

from dashboard import cached, guard, run_actions, state, widgets
from dashboard.compare_view import comparison_table, time_memory_chart, verdict
from dashboard.comparing import (
    MAX_WORKERS,
    budget_bytes,
    compare_within_budget,
    planned_runs,
)
from dashboard.resources import render_slots, template_library
from dashboard.text import megabytes

WORKERS = "compare-workers"
RELEASE = "compare-release"


def mode_setting(mode: str) -> str:
    return f"compare-{mode}"


def choose_runs(planned) -> list[str]:
    """A tick per mode with its estimated peak; a mode over the budget cannot be ticked and
    says why. Ticked by default: every mode that fits."""
    chosen = []
    for run in planned:
        name = mode_setting(run.mode)
        label = f"{run.label} · about {megabytes(run.peak_bytes)}"
        if not run.fits:  # a box of its own: never shown ticked, whatever was ticked before
            st.checkbox(label, value=False, disabled=True, key=f"{state.setting_key(name)}-over")
            st.caption(f":red[{run.why_not()}: it would be refused.]")
            continue
        ticked = st.checkbox(label, **state.kept(name, True))
        state.set_setting(name, ticked)
        if ticked:
            chosen.append(run.mode)
    return chosen


def run_comparison(artwork, run_dir, runs, workers, templates, release) -> None:
    """The `runs` one after another, each with a bar of its own counting its mockups."""
    labels = [run.label for run in runs]
    if release:
        labels = [f"{label}{suffix}" for label in labels for suffix in ("", ", memory released")]
    bars = {label: st.progress(0.0, text=f"{label}: waiting") for label in labels}

    def started(label: str) -> None:
        bars[label].progress(0.0, text=f"{label}: starting…")

    def progress(label: str, done: int, total: int) -> None:
        bars[label].progress(done / total, text=f"{label}: {done}/{total} mockups")

    compare_within_budget(
        artwork,
        run_actions.comparison_dir(run_dir),
        modes=[run.mode for run in runs],
        workers=workers,
        templates=templates,
        release=release,
        started=started,
        progress=progress,
        slots=render_slots(),
        library=library,
    )
    run_actions.keep_comparison(run_dir)


st.header("Compare modes")
state.entering_page(WORKERS)
run_dir = widgets.run_picker("Artwork of run", state.current_run(), "compare-run")
if run_dir is None:
    st.info("Render an artwork first; its run gives the artwork to compare with.")
    st.stop()
compare_dir = run_actions.comparison_dir(run_dir)
budget = budget_bytes()
library = template_library()
templates = widgets.ticked_templates(library)
if not templates:
    st.info("Tick at least one template on the Render page: Compare renders those.")
    st.stop()

planned, modes = [], []
with guard.shown_errors("Estimating memory"):
    artwork = run_actions.artwork_of(run_dir)
    settings_column, modes_column = st.columns([3, 7])
    workers = int(
        settings_column.number_input(
            "Workers (threads, processes)", 1, MAX_WORKERS, **state.kept(WORKERS, 2)
        )
    )
    release = settings_column.checkbox(
        "Also each with memory released after every mockup", **state.kept(RELEASE, False)
    )
    state.set_setting(WORKERS, workers)
    state.set_setting(RELEASE, release)
    with modes_column:
        st.caption(
            f"The {len(templates)} templates ticked on the Render page, in each mode; every "
            f"run must fit the {megabytes(budget)} memory budget for one render, as any render."
        )
        planned = planned_runs(artwork, workers, templates, budget, library)
        modes = choose_runs(planned)

if st.button("Compare", type="primary", key="compare-button", disabled=not modes):
    with guard.shown_errors("Comparing"):
        chosen_runs = [run for run in planned if run.mode in modes]
        run_comparison(artwork, run_dir, chosen_runs, workers, templates, release)
if not modes and planned:
    st.caption("Compare is off: tick at least one mode.")

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
