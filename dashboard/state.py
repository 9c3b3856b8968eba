"""What a session remembers: paths, ids and small numbers, never images or bytes (they would
never be freed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from mockups.runfolder import is_run

CURRENT_RUN = "current_run"
UPLOADS = "upload_generation"


def current_run() -> Path | None:
    value = st.session_state.get(CURRENT_RUN)
    path = Path(value) if value else None
    return path if path is not None and is_run(path) else None


def set_current_run(path: Path | str) -> None:
    st.session_state[CURRENT_RUN] = str(path)


def upload_key() -> str:
    """The artwork uploader's key; a new one empties the uploader (`forget_upload`)."""
    return f"artwork-{st.session_state.get(UPLOADS, 0)}"


def forget_upload() -> None:
    st.session_state[UPLOADS] = st.session_state.get(UPLOADS, 0) + 1


ARTWORK = "staged_artwork"


@dataclass(frozen=True)
class StagedArtwork:
    """An upload stored on disk until it is rendered: where, and the name the user gave it."""

    path: Path
    name: str


def staged_artwork() -> StagedArtwork | None:
    value = st.session_state.get(ARTWORK)
    if not value or not Path(value["path"]).is_file():
        return None
    return StagedArtwork(Path(value["path"]), value["name"])


def set_staged_artwork(staged: StagedArtwork | None) -> None:
    if staged is None:
        st.session_state.pop(ARTWORK, None)
    else:
        st.session_state[ARTWORK] = {"path": str(staged.path), "name": staged.name}
