"""Render: upload an artwork, pick templates and a mode, render, see the gallery."""

import streamlit as st

from dashboard import guard, state, widgets
from dashboard.rendering import render_upload
from dashboard.resources import template_library
from mockups.options import MAX_WORKERS, MODES

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif"]

st.header("Render")
library = template_library()
upload = st.file_uploader(
    "Artwork (JPEG, PNG, WebP, TIFF or GIF)", type=UPLOAD_TYPES, key="artwork"
)
with st.expander("Templates", expanded=False):
    chosen = widgets.template_picker(library)
mode_column, workers_column, profile_column = st.columns(3)
mode = mode_column.radio("Mode", MODES, horizontal=True, key="mode")
workers = workers_column.number_input(
    "Workers", min_value=1, max_value=MAX_WORKERS, value=2, disabled=mode == "sequential"
)
profile = profile_column.checkbox("Profile memory (memray)", key="profile")

if st.button("Render", type="primary", disabled=upload is None or not chosen):
    with guard.shown_errors("Rendering"):
        run_dir = render_upload(
            upload, chosen, mode, None if mode == "sequential" else int(workers), profile
        )
        state.set_current_run(run_dir)

current = state.current_run()
if current is not None:
    st.subheader(f"Mockups · {current.name}")
    widgets.gallery(current)
