"""The Templates page's actions: a template from a Photoshop mockup or from a scene photo and
four corners, previewed with an artwork. Each decodes images, so each holds one of the render
slots while it works, as a render does."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from dashboard.resources import render_slots
from mockups.authoring.photo import CustomTemplate as CustomTemplate
from mockups.authoring.photo import preview_custom_template, save_custom_template
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
