"""Render: upload an artwork, pick templates, a mode and a fit, render, see the gallery."""

import streamlit as st

from dashboard import cached, follow, guard, state, uploads, widgets
from dashboard.rendering import RenderRequest, start_render
from dashboard.resources import broken_templates, template_library
from dashboard.text import as_text
from mockups.options import MAX_WORKERS, MODES
from mockups.storage import run_artwork

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif"]
FITS = {"template default": None, "cover": "cover", "contain": "contain"}

st.header("Render")
library = template_library()
current = state.current_run()
limit_mb = uploads.limit_mb()

with st.form("render-form", border=False):
    upload = st.file_uploader(
        f"Artwork (JPEG, PNG, WebP, TIFF or GIF, up to {limit_mb} MB)",
        type=UPLOAD_TYPES,
        key=state.upload_key(),
    )
    if current is not None:
        st.caption(f"Leave it empty to render the artwork of {as_text(current.name)} again.")
    with st.expander("Templates", expanded=False):
        chosen = widgets.template_picker(library)
    mode_column, workers_column, fit_column, profile_column = st.columns([3, 2, 3, 2])
    mode = mode_column.radio(
        "Mode",
        MODES,
        horizontal=True,
        key="mode",
        help="auto renders two or more mockups at once when the memory budget allows it, "
        "else one after another",
    )
    workers = workers_column.number_input(
        "Workers (threads and processes)",
        min_value=1,
        max_value=MAX_WORKERS,
        value=2,
        key="workers",
    )
    fit = fit_column.radio(
        "Fit",
        list(FITS),
        horizontal=True,
        key="fit",
        help="cover fills the print and crops what overflows; contain shows the whole artwork "
        "on the template's paper",
    )
    profile = profile_column.checkbox("Profile memory (memray)", key="profile")
    submitted = st.form_submit_button("Render", type="primary", disabled=follow.pending())
widgets.broken_templates(broken_templates())

if submitted:
    with guard.shown_errors("Rendering"):
        request = RenderRequest(
            templates=tuple(chosen),
            mode=mode,
            workers=int(workers) if mode in ("threads", "processes") else None,
            fit=FITS[fit],
            profile=profile,
        )
        if follow.pending():
            st.error("A render of this session is still going; wait for it to end.")
        elif not chosen:
            st.error("Tick at least one template.")
        elif upload is None and current is None:
            st.error("Choose an artwork to upload first.")
        else:
            if upload is not None:
                started = start_render(upload.name, upload, request)
                uploads.release(upload)
            else:
                artwork = run_artwork(current, cached.run_result(current))
                with artwork.open("rb") as stored:
                    started = start_render(artwork.name, stored, request)
            follow.remember(started)
            widgets.too_many_for_a_listing(chosen)
            st.rerun()  # the form again, emptied and waiting, with the render's panel below

follow.follow()

current = state.current_run()
if current is not None and not follow.pending():
    with guard.shown_errors("Showing the run"):
        run = cached.run_result(current)
        st.subheader(f"Mockups · {as_text(current.name)}")
        widgets.run_warnings(run)
        widgets.gallery(current, run)
