"""Process-wide objects, shared by every session of this server (`st.cache_resource`)."""

from __future__ import annotations

import streamlit as st

from mockups.authoring import user_templates_dir
from mockups.jobs import RenderQueue, RenderSlots, redis_url_from_env
from mockups.templates import Template, load_library

RENDER_SLOTS = 2


@st.cache_resource
def render_slots() -> RenderSlots:
    """At most RENDER_SLOTS renders at once in this server, whichever sessions ask; in order."""
    return RenderSlots(RENDER_SLOTS)


def render_queue() -> RenderQueue | None:
    """The Redis queue when `REDIS_URL` is set: renders then run in background workers."""
    url = redis_url_from_env()
    return _queue(url) if url else None


@st.cache_resource
def _queue(url: str) -> RenderQueue:
    return RenderQueue.from_url(url)


def template_library() -> dict[str, Template]:
    """Built-ins and the user's templates; re-read when a user template is added."""
    folder = user_templates_dir()
    stamp = folder.stat().st_mtime_ns if folder.is_dir() else 0
    return _library(stamp)


@st.cache_resource(max_entries=1)
def _library(stamp: int) -> dict[str, Template]:
    """`stamp` (the user folder's change time) keys the cache: a new template reloads it."""
    return load_library(user_templates_dir())
