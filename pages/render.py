"""Render: upload an artwork, pick templates, a mode and a fit, render, see the gallery.

Every setting outlives a visit to another page: the upload waits on disk (`uploads.stage`),
the settings are kept for the session (`state.setting`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import budget_advice, cached, follow, guard, run_actions, state, uploads, widgets
from dashboard.live import finished_chart, mockup_row
from dashboard.rendering import MAX_WORKERS, MODES, RenderRequest, start_render
from dashboard.resources import broken_templates, template_library
from dashboard.text import as_text, shown_message, template_names

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif"]
FITS = {"template default": None, "cover": "cover", "contain": "contain"}
MODE_NOTES = {
    "auto": "auto: as many mockups at once as the memory budget allows",
    "sequential": "sequential: one mockup after another, the least memory",
    "threads": "threads: several mockups at once in this process",
    "processes": "processes: several mockups at once, each worker a process of its own",
}
UPLOAD_FAILED = "upload_failed"
TEMPLATES_BOX = "templates-box"
OVER_BUDGET = "over budget"
PROFILE_NOTE = "memray records every allocation: the run takes longer, the Memory page explains it"
DEFAULTS = {"workers": 2, "mode": MODES[0], "fit": next(iter(FITS)), "profile": False}


def artwork_choice(current: Path | None) -> state.StagedArtwork | None:
    """What Render renders: the staged upload, else the current run's artwork again."""
    staged = state.staged_artwork()
    if staged is not None or current is None:
        return staged
    name = cached.run_result(current).artwork_name
    return state.StagedArtwork(run_actions.artwork_of(current), name)


def take_upload(key: str) -> None:
    """The uploader's `on_change`: the upload goes to disk before the page is drawn, so the
    page draws a fresh, empty uploader at once and the next upload lands in that one (staged
    during the page's run instead, the browser kept showing the full uploader, and the upload
    after it went to a widget the page no longer drew)."""
    upload = st.session_state.get(key)
    if not uploads.still_held(upload):  # none, or one already staged and let go of
        return
    try:
        uploads.stage(upload)
    except Exception as error:
        st.session_state[UPLOAD_FAILED] = shown_message(
            guard.one_line(error, "Reading the artwork")
        )


def artwork_section(current: Path | None) -> state.StagedArtwork | None:
    key = state.upload_key()
    st.file_uploader(
        f"Artwork (JPEG, PNG, WebP, TIFF or GIF, up to {uploads.limit_mb()} MB)",
        type=UPLOAD_TYPES,
        key=key,
        on_change=take_upload,
        args=(key,),
    )
    if failed := st.session_state.pop(UPLOAD_FAILED, None):
        st.error(failed)
    artwork = artwork_choice(current)
    if artwork is not None:
        from_run = " (the current run's: upload another to replace it)"
        whose = from_run if state.staged_artwork() is None else ""
        st.markdown(f"Artwork: **{as_text(artwork.name)}**{whose}{size_of(artwork.path)}")
    return artwork


def size_of(path: Path) -> str:
    size = uploads.pixel_size(path)  # None: its own error shows when Render is pressed
    return f" · {size[0]} x {size[1]} px" if size else ""


