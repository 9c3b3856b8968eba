"""A planted leak for the profiler's tests: a copy of one template's canvas kept for good.

Its size is known (the canvas, 4 bytes a pixel) and so is the line that plants it, so a
test can check that the profiler reports both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

import mockups.render.run

KEPT: list[Image.Image] = []
PLANTING = "KEPT.append(canvas.copy())"


def planting_location() -> str:
    """`file:line` of the line that keeps the canvas, as memray reports an allocation site."""
    lines = Path(__file__).read_text().splitlines()
    number = next(n for n, line in enumerate(lines, start=1) if line.strip() == PLANTING)
    return f"{__file__}:{number}"


@contextmanager
def leak_on(monkeypatch: pytest.MonkeyPatch, template_key: str) -> Iterator[list[Image.Image]]:
    """While inside, rendering `template_key` keeps a copy of its canvas in `KEPT`."""
    real_render = mockups.render.run.render_mockup

    def render_keeping_a_copy(artwork, template, images, *rest):
        canvas = real_render(artwork, template, images, *rest)
        if template.key == template_key:
            KEPT.append(canvas.copy())
        return canvas

    monkeypatch.setattr(mockups.render.run, "render_mockup", render_keeping_a_copy)
    try:
        yield KEPT
    finally:
        KEPT.clear()
