"""Which templates a run renders, and the artwork size every one of their prints can come from."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from mockups.geometry import Size, fit_scale
from mockups.options import RenderOptions
from mockups.templates.library import load_library, select_templates
from mockups.templates.model import Template


def resolve_templates(
    options: RenderOptions, library: dict[str, Template] | None = None
) -> list[Template]:
    """The run's templates, in order, with the run's fit where it sets one."""
    templates = options.templates
    if not isinstance(templates, str) and templates and isinstance(templates[0], Template):
        chosen = [t for t in templates if isinstance(t, Template)]
    else:
        ids = templates if isinstance(templates, str) else [str(t) for t in templates]
        if library is None:
            library = load_library(*(Path(folder) for folder in options.template_dirs))
        chosen = select_templates(library, ids)
    if options.fit is not None:
        chosen = [replace(t, fit=options.fit) for t in chosen]
    return chosen


def required_artwork_size(artwork_size: Size, templates: Sequence[Template]) -> Size:
    """The smallest artwork size from which every template's print is a reduction."""
    scale = max(fit_scale(artwork_size, t.print_size, t.fit) for t in templates)
    scale = min(1.0, scale)
    return (math.ceil(artwork_size[0] * scale), math.ceil(artwork_size[1] * scale))
