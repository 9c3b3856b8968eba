"""Where a collection's artworks render: the same back-end as single renders (Redis's workers,
or this server's render slots), a fair share at a time (`mockups.collections.fairness`), so a
single render started meanwhile waits behind one artwork, never behind a hundred. A thread of
this server hands the next artworks over as the earlier ones end, whether or not a page is
open; a restarted server starts it again when the collection is next shown."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import streamlit as st

from dashboard.rendering import RenderRequest
from dashboard.resources import render_backend
from mockups.collections import read_collection, refresh, submit_waiting
from mockups.collections.fairness import fair_share
from mockups.collections.record import Collection
from mockups.jobs import RenderBackend
from mockups.options import RenderOptions

LOG = logging.getLogger("mockuplab.dashboard")
DRIVE_SECONDS = 1.0
_DRIVERS_LOCK = threading.Lock()


def job_options() -> RenderOptions:
    """How each artwork renders: `auto` under the memory budget, the user's templates
    reachable from any worker on this machine (as the Render page's)."""
    request = RenderRequest(templates=(), mode="auto", workers=None, fit=None, profile=False)
    return request.options()


def hand_over(collection: Collection) -> None:
    """Hand the collection's waiting artworks over, its fair share now and the rest as the
    earlier ones end."""
    backend, options = render_backend(), job_options()
    submit_waiting(collection, backend, options, fair_share(backend))
    if collection.pending:
        _keep_driving(collection.folder, backend, options)


def follow(folder: Path) -> Collection:
    """The collection brought up to date from its jobs, the lost ones handed over again."""
    collection = read_collection(folder)
    if collection.pending:
        refresh(collection, render_backend())
        hand_over(collection)
    return collection


@st.cache_resource
def _drivers() -> dict[str, threading.Thread]:
    """The threads handing collections' artworks to this server's slots, by folder."""
    return {}


def _keep_driving(folder: Path, backend: RenderBackend, options: RenderOptions) -> None:
    drivers = _drivers()
    with _DRIVERS_LOCK:
        running = drivers.get(str(folder))
        if running is not None and running.is_alive():
            return
        thread = threading.Thread(
            target=_drive,
            args=(folder, backend, options),
            name=f"collection-{folder.name[-6:]}",
            daemon=True,
        )
        drivers[str(folder)] = thread
        thread.start()


def _drive(folder: Path, backend: RenderBackend, options: RenderOptions) -> None:
    while True:
        try:
            collection = read_collection(folder)
            refresh(collection, backend)
            submit_waiting(collection, backend, options, fair_share(backend))
        except Exception:
            LOG.exception("handing over the collection %s failed", folder.name)
            return
        if not collection.pending:
            return
        time.sleep(DRIVE_SECONDS)
