"""Render jobs: embedded render slots shared by a process's sessions, and a memory budget.

One `RenderSlots` per process; `slots.render(job, progress, on_place)` waits its turn and
returns the `RunResult`. A job whose estimated memory is over the budget is refused
(`JobRefused`) before it starts.
"""

from mockups.jobs.budget import (
    BUDGET_ENV,
    JobRefused,
    MemoryEstimate,
    budget_bytes,
    check_budget,
    estimate_peak,
)
from mockups.jobs.slots import RenderSlots, Ticket
from mockups.jobs.spec import RenderJob, run_in_process

__all__ = [
    "BUDGET_ENV",
    "JobRefused",
    "MemoryEstimate",
    "RenderJob",
    "RenderSlots",
    "Ticket",
    "budget_bytes",
    "check_budget",
    "estimate_peak",
    "run_in_process",
]
