"""The memory budget for a render job: `mockups.render.budget`'s estimate of the job's artwork and
options (kept in the engine, so the command line checks it without loading the queue)."""

from __future__ import annotations

from mockups.jobs.spec import RenderJob
from mockups.render.budget import (
    BUDGET_ENV,
    JobRefused,
    MemoryEstimate,
    budget_bytes,
    decoded_size,
)
from mockups.render.budget import check_budget as check_render
from mockups.render.budget import estimate_peak as estimate_render
from mockups.templates.model import Template

__all__ = [
    "BUDGET_ENV",
    "JobRefused",
    "MemoryEstimate",
    "budget_bytes",
    "check_budget",
    "decoded_size",
    "estimate_peak",
]


def estimate_peak(job: RenderJob, library: dict[str, Template] | None = None) -> MemoryEstimate:
    return estimate_render(job.artwork, job.options, library)


def check_budget(job: RenderJob, library: dict[str, Template] | None = None) -> MemoryEstimate:
    """The job's estimate, or `JobRefused` with one line when it is over the budget."""
    return check_render(job.artwork, job.options, library)
