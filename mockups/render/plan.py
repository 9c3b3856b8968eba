"""A render planned once: the artwork's header read, the templates resolved, the mode made
concrete, the size the artwork is decoded at and the peak memory estimated, in one place.

Choosing the mode, the estimate, the budget check, `render_run` and the Render page's advice
all take the same `RenderPlan` instead of each reading the header and resolving the templates
again; `replanned` tries another mode or number of workers without reading any file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from mockups.artwork.intake import ArtworkHeader, read_header
from mockups.geometry import Size
from mockups.options import RenderOptions
from mockups.render.budget import (
    MemoryEstimate,
    budget_bytes,
    choose_mode,
    estimate_peak,
    refusal,
)
from mockups.render.selection import required_artwork_size, resolve_templates
from mockups.templates.model import Template


@dataclass(frozen=True)
class RenderPlan:
    """One artwork on its templates: `options` in a concrete mode, `estimate` its peak."""

    header: ArtworkHeader
    templates: tuple[Template, ...]
    options: RenderOptions
    estimate: MemoryEstimate

    @property
    def mode(self) -> str:
        return self.options.mode

    @property
    def workers(self) -> int:
        """How many mockups render at once."""
        return self.estimate.concurrency

    @property
    def decoded_size(self) -> Size:
        return self.estimate.decoded_size

    @property
    def needed_size(self) -> Size:
        """The smallest artwork size every template's print is a reduction of."""
        return required_artwork_size(self.header.size, self.templates)

    def replanned(self, **changes: object) -> RenderPlan:
        """The same artwork and templates with other options (`mode`, `workers`, `fit`): no
        file is read again, an "auto" mode is chosen afresh."""
        options = self.options.with_changes(**changes)
        templates = self.templates
        if "fit" in changes and options.fit is not None:
            templates = tuple(replace(t, fit=options.fit) for t in templates)
        return _planned(self.header, templates, options)

    def without(self, template: Template) -> RenderPlan:
        """This plan with every mockup of `template` left out."""
        kept = tuple(t for t in self.templates if t.key != template.key)
        return _planned(self.header, kept, self.options)

    def heaviest(self) -> Template | None:
        """The template whose mockups cost this run the most memory (through its own size or
        the artwork size its print needs): leaving it out lowers the estimate most. None for
        a run of one template."""
        keys = {t.key: t for t in self.templates}
        if len(keys) < 2:
            return None
        return min(keys.values(), key=lambda t: self.without(t).estimate.peak_bytes)

    def ways_to_fit(
        self, budget: int | None = None, leave_out: str = "leave out", other_modes: bool = True
    ) -> list[str]:
        """What would bring this run within the budget, each with its estimate, for a person
        to choose from: render one mockup at a time (unless not `other_modes`), leave out the
        template that needs the most memory (`leave_out`: the verb, "untick" on a page), or
        fit every print with `contain` (which needs the artwork smaller)."""
        budget = budget_bytes() if budget is None else budget
        ways = []
        if other_modes and self.workers > 1:
            sequential = self.replanned(mode="sequential", workers=None).estimate
            if sequential.peak_bytes <= budget:
                ways.append(f"render sequentially (about {sequential.peak_mb:.0f} MB)")
        heaviest = self.heaviest()
        if heaviest is not None:
            lighter = self.without(heaviest).estimate
            if lighter.peak_bytes <= budget:
                ways.append(
                    f"{leave_out} {heaviest.name} ({heaviest.key}), which needs the most "
                    f"(about {lighter.peak_mb:.0f} MB without it)"
                )
        if any(t.fit != "contain" for t in self.templates):
            contained = self.replanned(fit="contain").estimate
            if contained.peak_bytes <= budget:
                ways.append(f"use fit contain (about {contained.peak_mb:.0f} MB)")
        return ways

    def check(self, budget: int | None = None) -> RenderPlan:
        """This plan, or `JobRefused` with one line (saying what would fit) when its estimate
        is over the budget."""
        budget = budget_bytes() if budget is None else budget
        if self.estimate.peak_bytes <= budget:
            return self
        refused = refusal(self.estimate, self.mode, budget, self.ways_to_fit(budget))
        assert refused is not None, "over the budget, so refused"
        raise refused


def plan_render(
    artwork: Path | str,
    options: RenderOptions | None = None,
    library: dict[str, Template] | None = None,
) -> RenderPlan:
    """Plan rendering `artwork` with `options`: its header is read (nothing is decoded) and the
    templates resolved from `library` (the installed ones when None), once."""
    options = options or RenderOptions()
    templates = tuple(resolve_templates(options, library))
    return _planned(read_header(Path(artwork)), templates, options)


def _planned(
    header: ArtworkHeader, templates: tuple[Template, ...], options: RenderOptions
) -> RenderPlan:
    concrete = choose_mode(header, templates, options)
    return RenderPlan(header, templates, concrete, estimate_peak(header, templates, concrete))


def check_budget(
    artwork: Path | str, options: RenderOptions, library: dict[str, Template] | None = None
) -> MemoryEstimate:
    """The run's estimate, or `JobRefused` with one line when it is over the budget."""
    return plan_render(artwork, options, library).check().estimate
