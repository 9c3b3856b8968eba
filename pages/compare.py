"""Compare: the same artwork rendered sequentially and in parallel, side by side."""

import streamlit as st

from dashboard import cached, guard, state, widgets
from dashboard.comparing import compare_within_budget
from dashboard.resources import render_slots
from mockups.jobs import budget_bytes
from mockups.memory import MIB
from mockups.options import CONCRETE_MODES, MAX_WORKERS
from mockups.storage import keep_run_files, run_artwork
from profiling.charts import comparison_bars
from profiling.compare import run_label

st.header("Compare modes")
run_dir = widgets.run_picker("Artwork of run", state.current_run(), "compare-run")
if run_dir is None:
    st.info("Render an artwork first; its run gives the artwork to compare with.")
    st.stop()
compare_dir = run_dir / "compare"

with st.form("compare-form", border=False):
    modes_column, workers_column = st.columns([3, 1])
    modes = modes_column.multiselect("Modes", CONCRETE_MODES, default=["sequential", "threads"])
    workers = workers_column.number_input("Workers for parallel modes", 1, MAX_WORKERS, 2)
    release = st.checkbox("Also measure with memory released after each mockup")
    st.caption(
        f"Each run must fit the memory budget of {budget_bytes() / MIB:.0f} MB, as any render."
    )
    submitted = st.form_submit_button("Compare", type="primary")

if submitted:
    with guard.shown_errors("Comparing"):
        if not modes:
            st.error("Choose at least one mode.")
            st.stop()
        artwork = run_artwork(run_dir, cached.run_result(run_dir))
        line = st.empty()
        compare_within_budget(
            artwork,
            compare_dir,
            modes=modes,
            workers=int(workers),
            release=release,
            started=lambda label: line.info(f"Rendering {label}…", icon=":material/timer:"),
            slots=render_slots(),
        )
        line.empty()
        keep_run_files(run_dir, ["compare/compare.json"])

rows = cached.comparison(compare_dir)
if rows:
    with guard.shown_errors("Showing the comparison"):
        st.dataframe(
            [
                {
                    "run": run_label(r.mode, r.workers, r.release_memory),
                    "wall s": round(r.wall_seconds, 2),
                    "peak RSS MB": round(r.peak_rss_bytes / MIB, 1),
                    "peak heap MB": round(r.heap_peak_bytes / MIB, 1),
                    "RSS after MB": round(r.rss_after_bytes / MIB, 1),
                }
                for r in rows
            ],
            hide_index=True,
        )
        st.plotly_chart(comparison_bars(rows), key="comparison")
        if rows[0].identical_outputs:
            st.success("The images are byte-identical in every mode.")
        else:
            st.error("The images differ between modes.")
