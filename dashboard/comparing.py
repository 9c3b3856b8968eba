"""The Compare page's work: every run of a comparison checked against the memory budget, the
same check as any render, before the first one starts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from mockups.jobs import RenderJob, RenderSlots, check_budget
from mockups.options import RenderOptions
from mockups.templates import Template
from profiling.compare import ModeComparison, compare_modes, run_label

TEMPLATES = "all"


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
    """`compare_modes` in one of `slots`, after each of its runs passed `check_budget`
    (`JobRefused` before anything renders if one does not)."""
    for job in comparison_jobs(artwork, out_dir, modes, workers):
        check_budget(job, library)
    with slots.slot():
        return compare_modes(
            artwork,
            out_dir,
            modes=modes,
            workers=[workers],
            templates=TEMPLATES,
            release_memory=[False, True] if release else [False],
            started=started,
        )
