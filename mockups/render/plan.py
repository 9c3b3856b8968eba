"""A render planned once: the artwork's header read, the templates resolved, the mode made
concrete, the size the artwork is decoded at and the peak memory estimated, in one place.

Choosing the mode, the estimate, the budget check, `render_run` and the Render page's advice
all take the same `RenderPlan` instead of each reading the header and resolving the templates
again; `replanned` tries another mode or number of workers without reading any file.
"""

from __future__ import annotations

from dataclasses import dataclass
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
        """The same artwork and templates with other options (`mode`, `workers`): no file is
        read again, an "auto" mode is chosen afresh."""
        return _planned(self.header, self.templates, self.options.with_changes(**changes))

    def check(self, budget: int | None = None) -> RenderPlan:
        """This plan, or `JobRefused` with one line when its estimate is over the budget."""
        refused = refusal(self.estimate, self.mode, budget_bytes() if budget is None else budget)
        if refused is not None:
            raise refused
        return self


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
