"""Etsy work that outlives a page run: making the listing video and pushing a draft, each in a
thread of this server, followed by id from the page as a render is. A rerun, a click elsewhere
or a closed tab never stops one halfway; a session that comes back finds it again; one task
per run at a time (a video remade under a push would not be the video the push recorded).

Only the thread's bookkeeping lives here: the video's frames are made in a child process
(`etsy_video`), and nothing held here is larger than a few lines of text and a result record.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import streamlit as st

from dashboard.etsy_faults import fault_line
from dashboard.text import as_text

LOG = logging.getLogger("mockuplab.dashboard")
KEEP_ENDED = 100
POLL_SECONDS = 0.5

TaskKind = Literal["video", "draft"]
TaskState = Literal["running", "finished", "failed"]


class TaskRunning(Exception):
    """Another task is already working on this run."""


@dataclass
class EtsyTask:
    task_id: str
    kind: TaskKind
    run_dir: str
    state: TaskState = "running"
    step: str = ""
    """What it does now, one line."""
    done: int = 0
    total: int = 0
    """Progress within the current step (`total` 0: no count)."""
    lines: list[str] = field(default_factory=list)
    """The steps it finished, one line each, oldest first."""
    result: Any = None
    error: str | None = None
    started: float = field(default_factory=time.time)


@dataclass(frozen=True)
class TaskProgress:
    """What a task's work calls to say how far it got."""

    tasks: EtsyTasks
    task_id: str

    def step(self, line: str, total: int = 0) -> None:
        """A new step begins: the current one joins the finished lines."""
        self.tasks._change(self.task_id, lambda t: _next_step(t, line, total))

    def count(self, done: int, total: int) -> None:
        self.tasks._change(self.task_id, lambda t: replace(t, done=done, total=total))

    def note(self, line: str) -> None:
        """A line to keep, without changing the step (a refusal Etsy sent, a repair)."""
        self.tasks._change(self.task_id, lambda t: replace(t, lines=[*t.lines, line]))


Work = Callable[[TaskProgress], Any]


class EtsyTasks:
    """Every session's Etsy tasks in this server; thread-safe, one per server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tasks: dict[str, EtsyTask] = {}

    def start(self, kind: TaskKind, run_dir: str, action: str, work: Work) -> str:
        """Run `work` in a thread of its own and return its id at once; `TaskRunning` when a
        task for `run_dir` has not ended. A failure ends it with one line (`action` names
        what failed when the error has no line of its own)."""
        with self._lock:
            running = self._running_for(run_dir)
            if running is not None:
                doing = "making its video" if running.kind == "video" else "pushing its draft"
                raise TaskRunning(f"this run is busy {doing}; wait for it to end")
            task = EtsyTask(uuid.uuid4().hex, kind, run_dir)
            self._tasks[task.task_id] = task
            self._forget_old()
        threading.Thread(
            target=self._run,
            args=(task.task_id, action, work),
            name=f"etsy-{kind}-{task.task_id[:8]}",
            daemon=True,
        ).start()
        return task.task_id

    def get(self, task_id: str) -> EtsyTask | None:
        """A copy of the task as it is now (None: unknown here, e.g. the server restarted)."""
        with self._lock:
            task = self._tasks.get(task_id)
            return replace(task, lines=list(task.lines)) if task is not None else None

    def running_for(self, run_dir: str) -> EtsyTask | None:
        with self._lock:
            task = self._running_for(run_dir)
            return replace(task, lines=list(task.lines)) if task is not None else None

    def _run(self, task_id: str, action: str, work: Work) -> None:
        try:
            result = work(TaskProgress(self, task_id))
        except Exception as error:
            line = fault_line(error, action)
            self._change(task_id, lambda t: replace(t, state="failed", error=line))
        else:
            self._change(task_id, lambda t: _finished(t, result))

    def _change(self, task_id: str, change: Callable[[EtsyTask], EtsyTask]) -> None:
        with self._lock:
            self._tasks[task_id] = change(self._tasks[task_id])

    def _running_for(self, run_dir: str) -> EtsyTask | None:
        return next(
            (t for t in self._tasks.values() if t.run_dir == run_dir and t.state == "running"),
            None,
        )

    def _forget_old(self) -> None:
        ended = [i for i, t in self._tasks.items() if t.state != "running"]
        for task_id in ended[: max(0, len(ended) - KEEP_ENDED)]:
            del self._tasks[task_id]


def _next_step(task: EtsyTask, line: str, total: int) -> EtsyTask:
    lines = [*task.lines, task.step] if task.step else task.lines
    return replace(task, step=line, lines=lines, done=0, total=total)


def _finished(task: EtsyTask, result: Any) -> EtsyTask:
    lines = [*task.lines, task.step] if task.step else task.lines
    return replace(task, state="finished", result=result, step="", lines=lines)


@st.cache_resource
def etsy_tasks() -> EtsyTasks:
    """The server's one registry of Etsy tasks, shared by every session."""
    return EtsyTasks()


def ended_task(key: str, run_dir: Path) -> EtsyTask | None:
    """The session's last task kept under `key`, when it was for `run_dir` and has ended."""
    task_id = st.session_state.get(key)
    task = etsy_tasks().get(task_id) if task_id else None
    if task is None or task.run_dir != str(run_dir) or task.state == "running":
        return None
    return task


@st.fragment(run_every=POLL_SECONDS)
def follow(task_id: str, heading: str = "") -> None:
    """A running task's progress, polled while the rest of the page stays usable; the whole
    page again once it ends, to show how."""
    task = etsy_tasks().get(task_id)
    if task is None or task.state != "running":
        st.rerun()
    if heading:
        st.markdown(heading)
    show_progress(task)


def show_progress(task: EtsyTask) -> None:
    """The task's finished steps, then the current one with its bar."""
    for line in task.lines:
        st.text(f"✓ {line}")
    fraction = task.done / task.total if task.total else 0.0
    counted = f" ({task.done}/{task.total})" if task.total else ""
    st.progress(min(1.0, fraction), text=as_text(f"{task.step}{counted}"))
