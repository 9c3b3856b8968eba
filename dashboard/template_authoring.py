"""The Templates page's actions: a template from a Photoshop mockup or from a scene photo and
four corners, previewed with an artwork. Each decodes images, so each holds one of the render
slots while it works, as a render does. And where a click on the photo puts a corner."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from dashboard.resources import render_slots
from mockups.authoring.photo import CustomTemplate as CustomTemplate
from mockups.authoring.photo import corners_problem as corners_problem
from mockups.authoring.photo import preview_custom_template, save_custom_template
from mockups.geometry import Point
from mockups.geometry import Quad as Quad
from mockups.templates.library import BUILT_IN, LibraryEntry
from mockups.templates.model import Template


def import_psd_template(
    psd: Path, layer_name: str | None, template_id: str | None, artwork: Path
) -> tuple[Template, list[str], Image.Image]:
    """The PSD imported as a user template, its import warnings, and `artwork` on it."""
    from mockups.psd.importer import import_psd, preview_import  # psd-tools only when asked

    with render_slots().slot():
        result = import_psd(psd, layer_name=layer_name, template_id=template_id)
        preview = preview_import(result, artwork)
    return result.template, result.warnings, preview


def preview_photo_template(spec: CustomTemplate, artwork: Path) -> Image.Image:
    """`artwork` on the template `spec` would make; nothing is kept."""
    with render_slots().slot():
        return preview_custom_template(spec, artwork)


def save_photo_template(spec: CustomTemplate) -> Template:
    """`spec` saved as a user template, loaded back."""
    return save_custom_template(spec)


def whose(entry: LibraryEntry) -> str:
    """How the library names where a template comes from: built-in, or yours."""
    return "built-in" if entry.source == BUILT_IN else "yours"


def after_click(corners: Quad, placed: int, point: Point) -> tuple[Quad, int]:
    """The corners and how many of them are placed after a click at `point`: the first four
    clicks place the corners in order (top left, top right, bottom right, bottom left), each
    later one moves the corner nearest to it."""
    index = placed if placed < 4 else min(range(4), key=lambda i: _distance(corners[i], point))
    moved = list(corners)
    moved[index] = point
    a, b, c, d = moved
    return (a, b, c, d), min(placed + 1, 4)


def _distance(a: Point, b: Point) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
