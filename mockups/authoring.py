"""Custom templates from a scene photo: place four corners, save, use at once.

The photo is scaled to Etsy's full size (3000 px on the long side) and the corners with it;
the folder written is an ordinary template, validated by the same loader as the built-ins.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from mockups.errors import TemplateError
from mockups.geometry import Quad, scaled_to_long_side
from mockups.intake import load_artwork
from mockups.storage import data_dir
from mockups.templates import MIN_LONG_SIDE, MIN_SHORT_SIDE, Template, load_template

THUMBNAIL_SIDE = 400


@dataclass(frozen=True)
class CustomTemplate:
    """What a user gives: a scene photo, the print's corners on it, and how to call it."""

    name: str
    product: str
    scene: Path
    corners: Quad
    fit: str = "cover"
    mask: Path | None = None


def user_templates_dir() -> Path:
    return data_dir() / "templates"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "template"


def save_custom_template(spec: CustomTemplate, root: Path | None = None) -> Template:
    """Write `spec` as a template folder under `root` (user templates) and load it back."""
    root = root or user_templates_dir()
    scene = load_artwork(spec.scene).image.convert("RGB")
    size = scaled_to_long_side(scene.size, MIN_LONG_SIDE)
    if min(size) < MIN_SHORT_SIDE:
        raise TemplateError(
            f"{spec.scene.name}: the photo is too narrow; Etsy images need at least "
            f"{MIN_SHORT_SIDE / MIN_LONG_SIDE:.2f} of the long side on the short side"
        )
    scale = size[0] / scene.width
    corners = [[round(x * scale, 2), round(y * scale, 2)] for x, y in spec.corners]
    with tempfile.TemporaryDirectory(dir=_ensure(root)) as staging:
        folder = Path(staging) / slug(spec.name)
        folder.mkdir()
        scene.resize(size, Image.Resampling.LANCZOS).save(folder / "scene.jpg", quality=90)
        manifest = {
            "format": 1,
            "name": spec.name,
            "product": slug(spec.product),
            "size": list(size),
            "scene": "scene.jpg",
            "placement": {"type": "perspective", "corners": corners},
            "fit": spec.fit,
            "thumbnail": "thumbnail.jpg",
        }
        if spec.mask is not None:
            with Image.open(spec.mask) as mask:
                mask.convert("L").resize(size, Image.Resampling.LANCZOS).save(folder / "mask.png")
            manifest["mask"] = "mask.png"
        thumbnail = scene.copy()
        thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        thumbnail.save(folder / "thumbnail.jpg", quality=85)
        (folder / "template.json").write_text(json.dumps(manifest, indent=2) + "\n")
        load_template(folder)
        destination = root / folder.name
        if destination.exists():
            raise TemplateError(f"a template named '{folder.name}' exists already")
        shutil.move(str(folder), destination)
    return load_template(destination)


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def preview_custom_template(spec: CustomTemplate, artwork: Path, side: int = 600) -> Image.Image:
    """`artwork` on the template `spec` would make, at most `side` px: nothing is kept."""
    from mockups.compose import load_scene_images, render_mockup

    with tempfile.TemporaryDirectory(prefix="mockup-preview-") as root:
        template = save_custom_template(spec, Path(root))
        art = load_artwork(artwork, template.print_size)
        mockup = render_mockup(art.image, template, load_scene_images(template))
    mockup.thumbnail((side, side), Image.Resampling.LANCZOS)
    return mockup
