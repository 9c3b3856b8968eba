"""Before Render is pressed: which modes the memory budget would refuse for this artwork and
these templates, and what fits instead (the same estimate the Render button applies)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mockups.errors import MockupLabError
from mockups.jobs import JobRefused
from mockups.memory import MIB
from mockups.options import MODES, RenderOptions
from mockups.render.budget import budget_bytes, check_budget, estimate_peak
from mockups.templates.model import Template

PARALLEL = ("threads", "processes")


@dataclass(frozen=True)
class ModeFit:
    """One mode at the chosen workers: its estimated peak, and the most workers that fit."""

    mode: str
    fits: bool
    peak_bytes: int
    fitting_workers: int | None  # parallel modes: the most workers within the budget, if any


@dataclass(frozen=True)
class BudgetAdvice:
    fits: dict[str, ModeFit]
    budget: int

    def refused(self, mode: str) -> bool:
        fit = self.fits.get(mode)
        return fit is not None and not fit.fits

    def suggestion(self, mode: str) -> str | None:
        """One line when `mode` is refused: how much it needs, and what fits instead."""
        fit = self.fits.get(mode)
        if fit is None or fit.fits:
            return None
        instead = self.fitting_choices()
        needs = (
            f"{mode} needs about {fit.peak_bytes / MIB:.0f} MB, over the "
            f"{self.budget / MIB:.0f} MB budget"
        )
        if not instead:
            return f"{needs}, and no mode fits: tick fewer templates or use a smaller artwork."
        return f"{needs}: choose {', or '.join(instead)}."

    def fitting_choices(self) -> list[str]:
        choices = []
        if "sequential" in self.fits and self.fits["sequential"].fits:
            choices.append("sequential")
        for mode in PARALLEL:
            fit = self.fits.get(mode)
            if fit is None:
                continue
            if not fit.fits and fit.fitting_workers:
                plural = "s" if fit.fitting_workers > 1 else ""
                choices.append(f"{mode} with {fit.fitting_workers} worker{plural}")
        return choices


def advise(
    artwork: Path, templates: tuple[str, ...], workers: int, library: dict[str, Template]
) -> BudgetAdvice | None:
    """Every mode checked against the budget; None when the artwork cannot be estimated (its
    own error shows when Render is pressed)."""
    try:
        budget = budget_bytes()
        fits = {mode: _mode_fit(artwork, templates, mode, workers, library) for mode in MODES}
    except MockupLabError:
        return None
    return BudgetAdvice(fits, budget)


def _mode_fit(
    artwork: Path, templates: tuple[str, ...], mode: str, workers: int, library: dict
) -> ModeFit:
    count = workers if mode in PARALLEL else None
    options = RenderOptions(templates=templates, mode=mode, workers=count)
    try:
        estimate = check_budget(artwork, options, library)
        return ModeFit(mode, True, estimate.peak_bytes, count)
    except JobRefused:
        peak = estimate_peak(artwork, options, library).peak_bytes
    fewer = None
    if mode in PARALLEL:
        for fewer_workers in range(workers - 1, 0, -1):
            smaller = options.with_changes(workers=fewer_workers)
            if estimate_peak(artwork, smaller, library).peak_bytes <= budget_bytes():
                fewer = fewer_workers
                break
    return ModeFit(mode, False, peak, fewer)
