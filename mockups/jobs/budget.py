"""The memory budget for a render job: its `RenderPlan`'s estimate (kept in the engine, so the
command line checks it without loading the queue)."""

from __future__ import annotations

from mockups.jobs.spec import RenderJob
from mockups.render.budget import (
    BUDGET_ENV,
    JobRefused,
    MemoryEstimate,
    budget_bytes,
    decoded_size,
)
from mockups.render.plan import RenderPlan, plan_render
from mockups.templates.model import Template

__all__ = [
    "BUDGET_ENV",
    "JobRefused",
    "MemoryEstimate",
    "budget_bytes",
    "check_budget",
    "decoded_size",
    "estimate_peak",
    "plan_job",
]


def plan_job(job: RenderJob, library: dict[str, Template] | None = None) -> RenderPlan:
    return plan_render(job.artwork, job.options, library)


def estimate_peak(job: RenderJob, library: dict[str, Template] | None = None) -> MemoryEstimate:
    return plan_job(job, library).estimate


def check_budget(job: RenderJob, library: dict[str, Template] | None = None) -> MemoryEstimate:
    """The job's estimate, or `JobRefused` with one line when it is over the budget."""
    return plan_job(job, library).check().estimate
