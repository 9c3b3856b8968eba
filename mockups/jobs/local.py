"""The embedded back-end: renders inside this process when there is no Redis, each in a thread
of its own that waits for one of the render slots, so the caller that started it (a page)
stays free and a caller that leaves does not abandon it. Followed by id, as a queued job is.

The engine's own renderer renders in that thread; any other (the profiler's, which keeps one
memray Tracker per process) in a child process of its own (`mockups.render.child`), found by
name as a queue's worker finds it. So does a render in processes mode: its workers import the
starting process's `__main__` again, and in Streamlit's server that is the page's script.
"""

from __future__ import annotations

import logging
import shutil
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mockups.errors import MockupLabError, first_line
from mockups.jobs.backend import JobNotFound, RenderStatus
from mockups.jobs.budget import plan_job
from mockups.jobs.heap_line import Point
from mockups.jobs.slots import RenderSlots
from mockups.jobs.spec import RenderJob, confined, run_in_process
from mockups.render.child import render_in_child
from mockups.render.plan import RenderPlan
from mockups.render.renderers import PLAIN
from mockups.runs.catalogue import publish_run
from mockups.runs.folder import MockupResult

LOG = logging.getLogger("mockuplab.jobs")
KEEP_ENDED = 200  # ended renders remembered for callers that come back to them
UNEXPECTED = "Rendering failed unexpectedly; the details are in the server log."


@dataclass
class _Render:
    status: RenderStatus
    landed: list[MockupResult] = field(default_factory=list)
    samples: list[Point] = field(default_factory=list)


class LocalRenders:
    """Every caller's renders in this process; thread-safe, one per process."""

    def __init__(self, slots: RenderSlots) -> None:
        self.slots = slots
        self._lock = threading.Lock()
        self._renders: dict[str, _Render] = {}

    def submit(self, job: RenderJob, plan: RenderPlan | None = None) -> str:
        """Start `job` in the background and return its id; `BadJob` first if its paths lead out
        of this machine's homes, `JobRefused` if it is over budget."""
        confined(job)
        (plan or plan_job(job)).check()
        status = RenderStatus(
            job_id=job.id,
            state="queued",
            run_dir=job.run_dir,
            total=len(job.templates),
            enqueued_at=datetime.now(UTC),
        )
        with self._lock:
            self._forget_old()
            self._renders[job.id] = _Render(status)
        threading.Thread(
            target=self._run, args=(job,), name=f"render-{job.id[:8]}", daemon=True
        ).start()
        return job.id

    def status(self, job_id: str) -> RenderStatus:
        return self._render(job_id).status

    def landed(self, job_id: str) -> list[MockupResult]:
        return list(self._render(job_id).landed)

    def samples(self, job_id: str) -> list[Point]:
        return list(self._render(job_id).samples)

    def _render(self, job_id: str) -> _Render:
        with self._lock:
            render = self._renders.get(job_id)
        if render is None:
            raise JobNotFound(f"no render {job_id} in this server (was it restarted?)")
        return render

    def _run(self, job: RenderJob) -> None:
        try:
            with self.slots.slot(lambda place: self._on_place(job.id, place)):
                self._update(job.id, state="started", place=None, started_at=datetime.now(UTC))
                self._rendered(job)
                publish_run(job.run_dir, job.store, Path(job.artwork).name)
        except Exception as error:
            # This process was the only writer, and it has stopped: the folder is no run.
            shutil.rmtree(job.run_dir, ignore_errors=True)
            self._update(job.id, state="failed", error=self._reason(error))
        else:
            self._update(job.id, state="finished", ended_at=datetime.now(UTC))

    def _rendered(self, job: RenderJob) -> None:
        def landed(done: int, total: int, result: MockupResult) -> None:
            with self._lock:
                render = self._renders[job.id]
                render.landed.append(result)
                render.status = replace(
                    render.status,
                    done=done,
                    total=total,
                    template=result.template,
                    rss_bytes=result.rss_after_bytes,
                    heap_bytes=result.heap_after_bytes,
                )

        def sampled(seconds: float, rss_bytes: int, heap_bytes: int | None) -> None:
            with self._lock:
                self._renders[job.id].samples.append((seconds, rss_bytes, heap_bytes))

        if job.renderer == PLAIN and job.options.mode != "processes":
            run_in_process(job, progress=landed, release_memory=True)
            return
        release = job.renderer == PLAIN or job.options.release_memory  # as `run_in_process`
        render_in_child(
            job.renderer,
            job.artwork,
            job.run_dir,
            options=job.options.with_changes(release_memory=release),
            progress=landed,
            sample=sampled,
        )

    @staticmethod
    def _reason(error: Exception) -> str:
        """A user's mistake in its own line; anything else logged, and said to be."""
        if isinstance(error, MockupLabError) and str(error).strip():
            return first_line(error)
        LOG.error("Rendering failed", exc_info=error)
        return UNEXPECTED

    def _on_place(self, job_id: str, place: int | None) -> None:
        if place:
            self._update(job_id, place=place)

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            render = self._renders[job_id]
            render.status = replace(render.status, **changes)

    def _forget_old(self) -> None:
        ended = [i for i, r in self._renders.items() if r.status.state in ("finished", "failed")]
        for job_id in ended[: max(0, len(ended) - KEEP_ENDED)]:
            del self._renders[job_id]
