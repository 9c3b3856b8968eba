"""Following a started render from the page: a fragment polls its status by the id kept in the
session, so the rest of the page stays usable, and a session that goes to another page and comes
back finds it again. Only the id and a few numbers live in the session."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard import state
from dashboard.live import LiveView, draw_live
from dashboard.rendering import StartedRender
from dashboard.resources import render_backend
from dashboard.text import as_text, shown_message
from mockups.jobs import JobNotFound, RenderStatus
from mockups.runs.folder import MockupResult

LOG = logging.getLogger("mockuplab.dashboard")
PENDING = "pending_render"
ENDED = "ended_render"
POLL_SECONDS = 1.0
URL_JOB = "job"
URL_RUN = "run"


def remember(started: StartedRender, artwork_name: str) -> None:
    st.session_state[PENDING] = {
        "job_id": started.job_id,
        "total": started.total,
        "name": artwork_name,
        "stored": started.stored_name,
        "seen": [],  # [done, template, rss, heap, unix time] as polls saw them (see `_landed`)
    }
    st.session_state.pop(ENDED, None)


def restore_from_url(run_named: Callable[[str], Path | None]) -> None:
    """After a browser reload (a new session): the render the page was following (`?job=`)
    followed again, and the run it showed (`?run=`, a finished run's folder name, found by
    `run_named`) the session's current run again."""
    params = st.query_params
    job_id = params.get(URL_JOB)
    if job_id and not pending():
        try:
            status = render_backend().status(job_id)
        except Exception:  # gone with a restarted server, or Redis away: nothing to follow
            status = None
        if status is not None and status.state in ("queued", "started"):
            remember(StartedRender(job_id, status.total, status.run_dir), "the artwork")
        elif status is not None and status.state == "finished":
            state.set_current_run(status.run_dir)
    name = params.get(URL_RUN)
    if name and state.current_run() is None and (found := run_named(name)) is not None:
        state.set_current_run(found)


def keep_in_url() -> None:
    """The session's render going on and its current run in the page's URL (folder name and
    job id only), so a reload finds them again (`restore_from_url`)."""
    render = st.session_state.get(PENDING)
    current = state.current_run()
    wanted = {
        URL_JOB: render["job_id"] if render else None,
        URL_RUN: current.name if current else None,
    }
    for name, value in wanted.items():
        if value is None:
            st.query_params.pop(name, None)
        elif st.query_params.get(name) != value:
            st.query_params[name] = value


def pending() -> bool:
    return PENDING in st.session_state


def failed(message: str) -> None:
    """The session's last render ended in `message` (shown instead of the previous gallery)."""
    st.session_state[ENDED] = message


def failure() -> str | None:
    return st.session_state.get(ENDED)


def clear_failure() -> None:
    st.session_state.pop(ENDED, None)


def follow() -> None:
    """The panel of the session's render while it runs; the message of the one that ended."""
    if pending():
        _poll()
    ended = st.session_state.get(ENDED)
    if ended is not None:
        st.error(ended)


@st.fragment(run_every=POLL_SECONDS)
def _poll() -> None:
    render = st.session_state.get(PENDING)
    if render is None:
        return
    try:
        status = render_backend().status(render["job_id"])
    except JobNotFound as error:
        _end(shown_message(str(error)))
        return
    except Exception as error:  # Redis away: the job is not ours to give up on
        LOG.warning("cannot reach the render queue: %s", error)
        st.warning(
            "Lost touch with the render queue; the render goes on in its worker and this page "
            "keeps asking."
        )
        return
    if status.state == "finished":
        state.set_current_run(status.run_dir)
        _end(None)
        return
    if status.state == "failed":
        _end(failure_message(render, status.error))
        return
    _draw(render, status)


def failure_message(render: dict[str, Any], error: str | None) -> str:
    """Which artwork failed, by the user's name for it, and why (the stored copy's name in
    the reason, `upload.png`, replaced by that name too)."""
    name = render.get("name") or "the artwork"
    reason = (error or "no reason given").replace(render.get("stored") or "\0", name)
    return f"Rendering {as_text(name)} failed: {shown_message(reason)}"


def _draw(render: dict[str, Any], status: RenderStatus) -> None:
    """The panel drawn once from everything this poll learnt (never built up piece by piece,
    which the browser would show counting from zero at every poll)."""
    total = status.total or render["total"]
    if status.state == "queued":
        draw_live(LiveView(total, place=status.place or 1), render["job_id"])
        return
    backend = render_backend()
    view = LiveView(
        total,
        landed=_landed(render, status, backend.landed(render["job_id"])),
        samples=backend.samples(render["job_id"]),  # a profiled render's heap line
        run_dir=Path(status.run_dir),
        started_unix=_started_unix(status),
        now_seconds=_seconds_since(status.started_at),
        now_rss=status.rss_bytes,
        now_heap=status.heap_bytes,
    )
    draw_live(view, render["job_id"])


def _landed(
    render: dict[str, Any], status: RenderStatus, landed: list[MockupResult]
) -> list[MockupResult]:
    """The back-end's landed mockups; from one that reports only counts (an older worker),
    the landings as the polls saw them."""
    if landed or not status.done:
        return landed
    seen = render["seen"]
    if not seen or seen[-1][0] < status.done:
        seen.append([status.done, status.template, status.rss_bytes, status.heap_bytes, _now()])
    return results_seen(seen, _started_unix(status))


def results_seen(seen: list[list], started_unix: float) -> list[MockupResult]:
    """A job's landings as the polls saw them, from a back-end that reports only its latest
    mockup: those landed between two polls carry the next poll's figures and no template."""
    results = []
    done_before, before = 0, started_unix
    for done, template, rss, heap, at in seen:
        for number in range(done_before + 1, done + 1):
            last = number == done
            results.append(
                MockupResult(
                    index=number,
                    template=template if last and template else "",
                    file="",
                    thumbnail="",
                    width=0,
                    height=0,
                    bytes=0,
                    seconds=(at - before) / (done - done_before) if at > before else 0.0,
                    started_unix=before,
                    finished_unix=at,
                    rss_before_bytes=0,
                    rss_after_bytes=rss or 0,
                    worker="queue",
                    heap_after_bytes=heap,
                )
            )
        done_before, before = done, at
    return results


def _end(message: str | None) -> None:
    st.session_state.pop(PENDING, None)
    if message is None:
        st.session_state.pop(ENDED, None)
    else:
        st.session_state[ENDED] = message
    st.rerun()


def _now() -> float:
    return datetime.now(UTC).timestamp()


def _started_unix(status: RenderStatus) -> float:
    started = status.started_at
    if started is None:
        return _now()
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return started.timestamp()


def _seconds_since(started: datetime | None) -> float:
    if started is None:
        return 0.0
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    return max(0.0, _now() - started.timestamp())
