"""Custom templates from a scene photo: four corners, light from the photo, save, use at once.

The photo is scaled to Etsy's full size (3000 px on the long side) and the corners with it;
the folder written is an ordinary template, validated by the same loader as the built-ins.
For a photo of a blank product, `photo_light` turns the photo's own light inside the print
area into `shading` and `highlight`, so the print takes the product's folds, gloss and
shadows.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from mockups.artwork.imagefile import TEMPLATE_LAYER_LIMITS, decode_image
from mockups.artwork.intake import load_artwork
from mockups.authoring.folder import publish, slug, staged_template, write_manifest
from mockups.errors import TemplateError
from mockups.geometry import Quad, as_quad, bounding_box, quad_problem, scaled_to_long_side
from mockups.render.backdrop import save_scene
from mockups.templates.library import user_templates_dir
from mockups.templates.model import MIN_LONG_SIDE, MIN_SHORT_SIDE, Template

THUMBNAIL_SIDE = 400
# The print's own light is measured against this percentile of the print area's luminance:
# brighter than it becomes highlight, darker becomes shading.
LIGHT_REFERENCE_PERCENTILE = 60

__all__ = [
    "CustomTemplate",
    "PhotoLight",
    "corners_problem",
    "photo_light",
    "preview_custom_template",
    "save_custom_template",
    "slug",
    "user_templates_dir",
]


@dataclass(frozen=True)
class CustomTemplate:
    """What a user gives: a scene photo, the print's corners on it, and how to call it.

    `light` from 0 to 1: how strongly the photo's own light inside the print area shades and
    highlights the print (0: the print lies flat on the photo).
    """

    name: str
    product: str
    scene: Path
    corners: Quad
    fit: str = "cover"
    mask: Path | None = None
    light: float = 0.0
    template_id: str | None = None


@dataclass(frozen=True)
class PhotoLight:
    """Full-size greyscale layers: multiplied into the print, and screened over it."""

    shading: Image.Image
    highlight: Image.Image


def photo_light(scene: Image.Image, quad: Quad, strength: float) -> PhotoLight:
    """The photo's luminance inside the print area, split into shade and shine.

    Against the area's reference luminance `r`: shading is `y / r` (darker folds and
    shadows), highlight `(y - r) / (255 - r)` (gloss); `strength` scales both from none.
    """
    strength = min(max(strength, 0.0), 1.0)
    box = bounding_box(quad, scene.size)
    inside = Image.new("L", box.size, 0)
    ImageDraw.Draw(inside).polygon([(x - box.left, y - box.top) for x, y in quad], fill=255)
    covered = np.asarray(inside) > 0
    luma = np.asarray(scene.crop(box.as_tuple()).convert("L"), dtype=np.float32)
    reference = (
        float(np.percentile(luma[covered], LIGHT_REFERENCE_PERCENTILE)) if covered.any() else 255.0
    )
    reference = min(max(reference, 1.0), 254.0)
    shade = 1 - strength * (1 - np.minimum(luma / reference, 1))
    shine = strength * np.clip((luma - reference) / (255 - reference), 0, 1)
    shading = Image.new("L", scene.size, 255)
    highlight = Image.new("L", scene.size, 0)
    shading.paste(Image.fromarray(np.round(shade * 255).astype(np.uint8), "L"), box.origin)
    highlight.paste(Image.fromarray(np.round(shine * 255).astype(np.uint8), "L"), box.origin)
    return PhotoLight(shading, highlight)


def corners_problem(corners: Quad) -> str | None:
    """One line on why the print cannot have these corners (crossed, anticlockwise, folded in,
    flat), or None: `mockups.geometry.quad_problem`, as the library checks a manifest's."""
    problem = quad_problem(corners)
    return None if problem is None else f"The print's corners: {problem}."


def save_custom_template(spec: CustomTemplate, root: Path | None = None) -> Template:
    """Write `spec` as a template folder under `root` (user templates) and load it back; its
    corners are checked before anything is decoded."""
    problem = corners_problem(spec.corners)
    if problem is not None:
        raise TemplateError(problem)
    root = root or user_templates_dir()
    scene = load_artwork(spec.scene).image.convert("RGB")
    size = scaled_to_long_side(scene.size, MIN_LONG_SIDE)
    if min(size) < MIN_SHORT_SIDE:
        raise TemplateError(
            f"{spec.scene.name}: the photo is too narrow; Etsy images need at least "
            f"{MIN_SHORT_SIDE / MIN_LONG_SIDE:.2f} of the long side on the short side"
        )
    scale = size[0] / scene.width
    corners = as_quad((round(x * scale, 2), round(y * scale, 2)) for x, y in spec.corners)
    scene = scene.resize(size, Image.Resampling.LANCZOS)
    with staged_template(root, spec.template_id or slug(spec.name)) as folder:
        save_scene(scene, folder / "scene.jpg")
        manifest = {
            "format": 1,
            "name": spec.name,
            "product": slug(spec.product),
            "size": list(size),
            "scene": "scene.jpg",
            "placement": {"type": "perspective", "corners": [list(c) for c in corners]},
            "fit": spec.fit,
            "thumbnail": "thumbnail.jpg",
        }
        if spec.mask is not None:
            with decode_image(spec.mask, TEMPLATE_LAYER_LIMITS, "the mask") as mask:
                mask.convert("L").resize(size, Image.Resampling.LANCZOS).save(folder / "mask.png")
            manifest["mask"] = "mask.png"
        if spec.light > 0:
            light = photo_light(scene, corners, spec.light)
            light.shading.save(folder / "shading.png")
            light.highlight.save(folder / "highlight.png")
            manifest.update(shading="shading.png", highlight="highlight.png")
        scene.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        scene.save(folder / "thumbnail.jpg", quality=85)
        write_manifest(folder, manifest)
        return publish(folder, root)


def preview_custom_template(spec: CustomTemplate, artwork: Path, side: int = 600) -> Image.Image:
    """`artwork` on the template `spec` would make, at most `side` px: nothing is kept."""
    from mockups.render.compose import render_mockup

    with tempfile.TemporaryDirectory(prefix="mockup-preview-") as root:
        template = save_custom_template(spec, Path(root))
        art = load_artwork(artwork, template.print_size)
        mockup = render_mockup(art.image, template).image()
    mockup.thumbnail((side, side), Image.Resampling.LANCZOS)
    return mockup
