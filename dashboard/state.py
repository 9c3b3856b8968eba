"""What a session remembers: paths, ids and small numbers, never images or bytes (they would
never be freed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from mockups.runs.folder import is_run

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


GENERATION = "settings_generation"
SETTINGS = "settings"


def setting(name: str, default: Any) -> Any:
    """A setting the user chose (a mode, a tick), kept for the session whatever page is shown."""
    return st.session_state.get(SETTINGS, {}).get(name, default)


def set_setting(name: str, value: Any) -> None:
    st.session_state.setdefault(SETTINGS, {})[name] = value


def setting_key(name: str) -> str:
    """The key of the widget that shows setting `name`.

    Streamlit drops a widget's value when its page is not shown, and a value set through
    session state under a live widget's key can lose against what the browser still shows.
    So the settings live in a plain dict, and their widgets are made anew (a new key, drawn
    with the kept value) on each visit to the page (`entering_page`)."""
    return f"{name}-{st.session_state.get(GENERATION, 0)}"


def renew_setting_widgets() -> None:
    st.session_state[GENERATION] = st.session_state.get(GENERATION, 0) + 1


def entering_page(sentinel: str) -> None:
    """At the top of a page: new setting widgets when the page was not shown last run (its
    widget `sentinel` is gone), so no value the browser held for the old ones comes back."""
    if setting_key(sentinel) not in st.session_state:
        renew_setting_widgets()


def keep_setting(name: str) -> None:
    """`on_change` of a setting's widget: runs before the rerun, so a page change at once
    after a click keeps it."""
    key = setting_key(name)
    if key in st.session_state:
        set_setting(name, st.session_state[key])


def kept(name: str, default: Any) -> dict[str, Any]:
    """A setting widget's value, key and callback: drawn with what the user left it at, kept
    for the session whatever page is shown (`setting_key`, `entering_page`)."""
    return {
        "value": setting(name, default),
        "key": setting_key(name),
        "on_change": keep_setting,
        "args": (name,),
    }
