"""Widgets the pages share: the template picker, the gallery, downloads, the run picker.

Names users gave (templates, artworks) are shown as text, never as markdown."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from dashboard import cached
from dashboard.text import as_text, shown_message
from mockups.runfolder import RunResult, mockup_path
from mockups.storage import RunSummary, full_size_url, zip_run
from mockups.templates import Template

ETSY_IMAGES_PER_LISTING = 10
COLUMNS = 5


def template_picker(library: dict[str, Template], key: str = "templates") -> list[str]:
    """Thumbnails with a tick each; the first ten (an Etsy listing's images) start ticked."""
    chosen = []
    columns = st.columns(COLUMNS)
    for position, (template_id, template) in enumerate(library.items()):
        with columns[position % COLUMNS]:
            if template.thumbnail is not None:
                st.image(str(template.thumbnail))
            if st.checkbox(
                as_text(template.name),
                value=position < ETSY_IMAGES_PER_LISTING,
                key=f"{key}-{template_id}",
            ):
                chosen.append(template_id)
    return chosen


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


def gallery(run_dir: Path, run: RunResult) -> None:
    """The run's thumbnails (never the full-size files), each with its full-size download, or a
    link the browser fetches it from when the runs store has one (S3)."""
    if not run.mockups:
        return
    st.download_button(
        f"Download all {len(run.mockups)} (zip)",
        data=lambda: zip_run(run_dir),
        file_name=f"{run_dir.name}.zip",
        mime="application/zip",
        key=f"zip-{run_dir.name}",
    )
    columns = st.columns(COLUMNS)
    for position, mockup in enumerate(run.mockups):
        thumb = mockup_path(run_dir, mockup.thumbnail)
        full = mockup_path(run_dir, mockup.file)
        with columns[position % COLUMNS]:
            st.image(str(thumb), caption=as_text(full.stem))
            url = full_size_url(run_dir, mockup.file)
            if url is not None:
                st.link_button("Full size", url)
                continue
            st.download_button(
                "Full size",
                data=file_reader(full),
                file_name=full.name,
                mime="image/jpeg",
                key=f"full-{run_dir.name}-{full.name}",
            )


def file_reader(path: Path) -> Callable[[], bytes]:
    """Bytes read from disk when the download is clicked, not kept in the page."""
    return path.read_bytes


def run_label(summary: RunSummary) -> str:
    profiled = " · profiled" if summary.profiled else ""
    return (
        f"{summary.started_at[:19].replace('T', ' ')} · {summary.path.name} · "
        f"{summary.mockups} mockups · {summary.mode}{profiled}"
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
