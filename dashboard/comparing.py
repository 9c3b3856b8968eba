"""The Compare page's work: every run of a comparison checked against the memory budget, the
same check (and the same template library) as any render, before the first one starts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mockups.jobs import RenderJob, RenderSlots, plan_job
from mockups.options import CONCRETE_MODES as CONCRETE_MODES
from mockups.options import MAX_WORKERS as MAX_WORKERS
from mockups.options import RenderOptions
from mockups.render.budget import budget_bytes as budget_bytes
from mockups.render.plan import RenderPlan
from mockups.templates.model import Template
from profiling.compare import ModeComparison, compare_modes, plain_label, run_label

TEMPLATES = "all"


@dataclass(frozen=True)
class PlannedRun:
    """One run the comparison would make, with its estimated peak against the budget."""

    label: str
    peak_bytes: int
    fits: bool


def comparison_jobs(
    artwork: Path, out_dir: Path, modes: Sequence[str], workers: int
) -> list[RenderJob]:
    """One job per run the comparison makes (sequential once, the other modes at `workers`)."""
    return [
        RenderJob(
            artwork=str(artwork),
            run_dir=str(out_dir / run_label(mode, count, False)),
            options=RenderOptions(templates=TEMPLATES, mode=mode, workers=count),
        )
        for mode in modes
        for count in ([1] if mode == "sequential" else [workers])
    ]


def planned_runs(
    artwork: Path,
    modes: Sequence[str],
    workers: int,
    budget_bytes: int,
    library: dict[str, Template] | None = None,
) -> list[PlannedRun]:
    """Each run's estimated peak before anything renders (the header only, nothing decoded); a
    run with memory released is estimated as the same mode without."""
    planned = []
    for plan in _plans(comparison_jobs(artwork, Path(), modes, workers), library):
        peak = plan.estimate.peak_bytes
        label = plain_label(plan.mode, plan.options.workers or 1, False)
        planned.append(PlannedRun(label, peak, peak <= budget_bytes))
    return planned


def compare_within_budget(
    artwork: Path,
    out_dir: Path,
    modes: Sequence[str],
    workers: int,
    release: bool,
    started: Callable[[str], None],
    slots: RenderSlots,
    library: dict[str, Template] | None = None,
) -> list[ModeComparison]:
    """`compare_modes` in one of `slots`, after each of its runs passed the budget check
    (`JobRefused` before anything renders if one does not). `started` gets each run's plain
    label ("Threads x2, memory released")."""
    for plan in _plans(comparison_jobs(artwork, out_dir, modes, workers), library):
        plan.check()
    labels = {
        run_label(mode, count, freed): plain_label(mode, count, freed)
        for mode in modes
        for count in (1, workers)
        for freed in (False, True)
    }
    with slots.slot():
        return compare_modes(
            artwork,
            out_dir,
            modes=modes,
            workers=[workers],
            templates=TEMPLATES,
            release_memory=[False, True] if release else [False],
            started=lambda label: started(labels.get(label, label)),
        )


def _plans(jobs: list[RenderJob], library: dict[str, Template] | None) -> list[RenderPlan]:
    """The jobs' plans: one artwork and one set of templates, planned once, in each job's mode."""
    if not jobs:
        return []
    first = plan_job(jobs[0], library)
    return [first.replanned(mode=job.options.mode, workers=job.options.workers) for job in jobs]
