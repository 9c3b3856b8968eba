"""What a session remembers: paths only, never images or bytes (they would never be freed)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

CURRENT_RUN = "current_run"


def current_run() -> Path | None:
    value = st.session_state.get(CURRENT_RUN)
    path = Path(value) if value else None
    return path if path is not None and (path / "run.json").is_file() else None


def set_current_run(path: Path | str) -> None:
    st.session_state[CURRENT_RUN] = str(path)
