"""Renders inside this server when there is no Redis: each in a thread of its own that waits for
one of the render slots, so the page that started it stays usable and a session that leaves
does not abandon it. A page follows one by its id, as it follows a queued job."""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dashboard.guard import one_line
from mockups.jobs import JobNotFound, RenderJob, RenderSlots, RenderStatus, check_budget
from mockups.jobs.spec import run_in_process
from mockups.render.renderers import PROFILED
from mockups.runs.catalogue import publish_run
from mockups.runs.folder import MockupResult
from mockups.templates.model import Template

KEEP_ENDED = 200  # ended renders remembered for pages that come back to them


Sample = tuple[float, int, int | None]  # seconds since the start, RSS, memray heap in use


@dataclass
class _Render:
    status: RenderStatus
    results: list[MockupResult] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)


class LocalRenders:
    """Every session's renders in this process; thread-safe, shared (`st.cache_resource`)."""

    def __init__(self, slots: RenderSlots) -> None:
        self.slots = slots
        self._lock = threading.Lock()
        self._renders: dict[str, _Render] = {}

    def start(self, job: RenderJob, library: dict[str, Template] | None = None) -> str:
        """Start `job` in the background and return its id; `JobRefused` first if over budget."""
        check_budget(job, library)
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
        with self._lock:
            render = self._renders.get(job_id)
            if render is None:
                raise JobNotFound(f"no render {job_id} in this server (was it restarted?)")
            return render.status

    def results(self, job_id: str) -> list[MockupResult]:
        """The mockups landed so far, in the order they landed."""
        with self._lock:
            render = self._renders.get(job_id)
            return list(render.results) if render else []

    def samples(self, job_id: str) -> list[Sample]:
        """A profiled render's heap and RSS line so far (none for a plain render)."""
        with self._lock:
            render = self._renders.get(job_id)
            return list(render.samples) if render else []

    def _run(self, job: RenderJob) -> None:
        try:
            with self.slots.slot(lambda place: self._on_place(job.id, place)):
                self._update(job.id, state="started", place=None, started_at=datetime.now(UTC))
                self._render(job)
                publish_run(job.run_dir, job.store, Path(job.artwork).name)
        except Exception as error:
            # This process was the only writer, and it has stopped: the folder is no run.
            shutil.rmtree(job.run_dir, ignore_errors=True)
            self._update(job.id, state="failed", error=one_line(error, "Rendering"))
        else:
            self._update(job.id, state="finished", ended_at=datetime.now(UTC))

    def _render(self, job: RenderJob) -> None:
        def landed(done: int, total: int, result: MockupResult) -> None:
            with self._lock:
                render = self._renders[job.id]
                render.results.append(result)
                render.status = replace(
                    render.status,
                    done=done,
                    total=total,
                    template=result.template,
                    rss_bytes=result.rss_after_bytes,
                    heap_bytes=result.heap_after_bytes,
                )

        if job.renderer == PROFILED:
            from profiling import profile_run  # in a child: one memray capture per process

            def sampled(seconds: float, rss_bytes: int, heap_bytes: int | None) -> None:
                with self._lock:
                    self._renders[job.id].samples.append((seconds, rss_bytes, heap_bytes))

            profile_run(
                job.artwork, job.run_dir, options=job.options, progress=landed, sample=sampled
            )
        else:
            run_in_process(job, progress=landed, release_memory=True)

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
