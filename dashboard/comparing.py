"""The Compare page's work: every run of a comparison checked against the memory budget, the
same check (and the same template library) as any render, before the first one starts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from mockups.jobs import RenderSlots
from mockups.options import CONCRETE_MODES as CONCRETE_MODES
from mockups.options import MAX_WORKERS as MAX_WORKERS
from mockups.render.budget import budget_bytes as budget_bytes
from mockups.templates.model import Template
from profiling.compare import (
    ModeComparison,
    PlannedRun,
    check_comparison,
    compare_modes,
    plain_label,
    plan_comparison,
    run_label,
)


def planned_runs(
    artwork: Path,
    workers: int,
    templates: Sequence[str],
    budget_bytes: int,
    library: dict[str, Template] | None = None,
) -> list[PlannedRun]:
    """Each mode's run (sequential once, the others at `workers`) with its estimated peak,
    before anything renders (the header only, nothing decoded)."""
    return plan_comparison(artwork, CONCRETE_MODES, [workers], templates, budget_bytes, library)


def compare_within_budget(
    artwork: Path,
    out_dir: Path,
    modes: Sequence[str],
    workers: int,
    templates: Sequence[str],
    release: bool,
    started: Callable[[str], None],
    progress: Callable[[str, int, int], None],
    slots: RenderSlots,
    library: dict[str, Template] | None = None,
) -> list[ModeComparison]:
    """`compare_modes` of `templates` in one of `slots`, after each of its runs passed the
    budget check (`JobRefused` before anything renders if one does not). `started(label)` and
    `progress(label, done, total)` name each run in plain words ("Threads x2, memory
    released")."""
    check_comparison(plan_comparison(artwork, modes, [workers], templates, budget_bytes(), library))
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
            templates=list(templates),
            release_memory=[False, True] if release else [False],
            started=lambda label: started(labels.get(label, label)),
            progress=lambda label, done, total: progress(labels.get(label, label), done, total),
        )
