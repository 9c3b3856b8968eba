"""Compare: the same artwork rendered sequentially and in parallel, side by side."""

import streamlit as st

from dashboard import guard, state, widgets
from dashboard.resources import render_slots
from mockups.options import MAX_WORKERS
from mockups.runfolder import artwork_path, read_run
from profiling.charts import comparison_bars
from profiling.compare import compare_modes, run_label
from profiling.history import load_comparison

MIB = 2**20

st.header("Compare modes")
run_dir = widgets.run_picker("Artwork of run", state.current_run(), "compare-run")
if run_dir is None:
    st.info("Render an artwork first; its run gives the artwork to compare with.")
    st.stop()
modes = st.multiselect(
    "Modes", ["sequential", "threads", "processes"], default=["sequential", "threads"]
)
workers = st.number_input("Workers for parallel modes", 1, MAX_WORKERS, 2)
release = st.checkbox("Also measure with memory released after each mockup")

if st.button("Compare", type="primary", disabled=not modes):
    with guard.shown_errors("Comparing"):
        artwork = artwork_path(run_dir, read_run(run_dir))
        status = st.status("Comparing…", expanded=True)
        with render_slots().slot():
            rows = compare_modes(
                artwork,
                run_dir / "compare",
                modes=modes,
                workers=[int(workers)],
                release_memory=[False, True] if release else [False],
                started=lambda label: status.write(f"Rendering {label}…"),
            )
        status.update(label="Compared", state="complete", expanded=False)

rows = load_comparison(run_dir / "compare")
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
        if rows and rows[0].identical_outputs:
            st.success("The images are byte-identical in every mode.")
        else:
            st.error("The images differ between modes.")
