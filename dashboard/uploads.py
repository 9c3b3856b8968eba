"""Uploads: how large one may be, staging one on disk until it is rendered, and letting go of
its bytes once it is there."""

from __future__ import annotations

import logging
import secrets
import shutil
import time
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard import state
from mockups.artwork.intake import read_header
from mockups.errors import MockupLabError
from mockups.home import data_dir
from mockups.options import MAX_NAME_CHARS
from mockups.runs.folder import atomic_file

LOG = logging.getLogger("mockuplab.dashboard")
CHUNK_BYTES = 1024 * 1024
# A staged upload no session used (its session ended first) is swept after this long: the
# Render page's artwork, the Templates page's PSD, scene photo and mask.
STALE_SECONDS = 24 * 3600
STAGED_KINDS = ("artwork", "psd", "scene", "mask")


def limit_mb() -> int:
    """`server.maxUploadSize` (.streamlit/config.toml): the browser refuses a larger file."""
    return int(st.get_option("server.maxUploadSize"))


def still_held(upload: object) -> bool:
    """Whether an uploader's value is a file the server still holds. Once `release` has let
    go of one, a browser that has not yet drawn the emptied uploader (a busy machine) sends
    its id once more, and Streamlit answers with a deleted-file marker: no name, no bytes,
    nothing to stage and nothing wrong."""
    return isinstance(upload, UploadedFile)


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


def stage(upload: UploadedFile) -> state.StagedArtwork:
    """Store the upload on disk under a folder of its own, remember it in the session (with
    the name the user gave it) and let go of its bytes; the one staged before is removed.

    The header is read at once: a file that is no usable image is refused here, by its name."""
    name = original_name(upload.name)
    sweep_stale(staging_dir())
    folder = staging_dir() / f"artwork-{secrets.token_hex(8)}"
    folder.mkdir(parents=True)
    stored = folder / f"artwork{Path(name).suffix.lower() or '.img'}"
    try:
        _write_in_chunks(upload, stored)
        read_header(stored)
    except MockupLabError as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise named_for_user(error, stored.name, name) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        release(upload)
    forget_staged()
    staged = state.StagedArtwork(stored, name)
    state.set_staged_artwork(staged)
    return staged


def pixel_size(path: Path) -> tuple[int, int] | None:
    """The artwork's width and height from its header; None when it cannot be read."""
    try:
        return read_header(path).size
    except Exception:
        return None


def stage_file(upload: UploadedFile, kind: str) -> Path:
    """A template's upload (a PSD, a scene photo, a mask) on disk under its own name, in a
    folder of its own per upload (`<kind>-<file id>`), written in chunks, once however often
    the page reruns; the uploader keeps it while the page works on it."""
    assert kind in STAGED_KINDS, f"{kind} uploads are never swept"
    folder = staging_dir() / f"{kind}-{upload.file_id}"
    path = folder / original_name(upload.name)
    if not path.is_file():
        sweep_stale(staging_dir())
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as partial:
            _write_in_chunks(upload, partial)
    return path


def _write_in_chunks(upload: UploadedFile, path: Path) -> None:
    upload.seek(0)
    with path.open("wb") as out:
        shutil.copyfileobj(upload, out, CHUNK_BYTES)


def forget_staged() -> None:
    """Remove the session's staged artwork from disk (only a folder under the staging dir)."""
    staged = state.staged_artwork()
    state.set_staged_artwork(None)
    if staged is not None and staged.path.parent.parent == staging_dir():
        shutil.rmtree(staged.path.parent, ignore_errors=True)


def staging_dir() -> Path:
    return data_dir() / "uploads"


def sweep_stale(root: Path, max_age: float = STALE_SECONDS, now: float | None = None) -> None:
    """Remove staged uploads older than `max_age` seconds: their sessions are long gone."""
    now = time.time() if now is None else now
    if not root.is_dir():
        return
    for folder in (found for kind in STAGED_KINDS for found in root.glob(f"{kind}-*")):
        try:
            stale = now - folder.stat().st_mtime > max_age
        except OSError:
            continue
        if stale and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)


def original_name(name: str) -> str:
    """The upload's own file name, made safe to keep: no folders, no control characters."""
    plain = Path(name.replace("\\", "/")).name
    plain = "".join(c for c in plain if c.isprintable()).strip()
    return plain[:MAX_NAME_CHARS] or "artwork"


def named_for_user(error: MockupLabError, stored_name: str, name: str) -> MockupLabError:
    """`error` with the stored file's name (`upload.png`) replaced by the user's own."""
    error.args = (str(error).replace(stored_name, name),)
    return error
