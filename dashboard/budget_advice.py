"""Before Render is pressed: which modes the memory budget would refuse for this artwork and
these templates, and what fits instead (the same estimate the Render button applies)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mockups.errors import MockupLabError
from mockups.memory import MIB
from mockups.options import MODES, RenderOptions
from mockups.render.budget import budget_bytes
from mockups.render.plan import RenderPlan, plan_render
from mockups.templates.model import Template

PARALLEL = ("threads", "processes")


@dataclass(frozen=True)
class ModeFit:
    """One mode at the chosen workers: its estimated peak, the most workers that fit, and
    what else would fit in it (untick the template that needs the most, fit contain)."""

    mode: str
    fits: bool
    peak_bytes: int
    fitting_workers: int | None  # parallel modes: the most workers within the budget, if any
    ways: tuple[str, ...] = ()


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
        if not instead and not fit.ways:
            return f"{needs}, and no mode fits: tick fewer templates or use a smaller artwork."
        choices = [f"choose {', or '.join(instead)}"] if instead else []
        return f"{needs}: {'; or '.join([*choices, *fit.ways])}."

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
    artwork: Path,
    templates: tuple[str, ...],
    workers: int,
    library: dict[str, Template],
    fit: str | None = None,
) -> BudgetAdvice | None:
    """Every mode checked against the budget at the chosen `fit`, from one plan (the header
    read once, the templates resolved once); None when the artwork cannot be estimated (its
    own error shows when Render is pressed)."""
    try:
        budget = budget_bytes()
        plan = plan_render(artwork, RenderOptions(templates=templates, fit=fit), library)
        fits = {mode: _mode_fit(plan, mode, workers, budget) for mode in MODES}
    except MockupLabError:
        return None
    return BudgetAdvice(fits, budget)


def _mode_fit(plan: RenderPlan, mode: str, workers: int, budget: int) -> ModeFit:
    count = workers if mode in PARALLEL else None
    in_mode = plan.replanned(mode=mode, workers=count)
    peak = in_mode.estimate.peak_bytes
    if peak <= budget:
        return ModeFit(mode, True, peak, count)
    ways = tuple(in_mode.ways_to_fit(budget, leave_out="untick", other_modes=False))
    fewer = None
    if mode in PARALLEL:
        for fewer_workers in range(workers - 1, 0, -1):
            if plan.replanned(mode=mode, workers=fewer_workers).estimate.peak_bytes <= budget:
                fewer = fewer_workers
                break
    return ModeFit(mode, False, peak, fewer, ways)
