"""Widgets the pages share: the template picker, the gallery, downloads, the run picker.

Names users gave (templates, artworks) are shown as text, never as markdown."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from PIL import Image, ImageOps

from dashboard import cached, state
from dashboard.text import as_text, shown_message
from mockups.memory import MIB
from mockups.runs.catalogue import RunSummary, full_size_url, zip_run
from mockups.runs.folder import MockupResult, RunResult, mockup_path
from mockups.templates.library import LISTING_IMAGES, listing_ids
from mockups.templates.model import Template

ETSY_IMAGES_PER_LISTING = LISTING_IMAGES
COLUMNS = 5
BOX_SIZE = (600, 450)  # a gallery tile: the built-in scenes' 4:3, portraits centred in it
BOX_BACKGROUND = (240, 241, 244)


def template_picker(library: dict[str, Template], key: str = "templates") -> list[str]:
    """Thumbnails in one shape, each with a tick and the template's full name; select all or
    none; a listing's ten (`listing_ids`, what the command line renders) start ticked. Ticks
    outlive a page change."""
    names = {template_id: f"{key}-{template_id}" for template_id in library}
    listing = set(listing_ids(library))
    all_column, none_column, _ = st.columns([1, 1, 6])
    all_column.button("Select all", on_click=_tick_all, args=(list(names.values()), True))
    none_column.button("Select none", on_click=_tick_all, args=(list(names.values()), False))
    chosen = []
    columns = st.columns(COLUMNS)
    for position, (template_id, template) in enumerate(library.items()):
        name = names[template_id]
        with columns[position % COLUMNS]:
            if template.thumbnail is not None:
                st.image(boxed_image(str(template.thumbnail)), width="stretch")
            ticked = st.checkbox(
                as_text(template.name),
                value=_ticked(name, template_id in listing),
                key=state.setting_key(name),
                wrap=True,
                on_change=state.keep_setting,
                args=(name,),
            )
            state.set_setting(name, ticked)
            if ticked:
                chosen.append(template_id)
    return chosen


def ticked_templates(library: dict[str, Template], key: str = "templates") -> list[str]:
    """The templates ticked in `template_picker` (the Render page's), without drawing it."""
    listing = set(listing_ids(library))
    return [
        template_id
        for template_id in library
        if _ticked(f"{key}-{template_id}", template_id in listing)
    ]


def _ticked(name: str, in_listing: bool) -> bool:
    return bool(state.setting(name, in_listing))


def ticked_count(ticked: int, total: int) -> str:
    """ "10 of 12 templates ticked", and how that sits with an Etsy listing's ten images."""
    line = f"**{ticked} of {total} templates ticked**"
    if ticked > ETSY_IMAGES_PER_LISTING:
        return f"{line} · :orange[an Etsy listing takes {ETSY_IMAGES_PER_LISTING} images]"
    return f"{line} · an Etsy listing takes {ETSY_IMAGES_PER_LISTING} images"


def _tick_all(names: list[str], value: bool) -> None:
    for name in names:
        state.set_setting(name, value)
        st.session_state[state.setting_key(name)] = value  # before the boxes are drawn


@st.cache_data(max_entries=400, show_spinner=False)
def _boxed(path: str, changed_ns: int) -> bytes:
    with Image.open(path) as image:
        fitted = ImageOps.contain(image.convert("RGB"), BOX_SIZE)
    box = Image.new("RGB", BOX_SIZE, BOX_BACKGROUND)
    box.paste(fitted, ((BOX_SIZE[0] - fitted.width) // 2, (BOX_SIZE[1] - fitted.height) // 2))
    buffer = io.BytesIO()
    box.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def boxed_image(path: str) -> bytes:
    """The image centred in a BOX_SIZE box: every tile of a grid the same shape, so the rows,
    captions and buttons line up (a 4:3 scene and a 3:4 poster alike)."""
    return _boxed(path, Path(path).stat().st_mtime_ns)


def too_many_for_a_listing(chosen: list[str]) -> None:
    """A toast: it outlives the rerun that follows a started render."""
    if len(chosen) > ETSY_IMAGES_PER_LISTING:
        st.toast(
            f"An Etsy listing holds {ETSY_IMAGES_PER_LISTING} images; {len(chosen)} chosen.",
            icon=":material/warning:",
        )


def broken_templates(broken: dict[str, str]) -> None:
    """User templates that cannot be used, each with its one-line reason (shown as text)."""
    if not broken:
        return
    with st.expander(f"{len(broken)} user template(s) cannot be used", icon=":material/warning:"):
        for name, reason in broken.items():
            st.markdown(f"**{as_text(name)}**: {shown_message(reason)}")


def run_warnings(run: RunResult) -> None:
    for warning in run.warnings:
        st.warning(as_text(warning), icon=":material/warning:")


def run_summary(run_dir: Path, run: RunResult) -> None:
    """One line: how many mockups, how long, the peak; and a link to the run's Memory view."""
    text_column, link_column = st.columns([3, 1], vertical_alignment="center")
    text_column.markdown(summary_line(run))
    link_column.page_link(
        "pages/memory.py",
        label="Its heap and RSS",
        icon=":material/monitoring:",
        query_params={"run": run_dir.name},
    )


def summary_line(run: RunResult, server_pid: int | None = None) -> str:
    """ "**10 mockups** of art.png in 3.9 s, peak 200 MB ..." (the name as text, not markdown),
    and whose peak that is: a run rendered in this server (`server_pid`, this process's when
    None) peaked with everything the server holds, which is no measure of the render alone."""
    count = len(run.mockups)
    plural = "s" if count != 1 else ""
    peak = run.peak_rss_bytes / MIB
    line = (
        f"**{count} mockup{plural}** of {as_text(run.artwork_name)} in "
        f"{run.wall_seconds:.1f} s, peak {peak:.0f} MB"
    )
    pid = os.getpid() if server_pid is None else server_pid
    if run.mockups and all(m.worker.split("/")[0] == str(pid) for m in run.mockups):
        return line + (
            " (the whole dashboard server's RSS, with every session's pages and caches, not "
            "this render's alone: its Memory view says what the render added)"
        )
    return line + " (the RSS of the process that rendered it)"


def gallery(run_dir: Path, run: RunResult, names: dict[str, str] | None = None) -> None:
    """The run's thumbnails in one shape (never the full-size files), captioned with their
    template's name (`names`, by template key: `dashboard.text.template_names`), each with a
    large preview and its full-size download, or a link the browser fetches it from when the
    runs store has one (S3)."""
    if not run.mockups:
        return
    names = names or {}
    st.download_button(
        f"Download all {len(run.mockups)} (zip)",
        data=lambda: zip_run(run_dir),
        file_name=f"{run_dir.name}.zip",
        mime="application/zip",
        key=f"zip-{run_dir.name}",
        icon=":material/download:",
    )
    for first in range(0, len(run.mockups), COLUMNS):
        row = run.mockups[first : first + COLUMNS]
        # the images and their captions, then the buttons in a row of their own: they line
        # up even where a caption wraps onto a second line
        for column, mockup in zip(st.columns(COLUMNS), row, strict=False):
            caption = names.get(mockup.template, mockup.template)
            thumb = mockup_path(run_dir, mockup.thumbnail)
            column.image(boxed_image(str(thumb)), caption=as_text(caption), width="stretch")
        for column, mockup in zip(st.columns(COLUMNS), row, strict=False):
            with column:
                mockup_buttons(run_dir, mockup, names.get(mockup.template, mockup.template))


def mockup_buttons(run_dir: Path, mockup: MockupResult, caption: str) -> None:
    """A mockup's large preview and its full-size download (or the store's link to it)."""
    full = mockup_path(run_dir, mockup.file)
    url = full_size_url(run_dir, mockup.file)
    if st.button(
        "View large",
        key=f"view-{run_dir.name}-{full.name}",
        icon=":material/zoom_in:",
        width="stretch",
    ):
        large_preview(str(full), caption, url)
    if url is not None:
        st.link_button("Full size", url, icon=":material/download:", width="stretch")
        return
    st.download_button(
        "Full size",
        data=file_reader(full),
        file_name=full.name,
        mime="image/jpeg",
        key=f"full-{run_dir.name}-{full.name}",
        icon=":material/download:",
        width="stretch",
    )


@st.dialog("Mockup", width="large")
def large_preview(path: str, caption: str, url: str | None = None) -> None:
    """The full-size mockup, as large as the window allows, with its download (from the runs
    store's link when it has one)."""
    full = Path(path)
    st.image(url or path, caption=as_text(caption), width="stretch")
    if url is not None:
        st.link_button(f"Download {full.name}", url, icon=":material/download:")
        return
    st.download_button(
        f"Download {full.name}",
        data=file_reader(full),
        file_name=full.name,
        mime="image/jpeg",
        icon=":material/download:",
    )


def file_reader(path: Path) -> Callable[[], bytes]:
    """Bytes read from disk when the download is clicked, not kept in the page."""
    return path.read_bytes


def run_label(summary: RunSummary) -> str:
    """The artwork by the user's name for it; the run folder last, as two runs of one artwork
    in the same second differ only there."""
    profiled = " · profiled" if summary.profiled else ""
    return (
        f"{summary.started_at[:19].replace('T', ' ')} · {summary.artwork} · "
        f"{summary.mockups} mockups · {summary.mode}{profiled} · {summary.path.name}"
    )


def run_picker(
    label: str, current: Path | None, key: str, profiled_only: bool = False
) -> Path | None:
    """Choose a finished run on disk; the session's current run first."""
    runs = [s for s in cached.run_summaries() if s.profiled or not profiled_only]
    if not runs:
        return None
    paths = [s.path for s in runs]
    index = paths.index(current) if current in paths else 0
    chosen = st.selectbox(label, paths, index=index, format_func=_labels(runs), key=key)
    return Path(chosen) if chosen else None


def run_named(name: str | None) -> Path | None:
    """The finished run whose folder is called `name` (a link's ?run=), if there is one."""
    if not name:
        return None
    return next((s.path for s in cached.run_summaries() if s.path.name == name), None)


def _labels(runs: list[RunSummary]) -> Callable[[Path], str]:
    by_path = {summary.path: run_label(summary) for summary in runs}
    return lambda path: by_path.get(path, Path(path).name)
