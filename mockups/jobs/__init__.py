"""Render jobs: embedded render slots, or a Redis queue with background workers.

Embedded (no `REDIS_URL`): one `RenderSlots` per process; `slots.render(job, progress,
on_place)` waits its turn and returns the `RunResult`. With Redis: `RenderQueue.enqueue(job)`
returns the job id at once, `status(job_id)` is what a page polls, `retry(job_id)` queues a
failed job again; `python -m mockups worker` renders (`render_job`). Both refuse a job whose
estimated memory is over the budget (`JobRefused`).
"""

from mockups.jobs.budget import (
    BUDGET_ENV,
    JobRefused,
    MemoryEstimate,
    budget_bytes,
    check_budget,
    estimate_peak,
)
from mockups.jobs.redis_queue import (
    JobNotFound,
    RenderQueue,
    RenderStatus,
    redis_url_from_env,
)
from mockups.jobs.slots import RenderSlots, Ticket
from mockups.jobs.spec import BadJob, RenderJob, run_in_process
from mockups.jobs.worker import render_job, run_worker

__all__ = [
    "BUDGET_ENV",
    "BadJob",
    "JobNotFound",
    "JobRefused",
    "MemoryEstimate",
    "RenderJob",
    "RenderQueue",
    "RenderSlots",
    "RenderStatus",
    "Ticket",
    "budget_bytes",
    "check_budget",
    "estimate_peak",
    "redis_url_from_env",
    "render_job",
    "run_in_process",
    "run_worker",
]
