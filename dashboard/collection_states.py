"""The Collections page's table of artworks and its totals, polled while they render."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import collection_actions as actions
from dashboard import collection_view as view
from dashboard import guard
from dashboard.text import shown_message


def show_states(folder: Path, live: bool = False) -> None:
    """The table and totals; `live` (polled while artworks wait or render): a full rerun once
    all have ended brings the download and Etsy buttons up to date. A poll runs outside the
    page's own guard, so a queue or store out of reach is one line here, asked again by the
    next poll."""
    with guard.shown_errors("Following the collection"):
        _states(folder, live)


def _states(folder: Path, live: bool) -> None:
    collection = actions.follow(folder)
    totals = view.totals(collection)
    columns = st.columns(6)
    columns[0].metric("Artworks", totals.artworks)
    columns[1].metric("Done", totals.done)
    columns[2].metric("Failed", totals.failed)
    columns[3].metric("Waiting", totals.waiting)
    columns[4].metric("Rendering now", totals.rendering)
    columns[5].metric("Render time", f"{totals.render_seconds:.0f} s")
    st.dataframe(
        view.table_rows(collection),
        hide_index=True,
        column_config={
            "Preview": st.column_config.ImageColumn(width="small"),
            "Time (s)": st.column_config.NumberColumn(format="%.1f"),
        },
        key=f"collection-table-{folder.name}",
    )
    for entry in collection.artworks:
        if entry.error:
            st.error(shown_message(view.failure_line(entry)), icon=":material/error:")
    if live and not collection.pending:
        st.rerun()
