"""Process-wide objects, shared by every session of this server (`st.cache_resource`)."""

from __future__ import annotations

import threading

import streamlit as st

from mockups.authoring import user_templates_dir
from mockups.templates import Template, load_library

RENDER_SLOTS = 2


@st.cache_resource
def render_slots() -> threading.BoundedSemaphore:
    """At most RENDER_SLOTS renders at once, whichever sessions ask."""
    return threading.BoundedSemaphore(RENDER_SLOTS)


def template_library() -> dict[str, Template]:
    """Built-ins and the user's templates; re-read when a user template is added."""
    folder = user_templates_dir()
    stamp = folder.stat().st_mtime_ns if folder.is_dir() else 0
    return _library(stamp)


@st.cache_resource(max_entries=1)
def _library(stamp: int) -> dict[str, Template]:
    """`stamp` (the user folder's change time) keys the cache: a new template reloads it."""
    return load_library(user_templates_dir())
