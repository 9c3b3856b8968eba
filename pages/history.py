"""History: earlier runs on disk; reopen one, compare two, delete."""

import streamlit as st

from dashboard import cached, guard, state, widgets
from mockups.memory import MIB
from mockups.storage import delete_run

st.header("History")
runs = cached.run_summaries()
if not runs:
    st.info("No finished run yet.")
    st.stop()

st.dataframe(
    [
        {
            "started": r.started_at[:19].replace("T", " "),
            "folder": r.path.name,
            "mockups": r.mockups,
            "mode": f"{r.mode}, {r.workers} worker(s)",
            "wall s": r.wall_seconds,
            "peak RSS MB": round(r.peak_rss_bytes / MIB, 1),
            "profiled": r.profiled,
        }
        for r in runs
    ],
    hide_index=True,
)

chosen = widgets.run_picker("Run", state.current_run(), "history-run")
open_column, delete_column = st.columns(2)
if open_column.button("Open on the Render and Memory pages"):
    state.set_current_run(chosen)
    st.success("Opened.")
if delete_column.button("Delete this run"):
    st.session_state["confirm-delete"] = str(chosen)
if st.session_state.get("confirm-delete") == str(chosen):
    st.warning("Delete this run and its files for good?")
    if st.button("Yes, delete", type="primary"):
        with guard.shown_errors("Deleting"):
            delete_run(chosen)
            st.session_state.pop("confirm-delete")
            st.rerun()

st.subheader("Compare two runs")
profiled = [r for r in runs if r.profiled]
if len(profiled) < 2:
    st.info("Comparing per mockup needs two profiled runs.")
    st.stop()
before = widgets.run_picker("Before", None, "history-before", profiled_only=True)
after = widgets.run_picker("After", chosen, "history-after", profiled_only=True)
if before and after and before != after:
    with guard.shown_errors("Comparing runs"):
        table = cached.runs_compared(before, after)
        byte_columns = [c for c in table.columns if "bytes" in c]
        table[byte_columns] = (table[byte_columns] / MIB).round(2)
        st.dataframe(table.rename(columns=lambda c: c.replace("_bytes", " MB")), hide_index=True)
