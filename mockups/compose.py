"""Render one mockup: pure functions from the artwork and a template's images to the result.

Order: fit the artwork to the print's pixel size (one high-quality resample), lay it on its
substrate, warp it into the scene, multiply the shading, clip by the mask, composite.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops

from mockups.geometry import (
    Box,
    Size,
    bounding_box,
    contain_box,
    cover_crop,
    perspective_coefficients,
    rect_quad,
)
from mockups.templates import Template

RESAMPLE = Image.Resampling.LANCZOS
WARP_RESAMPLE = Image.Resampling.BICUBIC


@dataclass
class SceneImages:
    """A template's decoded images; mask and shading are cropped to the print's box."""

    scene: Image.Image
    box: Box
    mask: Image.Image | None = None
    shading: Image.Image | None = None


def load_scene_images(template: Template) -> SceneImages:
    box = bounding_box(template.quad, template.size)
    return SceneImages(
        scene=_load_rgb(template.scene),
        box=box,
        mask=_load_cropped(template.mask, box, "L"),
        shading=_load_cropped(template.shading, box, "RGB"),
    )


def _load_rgb(path: Path) -> Image.Image:
    """The decoded scene, converted only if it is not RGB already (a convert is a full copy)."""
    scene = Image.open(path)
    scene.load()
    if scene.mode == "RGB":
        return scene
    with scene:
        return scene.convert("RGB")


def _load_cropped(path: Path | None, box: Box, mode: str) -> Image.Image | None:
    if path is None:
        return None
    with Image.open(path) as image:
        return image.crop(box.as_tuple()).convert(mode)


def render_mockup(artwork: Image.Image, template: Template, images: SceneImages) -> Image.Image:
    """The finished mockup, RGB at the template's size. `images.scene` is drawn on in place."""
    fitted = fit_print(artwork, template.print_size, template.fit, template.substrate)
    placed = place_print(fitted, template, images.box)
    colour, alpha = _split_alpha(placed)
    if images.shading is not None:
        colour = ImageChops.multiply(colour, images.shading)
    if images.mask is not None:
        alpha = images.mask if alpha is None else ImageChops.multiply(alpha, images.mask)
    images.scene.paste(colour, images.box.origin, alpha)
    return images.scene


def fit_print(
    artwork: Image.Image, size: Size, fit: str, substrate: tuple[int, int, int] | None
) -> Image.Image:
    """The artwork at the print's size on its substrate: RGBA only where it stays see-through."""
    if fit == "cover":
        box = cover_crop(artwork.size, size)
        fitted = artwork.resize(size, RESAMPLE, box=box, reducing_gap=3.0)
    else:
        inner = contain_box(artwork.size, size)
        fitted = Image.new("RGBA", size, (0, 0, 0, 0))
        fitted.paste(artwork.resize(inner.size, RESAMPLE, reducing_gap=3.0), inner.origin)
    if substrate is None or fitted.mode != "RGBA":
        return fitted
    paper = Image.new("RGB", size, substrate)
    paper.paste(fitted, (0, 0), fitted)
    return paper


def place_print(fitted: Image.Image, template: Template, box: Box) -> Image.Image:
    """The print as RGBA the size of `box`: moved there when flat, warped when in perspective.

    A one-pixel transparent border around the print lets the bicubic warp blend the print's
    edges into the scene instead of cutting them with stair steps.
    """
    if template.is_flat and fitted.size == box.size:
        return fitted
    padded = Image.new("RGBA", (fitted.width + 2, fitted.height + 2), (0, 0, 0, 0))
    padded.paste(fitted, (1, 1))
    local = tuple((x - box.left, y - box.top) for x, y in template.quad)
    source = rect_quad(1, 1, fitted.width, fitted.height)
    coefficients = perspective_coefficients(local, source)
    return padded.transform(box.size, Image.Transform.PERSPECTIVE, coefficients, WARP_RESAMPLE)


def _split_alpha(image: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    """Colour and coverage; no coverage image at all when the print is opaque everywhere."""
    if image.mode == "RGBA":
        return image.convert("RGB"), image.getchannel("A")
    return image, None
