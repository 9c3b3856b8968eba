"""One interface for render back-ends, as httpx has one for its transports: a page submits a
job and follows it by id, never asking which back-end it has.

Two implement it: the embedded slots of this process (`mockups.jobs.local.LocalRenders`) and
the Redis queue with its workers (`mockups.jobs.redis_queue.RenderQueue`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from mockups.errors import MockupLabError
from mockups.jobs.heap_line import Point
from mockups.jobs.spec import RenderJob
from mockups.render.plan import RenderPlan
from mockups.runs.folder import MockupResult

State = Literal["queued", "started", "finished", "failed"]


class JobNotFound(MockupLabError):
    """No such render job (never submitted, expired, or its server was restarted)."""


@dataclass(frozen=True)
class RenderStatus:
    """What a page polls: the state, the place in line, progress and the reason of a failure.

    `place` is 1 for the next job to start (only while queued); `rss_bytes` is the rendering
    process's resident memory after its latest mockup; `landed` holds the figures of each
    mockup rendered so far (a profiled job's include its heap figures); `samples` is a
    profiled job's heap line so far, `(seconds since it started, RSS, heap in use)`, oldest
    first (empty for a plain job).
    """

    job_id: str
    state: State
    run_dir: str
    place: int | None = None
    done: int = 0
    total: int = 0
    template: str | None = None
    rss_bytes: int | None = None
    heap_bytes: int | None = None
    error: str | None = None
    enqueued_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    landed: list[MockupResult] = field(default_factory=list)
    samples: list[Point] = field(default_factory=list)


@runtime_checkable
class RenderBackend(Protocol):
    """Where render jobs run: submit one, then follow it by its id."""

    def submit(self, job: RenderJob, plan: RenderPlan | None = None) -> str:
        """Start `job` and return its id at once; `JobRefused` first when it is over the
        budget (checked against `plan` when the caller made one)."""
        ...

    def status(self, job_id: str) -> RenderStatus:
        """The job's state, place in line, progress, or why it failed; `JobNotFound`."""
        ...

    def landed(self, job_id: str) -> list[MockupResult]:
        """The mockups landed so far with their figures, in the order they landed (empty from
        a back-end that reports only counts: `RenderStatus.done`)."""
        ...

    def samples(self, job_id: str) -> list[Point]:
        """A profiled job's heap line so far, `(seconds, RSS, heap in use)`, oldest first."""
        ...
