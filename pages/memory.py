"""Memory: what each mockup of a profiled run held, when, and where in the code."""

import streamlit as st

from dashboard import cached, guard, state, widgets
from dashboard.text import as_text, without_paths
from mockups.memory import MIB
from mockups.storage import fetch_run_folder
from profiling import HEAP_VERSUS_RSS
from profiling.charts import mockup_bars, timeline
from profiling.report import write_flamegraphs
from profiling.storage import profile_dir

st.header("Memory")
# The live panel's leak link opens this page at one run's mockup: ?run=<folder>&mockup=<n>
linked_run = widgets.run_named(st.query_params.get("run"))
linked_mockup = st.query_params.get("mockup", "")
if st.query_params.get("run") and linked_run is None:
    st.info("That run is still rendering or is gone; its profile appears here once it ends.")
run_dir = widgets.run_picker(
    "Profiled run", linked_run or state.current_run(), "memory-run", profiled_only=True
)
if run_dir is None:
    st.info("No profiled run yet: tick 'Profile memory' on the Render page and render.")
    st.stop()

with guard.shown_errors("Reading the profile"):
    profiled = cached.profiled_run(run_dir)
    summary = profiled.summary
    columns = st.columns(4)
    columns[0].metric("Wall time", f"{summary.wall_seconds:.2f} s")
    columns[1].metric("Peak heap", f"{summary.heap_peak_bytes / MIB:.0f} MB")
    columns[2].metric("Peak RSS", f"{summary.peak_rss_bytes / MIB:.0f} MB")
    columns[3].metric("RSS after", f"{summary.rss_after_bytes / MIB:.0f} MB")
    st.caption(HEAP_VERSUS_RSS)

    st.subheader("Per mockup")
    st.plotly_chart(mockup_bars(profiled), key="bars")
    frame = profiled.frame
    megabytes = ["heap_peak_bytes", "allocated_bytes", "leaked_bytes", "rss_peak_bytes"]
    table = frame[["index", "template", "seconds", *megabytes]].copy()
    for column in megabytes:
        table[column] = (table[column] / MIB).round(1)
    st.dataframe(
        table.rename(columns={c: c.replace("_bytes", " MB") for c in megabytes}), hide_index=True
    )

    st.subheader("Heap and RSS over the run")
    st.plotly_chart(timeline(profiled), key="timeline")

    st.subheader("Where the memory was")
    sites = profiled.sites
    templates = dict(zip(frame["index"], frame["template"], strict=True))
    indexes = list(templates)
    asked = int(linked_mockup) if linked_mockup.isdigit() else None
    linked_here = run_dir == linked_run and asked in indexes
    index = st.selectbox(
        "Mockup",
        indexes,
        index=indexes.index(asked) if linked_here else 0,
        format_func=lambda i: f"{i:02d} · {templates[i]}",
    )
    kind = st.radio("At", ["peak", "leaked"], index=1 if linked_here else 0, horizontal=True)
    chosen = sites[(sites["index"] == index) & (sites["kind"] == kind)]
    if chosen.empty:
        st.write("Nothing held here.")
    for row in chosen.itertuples():
        with st.expander(
            as_text(without_paths(f"{row.bytes / MIB:.1f} MB · {row.location} · {row.function}"))
        ):
            st.code("\n".join(row.stack), language=None)

    st.subheader("Flame graphs (memray)")
    graphs = sorted(profile_dir(run_dir).glob("*.html"))
    if st.button("Write the flame graphs"):
        fetch_run_folder(run_dir, "profile")  # the memray captures, kept in the runs store
        graphs = write_flamegraphs(run_dir)
    for graph in graphs:
        st.download_button(
            graph.name,
            data=widgets.file_reader(graph),
            file_name=graph.name,
            mime="text/html",
            key=f"graph-{graph.name}",
        )
