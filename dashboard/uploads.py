"""Uploads: how large one may be, and letting go of its bytes once it is on disk."""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard import state

LOG = logging.getLogger("mockuplab.dashboard")


def limit_mb() -> int:
    """`server.maxUploadSize` (.streamlit/config.toml): the browser refuses a larger file."""
    return int(st.get_option("server.maxUploadSize"))


def release(upload: UploadedFile) -> None:
    """Drop the server's copy of an upload that now lives on disk, and empty the uploader.

    Streamlit keeps an upload's bytes in memory until the session ends or the user removes
    the file; the run folder holds it now, so it goes at once (as `st.chat_input` does)."""
    state.forget_upload()
    context = get_script_run_ctx()
    if context is None:
        return
    remove_file = getattr(context.uploaded_file_mgr, "remove_file", None)
    if remove_file is None:
        return
    try:
        remove_file(context.session_id, upload.file_id)
    except Exception:  # only memory is at stake: the session's end frees it anyway
        LOG.warning("could not release an upload", exc_info=True)
