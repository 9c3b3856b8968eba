"""A planted leak, to see a leak investigation work: one template's canvas kept for good.

The leak notebook opens a run made with it when no run is named (`leak_demo_run`), so an
analyst sees the method find a real leak; the tests plant the same leak to check the
profiler. Its size is known (the canvas, 4 bytes a pixel) and so is the line that plants it
(`planting_location`): the profiler must report both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image

import mockups.render.run
from mockups.options import RenderOptions
from mockups.render.selection import resolve_templates
from profiling.results import ProfiledRun
from profiling.session import profile_in_process

KEPT: list[Image.Image] = []
PLANTING = "KEPT.append(canvas.drawn.copy())"


def planting_location() -> str:
    """`file:line` of the line that keeps the canvas, as memray reports an allocation site."""
    lines = Path(__file__).read_text().splitlines()
    number = next(n for n, line in enumerate(lines, start=1) if line.strip() == PLANTING)
    return f"{__file__}:{number}"


@contextmanager
def leak_on(template_key: str) -> Iterator[list[Image.Image]]:
    """While inside, rendering `template_key` in this process keeps a copy of its canvas in
    `KEPT`; on leaving, the engine renders as before and the copies are let go."""
    real_render = mockups.render.run.render_mockup

    def render_keeping_a_copy(artwork, template, *rest):
        canvas = real_render(artwork, template, *rest)
        if template.key == template_key:
            KEPT.append(canvas.drawn.copy())
        return canvas

    mockups.render.run.render_mockup = render_keeping_a_copy
    try:
        yield KEPT
    finally:
        mockups.render.run.render_mockup = real_render
        KEPT.clear()


def leak_demo_run(artwork: Path | str, out_dir: Path | str, templates: str) -> ProfiledRun:
    """A profiled run, one mockup after another in this process, in which the second of
    `templates` keeps a copy of its canvas: a leak of known size at `planting_location`."""
    chosen = resolve_templates(RenderOptions(templates=templates))
    planted = chosen[min(1, len(chosen) - 1)].key
    with leak_on(planted):
        return profile_in_process(artwork, out_dir, options=RenderOptions(templates=templates))
