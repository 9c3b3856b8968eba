"""History: earlier runs on disk; click one to see it, reopen or delete it; compare two."""

from pathlib import Path

import streamlit as st

from dashboard import cached, guard, run_actions, state, widgets
from dashboard.history_view import (
    compared_columns,
    compared_figures,
    default_pair,
    row_of,
    run_caption,
    runs_table,
    selected_run,
    styled,
    worse_summary,
)
from dashboard.resources import template_library
from dashboard.text import as_text, template_names

TABLE_KEY = "history-runs"
TABLE_GENERATION = "history-runs-generation"
CONFIRM_KEY = "confirm-delete"
DELETED_KEY = "history-deleted"
THUMBNAILS_PER_ROW = 6


def forget_confirm() -> None:
    st.session_state.pop(CONFIRM_KEY, None)


@st.dialog("Delete this run?", on_dismiss=forget_confirm)
def confirm_delete(folder: Path) -> None:
    st.write(f"{as_text(folder.name)}, its mockups and its memory profile go for good.")
    delete_column, cancel_column = st.columns(2)
    if delete_column.button("Delete", type="primary", key="history-delete-yes"):
        with guard.shown_errors("Deleting"):
            run_actions.delete(folder)
            forget_confirm()
            # a new table: the browser's selection of the deleted row goes with the old one
            st.session_state[TABLE_GENERATION] = st.session_state.get(TABLE_GENERATION, 0) + 1
            # said after the rerun: a toast sent just before it may never reach the browser
            st.session_state[DELETED_KEY] = folder.name
            st.rerun()
    if cancel_column.button("Cancel", key="history-delete-no"):
        forget_confirm()
        st.rerun()


def show_thumbnails(folder: Path) -> None:
    """The run's thumbnails in the Render gallery's one-shape tiles, named by template."""
    run = cached.run_result(folder)
    if not run.mockups:
        return
    names = template_names({m.template for m in run.mockups}, template_library())
    columns = st.columns(THUMBNAILS_PER_ROW)
    for position, mockup in enumerate(run.mockups):
        tile = widgets.boxed_image(str(run_actions.file_of(folder, mockup.thumbnail)))
        caption = as_text(names[mockup.template])
        columns[position % THUMBNAILS_PER_ROW].image(tile, caption=caption, width="stretch")


st.header("History")
if deleted := st.session_state.pop(DELETED_KEY, None):
    st.toast(f"Deleted {deleted}.", icon=":material/delete:")
runs = cached.run_summaries()
if not runs:
    st.info("No finished run yet.")
    st.stop()

current = state.current_run()
st.caption("Click a row to see its mockups; the comparison below starts from it.")
event = st.dataframe(
    runs_table(runs),
    hide_index=True,
    on_select="rerun",
    # a row is always ticked, and the run shown is the ticked one
    selection_mode="single-row-required",
    selection_default={"selection": {"rows": [row_of(runs, current)]}},
    key=f"{TABLE_KEY}-{st.session_state.get(TABLE_GENERATION, 0)}",
    column_config={
        "Time (s)": st.column_config.NumberColumn(format="%.1f"),
        "Profiled": st.column_config.CheckboxColumn(),
    },
)
chosen = selected_run(event.selection.rows, runs, current)

with guard.shown_errors("Showing the run"):
    st.subheader(f"{as_text(chosen.artwork)} · {chosen.started_at[:16].replace('T', ' ')}")
    st.caption(run_caption(chosen))
    show_thumbnails(chosen.path)

open_column, delete_column, _ = st.columns([2, 1, 3])
if open_column.button("Open on the Render and Memory pages", key="history-open"):
    state.set_current_run(chosen.path)
    st.toast("Opened: the Render and Memory pages show this run.", icon=":material/check:")
if delete_column.button("Delete this run", key="history-delete"):
    st.session_state[CONFIRM_KEY] = str(chosen.path)
if st.session_state.get(CONFIRM_KEY) == str(chosen.path):
    confirm_delete(chosen.path)

st.subheader("Compare two runs")
profiled = [r for r in runs if r.profiled]
if len(profiled) < 2:
    st.info("Comparing per mockup needs two profiled runs (tick Profile memory on Render).")
    st.stop()
default_before, default_after = default_pair(profiled, chosen.path)
before_column, after_column = st.columns(2)
with before_column:
    before = widgets.run_picker(
        "Before", default_before, f"history-before-{chosen.path.name}", profiled_only=True
    )
with after_column:
    after = widgets.run_picker(
        "After", default_after, f"history-after-{chosen.path.name}", profiled_only=True
    )
if before == after:
    st.info("Before and After are the same run: choose two different runs.")
elif before and after:
    with guard.shown_errors("Comparing runs"):
        table = cached.runs_compared(before, after)
        shown = compared_figures(table, template_names(set(table["template"]), template_library()))
        worse = worse_summary(shown)
        if worse:
            st.warning("Worse in After: " + "; ".join(worse) + ".", icon=":material/trending_up:")
        else:
            st.success("Nothing got worse by more than 5 % in After.")
        st.dataframe(
            styled(shown),
            hide_index=True,
            key="history-compared",
            placeholder="",  # a mockup in one run only: empty cells on the other side
            column_config=compared_columns(shown),
        )
        st.caption(
            "Red: worse in After by more than 5 %; green: better by more than 5 %. "
            "Held at end: memory a mockup still held when it ended."
        )