def settings_row(artwork, chosen: list[str], library) -> tuple[RenderRequest, bool]:
    """Mode, workers, fit and profiling, and whether the budget would refuse the mode (the
    modes it would refuse are marked, with what fits instead)."""
    mode_column, workers_column, fit_column, profile_column = st.columns([3, 2, 3, 2])
    workers = workers_column.number_input(
        "Workers (threads and processes)",
        min_value=1,
        max_value=MAX_WORKERS,
        **kept("workers"),
    )
    advice = None
    if artwork is not None and chosen:
        # the fit as chosen (kept by its radio's on_change before this run): contain needs
        # the artwork smaller, so it changes what fits
        chosen_fit = FITS.get(state.setting("fit", DEFAULTS["fit"]))
        advice = budget_advice.advise(
            artwork.path, tuple(chosen), int(workers), library, fit=chosen_fit
        )
    mode = mode_column.radio(
        "Mode",
        MODES,
        index=MODES.index(state.setting("mode", DEFAULTS["mode"])),
        horizontal=True,
        key=state.setting_key("mode"),
        on_change=state.keep_setting,
        args=("mode",),
        # the options keep their names (the browser matches its choice by them); the modes the
        # budget refuses say so under their name
        captions=[OVER_BUDGET if advice and advice.refused(m) else "" for m in MODES],
        help="auto renders two or more mockups at once when the memory budget allows it, "
        "else one after another",
    )
    fit = fit_column.radio(
        "Fit",
        list(FITS),
        index=list(FITS).index(state.setting("fit", DEFAULTS["fit"])),
        horizontal=True,
        key=state.setting_key("fit"),
        on_change=state.keep_setting,
        args=("fit",),
        help="cover fills the print and crops what overflows; contain shows the whole artwork "
        "on the template's paper",
    )
    profile = profile_column.checkbox("Profile memory (memray)", **kept("profile"))
    for name, value in (("workers", workers), ("mode", mode), ("fit", fit), ("profile", profile)):
        state.set_setting(name, value)  # as drawn, too: a click a rerun swallowed is kept
    notes = [MODE_NOTES[mode]] + ([PROFILE_NOTE] if profile else [])
    st.caption(" · ".join(notes))
    suggestion = advice.suggestion(mode) if advice else None
    if suggestion:
        st.warning(suggestion, icon=":material/memory:")
    request = RenderRequest(
        templates=tuple(chosen),
        mode=mode,
        workers=int(workers) if mode in ("threads", "processes") else None,
        fit=FITS[fit],
        profile=profile,
    )
    return request, bool(advice and advice.refused(mode))


def kept(name: str) -> dict:
    """A setting widget's value, key and callback: drawn with what the user left it at."""
    return state.kept(name, DEFAULTS[name])


def fold_templates() -> None:
    """Render's `on_click`: the Templates box folds, so the render's progress is in view."""
    st.session_state[TEMPLATES_BOX] = False


def why_not(artwork, request: RenderRequest, refused: bool) -> list[str]:
    """Why Render cannot be pressed now; empty when it can."""
    if follow.pending():
        return ["a render of yours is still going"]
    reasons = []
    if artwork is None:
        reasons.append("upload an artwork")
    if not request.templates:
        reasons.append("tick at least one template")
    if refused:
        reasons.append(f"{request.mode} is over the memory budget")
    return reasons


def render(artwork: state.StagedArtwork, request: RenderRequest) -> None:
    follow.clear_failure()
    try:
        with artwork.path.open("rb") as stored:
            started = start_render(artwork.name, stored, request)
    except Exception as error:
        follow.failed(shown_message(guard.one_line(error, "Rendering")))
        return
    if state.staged_artwork() is not None:
        uploads.forget_staged()  # the run folder holds it now; rendering again takes the run's
    follow.remember(started, artwork.name)
    widgets.too_many_for_a_listing(list(request.templates))
    st.rerun()  # the page again, with the render's panel


def finished_run(current: Path, library) -> None:
    run = cached.run_result(current)
    widgets.run_summary(current, run)
    widgets.run_warnings(run)
    widgets.gallery(current, run, template_names({m.template for m in run.mockups}, library))
    with st.expander("Time and memory of each mockup", icon=":material/monitoring:"):
        st.table([mockup_row(result) for result in run.mockups])
        chart = finished_chart(run)
        if chart is not None:
            st.plotly_chart(chart, key=f"after-{current.name}")


st.header("Render")
state.entering_page("mode")
follow.restore_from_url(widgets.run_named)
library = template_library()
current = state.current_run()

artwork = artwork_section(current)
with st.expander(
    "Templates",
    expanded=current is None and not follow.pending(),
    icon=":material/dashboard:",
    key=TEMPLATES_BOX,
    on_change="rerun",  # stateful, so Render can fold it (`fold_templates`)
):
    chosen = widgets.template_picker(library)
st.markdown(widgets.ticked_count(len(chosen), len(library)))
request, refused = settings_row(artwork, chosen, library)
reasons = why_not(artwork, request, refused)
button_column, reason_column = st.columns([1, 6], vertical_alignment="center")
pressed = button_column.button(
    "Render", type="primary", disabled=bool(reasons), on_click=fold_templates
)
if reasons:
    reason_column.caption("Render is off: " + "; ".join(reasons) + ".")
widgets.broken_templates(broken_templates())

if pressed and artwork is not None and not reasons:
    render(artwork, request)

follow.follow()
follow.keep_in_url()

current = state.current_run()
if current is not None and not follow.pending() and follow.failure() is None:
    with guard.shown_errors("Showing the run"):
        finished_run(current, library)
