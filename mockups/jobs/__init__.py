"""Render jobs: embedded render slots, or a Redis queue with background workers.

Both back-ends are a `RenderBackend` (`backend`): `submit(job)` returns the job id at once,
`status(job_id)` is what a page polls, `landed(job_id)` and `samples(job_id)` the mockups
landed so far and a profiled job's heap line. Embedded (no `REDIS_URL`): `LocalRenders`
(`local`) renders in background threads of this process, through one `RenderSlots` per
process (`slots.render(job, progress, on_place)` waits its turn and returns the `RunResult`).
With Redis: `RenderQueue` (`enqueue(job)` is `submit`; `retry(job_id)` queues a failed job
again); `python -m mockups worker` renders (`render_job`). Both refuse a job whose estimated
memory is over the budget (`JobRefused`).

What Redis holds is untrusted: a worker runs only `render_job` with a valid `RenderJob`
(`BadJob` says why not), and fails anything else with the reason; `status()` reports a
damaged job as failed (`DamagedRecord`'s reason), each landed mockup's figures in
`RenderStatus.landed` (a profiled job's with their heap figures, as each lands), a profiled
job's heap line in `RenderStatus.samples` (written by the worker as it renders), and Redis
being away as `QueueUnavailable` (no password in it). A worker waits out Redis outages; its
job ends finished with run.json, or failed with a reason.

A job naming a remote runs store (`RenderJob.store`, `mockups.runs`) is rendered by a
worker that shares no disk with the web: in a scratch folder, its run uploaded with run.json
last (`stored.render_stored`).
"""

from mockups.jobs.backend import JobNotFound, RenderBackend, RenderStatus
from mockups.jobs.budget import (
    BUDGET_ENV,
    JobRefused,
    MemoryEstimate,
    budget_bytes,
    check_budget,
    estimate_peak,
    plan_job,
)
from mockups.jobs.local import LocalRenders
from mockups.jobs.redis_queue import (
    DamagedRecord,
    QueueUnavailable,
    RenderQueue,
    redis_url_from_env,
)
from mockups.jobs.slots import RenderSlots, Ticket
from mockups.jobs.spec import BadJob, RenderJob, run_in_process
from mockups.jobs.worker import render_job, run_worker

__all__ = [
    "BUDGET_ENV",
    "BadJob",
    "DamagedRecord",
    "JobNotFound",
    "JobRefused",
    "LocalRenders",
    "MemoryEstimate",
    "QueueUnavailable",
    "RenderBackend",
    "RenderJob",
    "RenderQueue",
    "RenderSlots",
    "RenderStatus",
    "Ticket",
    "budget_bytes",
    "check_budget",
    "estimate_peak",
    "plan_job",
    "redis_url_from_env",
    "render_job",
    "run_in_process",
    "run_worker",
]
