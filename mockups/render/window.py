"""The part of a template's scene a render changes, and the part it decodes and holds."""

from __future__ import annotations

from mockups.geometry import Box, bounding_box
from mockups.render.backdrop import backdrop_layout
from mockups.render.jpegsplice import window
from mockups.render.mockup import thumbnail_factor
from mockups.templates.model import Template

Bounds = tuple[int, int, int, int]


def changed_box(template: Template, tinted: Bounds | None = None) -> Box:
    """Where a render may change the scene (the print's box, a wrapped edge's, `tinted`: the
    box of the product a colour variant tints), widened by a thumbnail's cell:
    `Mockup.thumbnail` takes every cell it reduces from the window."""
    boxes = [bounding_box(template.quad, template.size).as_tuple()]
    if template.edge is not None:
        boxes.append(bounding_box(template.edge.quad, template.size).as_tuple())
    if tinted is not None:
        boxes.append(tinted)
    cell = thumbnail_factor(template.size)
    return Box(
        min(box[0] for box in boxes) - cell,
        min(box[1] for box in boxes) - cell,
        max(box[2] for box in boxes) + cell,
        max(box[3] for box in boxes) + cell,
    )


def held_scene_box(template: Template) -> Box:
    """The part of the scene a render of `template` decodes and holds, known from the
    scene's header alone: the window of a backdrop (see `backdrop`), else the whole scene;
    whole too for a product a colour variant tints (its box is known once its mask is
    decoded), which errs on the side of more."""
    layout = backdrop_layout(template.scene)
    if layout is None or layout.size != template.size or template.tint is not None:
        return Box(0, 0, *template.size)
    return window(layout, changed_box(template))
