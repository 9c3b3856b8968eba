"""Mockup Lab dashboard, first page: upload an artwork, render mockups, see them as a gallery.

The page only arranges widgets: rendering is mockups.render_run, runs live on disk, and the
session keeps nothing but the current run's folder.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import streamlit as st

from mockups import MockupLabError, load_library, render_run
from mockups.intake import ACCEPTED_FORMATS
from mockups.storage import new_run_dir

LOG = logging.getLogger("mockuplab.app")
RENDER_SLOTS = 2
UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif"]


@st.cache_resource
def render_slots() -> threading.BoundedSemaphore:
    """Shared by every session of this server: at most RENDER_SLOTS renders at once."""
    return threading.BoundedSemaphore(RENDER_SLOTS)


@st.cache_resource
def template_library() -> dict:
    return load_library()


def main() -> None:
    st.set_page_config(page_title="Mockup Lab", layout="wide")
    st.title("Mockup Lab")
    library = template_library()
    upload = st.file_uploader(
        f"Artwork ({', '.join(sorted(ACCEPTED_FORMATS - {'MPO'}))})",
        type=UPLOAD_TYPES,
        key="artwork",
    )
    chosen = st.multiselect(
        "Templates",
        options=list(library),
        default=list(library),
        format_func=lambda template_id: library[template_id].name,
    )
    if st.button("Render", type="primary", disabled=upload is None or not chosen):
        render(upload, chosen)
    run_dir = st.session_state.get("run_dir")
    if run_dir:
        show_gallery(Path(run_dir))


def render(upload, chosen: list[str]) -> None:
    run_dir = new_run_dir(upload.name)
    artwork = run_dir / f"upload{Path(upload.name).suffix.lower()}"
    artwork.write_bytes(upload.getbuffer())
    bar = st.progress(0.0, text="Waiting for a render slot…")
    slots = render_slots()
    with slots:
        bar.progress(0.0, text="Rendering…")
        try:
            render_run(
                artwork,
                run_dir,
                templates=chosen,
                progress=lambda done, total, result: bar.progress(
                    done / total, text=f"{done}/{total}: {result.template}"
                ),
            )
        except MockupLabError as error:
            bar.empty()
            st.error(str(error))
            return
        except Exception:
            LOG.exception("render of %s failed", run_dir)
            bar.empty()
            st.error("Rendering failed unexpectedly; the details are in the server log.")
            return
    bar.empty()
    st.session_state["run_dir"] = str(run_dir)


def show_gallery(run_dir: Path) -> None:
    thumbs = sorted((run_dir / "thumbs").glob("*.jpg"))
    if not thumbs:
        return
    st.subheader(f"{len(thumbs)} mockups")
    columns = st.columns(5)
    for position, thumb in enumerate(thumbs):
        columns[position % 5].image(str(thumb), caption=thumb.stem)


main()
