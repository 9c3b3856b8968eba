"""Process-wide objects, shared by every session of this server (`st.cache_resource`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from mockups.authoring.photo import user_templates_dir
from mockups.jobs import LocalRenders, RenderBackend, RenderQueue, RenderSlots, redis_url_from_env
from mockups.templates.library import LibraryEntry, library_entries
from mockups.templates.model import Template

RENDER_SLOTS = 2


@st.cache_resource
def render_slots() -> RenderSlots:
    """At most RENDER_SLOTS renders at once in this server, whichever sessions ask; in order."""
    return RenderSlots(RENDER_SLOTS)


@st.cache_resource
def local_renders() -> LocalRenders:
    """Renders running in this server's background threads, by id, for every session."""
    return LocalRenders(render_slots())


def render_backend() -> RenderBackend:
    """Where renders run: the Redis queue's workers when `REDIS_URL` is set, else this
    server's background threads (`local_renders`)."""
    url = redis_url_from_env()
    return _queue(url) if url else local_renders()


@st.cache_resource
def _queue(url: str) -> RenderQueue:
    return RenderQueue.from_url(url)


@dataclass(frozen=True)
class TemplateLibrary:
    """The templates a run may use, and the user templates that cannot be used, each with its
    one-line reason (`broken`: folder name -> reason); `entries` as the Templates page lists
    them (built-in first, broken ones included)."""

    templates: dict[str, Template]
    broken: dict[str, str] = field(default_factory=dict)
    entries: tuple[LibraryEntry, ...] = ()


def template_library() -> dict[str, Template]:
    """Built-ins and the user's usable templates; re-read when a user template changes."""
    return _current_library().templates


def template_entries() -> tuple[LibraryEntry, ...]:
    """Every template folder, loaded or broken, as the Templates page lists them; read once
    per change of the user templates, as `template_library`."""
    return _current_library().entries


def broken_templates() -> dict[str, str]:
    """The user templates left out of the library: folder name -> one-line reason."""
    return _current_library().broken


def _current_library() -> TemplateLibrary:
    folder = user_templates_dir()
    return _library(str(folder), _folder_stamp(folder))


@st.cache_resource(max_entries=1)
def _library(folder: str, stamp: tuple) -> TemplateLibrary:
    """`stamp` (the user templates' change times) keys the cache: a change reloads it."""
    entries = library_entries()
    return TemplateLibrary(
        templates={e.id: e.template for e in entries if e.template is not None},
        broken={e.id: e.problem or "cannot be loaded" for e in entries if e.template is None},
        entries=tuple(entries),
    )


def _folder_stamp(folder: Path) -> tuple:
    """The user folder's and each template folder's change time: an edit inside shows."""
    if not folder.is_dir():
        return ()
    stamps = [(folder.name, folder.stat().st_mtime_ns)]
    for child in sorted(folder.iterdir()):
        if child.is_dir():
            stamps.append((child.name, child.stat().st_mtime_ns))
    return tuple(stamps)
