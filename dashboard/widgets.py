"""Widgets the pages share: the template picker, the gallery, downloads, the run picker."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from mockups.storage import RunSummary, list_runs, zip_run
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
                template.name,
                value=position < ETSY_IMAGES_PER_LISTING,
                key=f"{key}-{template_id}",
            ):
                chosen.append(template_id)
    if len(chosen) > ETSY_IMAGES_PER_LISTING:
        st.warning(f"An Etsy listing holds {ETSY_IMAGES_PER_LISTING} images; {len(chosen)} chosen.")
    return chosen


def gallery(run_dir: Path) -> None:
    """The run's thumbnails (never the full-size files), each with its full-size download."""
    thumbs = sorted((run_dir / "thumbs").glob("*.jpg"))
    if not thumbs:
        return
    st.download_button(
        f"Download all {len(thumbs)} (zip)",
        data=lambda: zip_run(run_dir),
        file_name=f"{run_dir.name}.zip",
        mime="application/zip",
        key=f"zip-{run_dir.name}",
    )
    columns = st.columns(COLUMNS)
    for position, thumb in enumerate(thumbs):
        full = run_dir / thumb.name
        with columns[position % COLUMNS]:
            st.image(str(thumb), caption=thumb.stem)
            st.download_button(
                "Full size",
                data=lambda path=full: path.read_bytes(),
                file_name=full.name,
                mime="image/jpeg",
                key=f"full-{run_dir.name}-{thumb.name}",
            )


def run_label(summary: RunSummary) -> str:
    profiled = " · profiled" if summary.profiled else ""
    return (
        f"{summary.started_at[:19].replace('T', ' ')} · {summary.artwork} · "
        f"{summary.mockups} mockups · {summary.mode}{profiled}"
    )


def run_picker(
    label: str, current: Path | None, key: str, profiled_only: bool = False
) -> Path | None:
    """Choose a finished run on disk; the session's current run first."""
    runs = [s for s in list_runs() if s.profiled or not profiled_only]
    if not runs:
        return None
    paths = [s.path for s in runs]
    index = paths.index(current) if current in paths else 0
    chosen = st.selectbox(label, runs, index=index, format_func=run_label, key=key)
    return chosen.path if chosen else None
