"""Render one mockup: pure functions from the artwork and a template's images to the result.

Order: tint the product (colour variant), fit the artwork to the print's pixel size (one
high-quality resample), lay it on its substrate, place it (moved, warped in perspective,
wrapped round a cylinder, moved along fabric folds), multiply the shading, screen the
highlight, clip by the mask, composite. A wrapped edge goes on before the front.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

from mockups.geometry import (
    Box,
    Quad,
    Size,
    bounding_box,
    contain_box,
    cover_crop,
    perspective_coefficients,
    rect_quad,
)
from mockups.templates import Colour, Edge, Template

RESAMPLE = Image.Resampling.LANCZOS
WARP_RESAMPLE = Image.Resampling.BICUBIC
FOLD_DETAIL_BLUR = 3
FOLD_LIGHTING_BLUR = 40


@dataclass
class SceneImages:
    """A template's decoded images. Only the mask and height map are cropped to the print's
    box: shading and highlight also serve the wrapped edge, and the tint the whole product."""

    scene: Image.Image
    box: Box
    mask: Image.Image | None = None
    shading: Image.Image | None = None
    highlight: Image.Image | None = None
    height: Image.Image | None = None
    tint_mask: Image.Image | None = None


def load_scene_images(template: Template) -> SceneImages:
    box = bounding_box(template.quad, template.size)
    displacement = template.displacement
    return SceneImages(
        scene=_load_rgb(template.scene),
        box=box,
        mask=_load(template.mask, "L", box),
        shading=_load(template.shading, "L"),
        highlight=_load(template.highlight, "L"),
        height=_load(displacement.map, "L", box) if displacement else None,
        tint_mask=_load(template.variants.mask, "L") if template.tint else None,
    )


def _load_rgb(path: Path) -> Image.Image:
    """The decoded scene, converted only if it is not RGB already (a convert is a full copy)."""
    scene = Image.open(path)
    scene.load()
    if scene.mode == "RGB":
        return scene
    with scene:
        return scene.convert("RGB")


def _load(path: Path | None, mode: str, box: Box | None = None) -> Image.Image | None:
    if path is None:
        return None
    image = Image.open(path)
    image.load()
    if box is not None:
        with image:
            image = image.crop(box.as_tuple())
    return image if image.mode == mode else image.convert(mode)


def render_mockup(artwork: Image.Image, template: Template, images: SceneImages) -> Image.Image:
    """The finished mockup, RGB at the template's size. `images.scene` is drawn on in place."""
    scene = images.scene
    if template.tint is not None and images.tint_mask is not None:
        tint_product(scene, images.tint_mask, template.tint)
    fitted = fit_print(artwork, template.print_size, template.fit, template.substrate)
    if template.edge is not None:
        edge_box = bounding_box(template.edge.quad, template.size)
        edge = place_edge(fitted, template.edge, edge_box)
        composite(scene, edge, edge_box, images.shading, images.highlight)
    offsets = fold_offsets(template, images)
    placed = place_print(fitted, template, images.box, offsets)
    composite(scene, placed, images.box, images.shading, images.highlight, images.mask)
    return scene


def tint_product(scene: Image.Image, mask: Image.Image, colour: Colour) -> None:
    """Multiply the product (white in `mask`) by `colour`, keeping the scene's light and folds."""
    region = mask.getbbox()
    if region is None:
        return
    part = scene.crop(region)
    tinted = ImageChops.multiply(part, Image.new("RGB", part.size, colour))
    scene.paste(tinted, region[:2], mask.crop(region))


def fit_print(artwork: Image.Image, size: Size, fit: str, substrate: Colour | None) -> Image.Image:
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


def fold_offsets(template: Template, images: SceneImages):
    """Per-vertex shifts along the fabric's folds, or None for a template without them."""
    if template.displacement is None:
        return None
    from mockups.warps import displacement_offsets

    height = images.height
    if height is None:
        height = scene_relief(images.scene.crop(images.box.as_tuple()))
    return displacement_offsets(height, template.displacement.strength)


def scene_relief(scene_part: Image.Image) -> Image.Image:
    """The folds in a patch of scene: its fine light and shade without the broad lighting."""
    grey = scene_part.convert("L")
    detail = grey.filter(ImageFilter.GaussianBlur(FOLD_DETAIL_BLUR))
    lighting = grey.filter(ImageFilter.GaussianBlur(FOLD_LIGHTING_BLUR))
    return ImageChops.subtract(detail, lighting, offset=128)


def place_print(fitted: Image.Image, template: Template, box: Box, offsets=None) -> Image.Image:
    """The print as RGBA the size of `box`: moved there when flat, else warped.

    A one-pixel transparent border around the print lets the bicubic warp blend the print's
    edges into the scene instead of cutting them with stair steps.
    """
    if template.is_flat and fitted.size == box.size:
        return fitted
    padded = _padded(fitted)
    if template.cylinder is not None or offsets is not None:
        from mockups.warps import cylinder_map, perspective_map, warp_with_mesh

        inverse = (
            cylinder_map(template.cylinder, fitted.size)
            if template.cylinder is not None
            else perspective_map(template.quad, fitted.size)
        )
        return warp_with_mesh(padded, box, inverse, offsets)
    return warp_quad(padded, template.quad, box)


def place_edge(fitted: Image.Image, edge: Edge, box: Box) -> Image.Image:
    """The print's border strip, mirrored as canvas wraps round its frame, on the side face."""
    width, height = fitted.size
    depth = min(edge.depth, width if edge.side in ("left", "right") else height)
    strips = {
        "right": ((width - depth, 0, width, height), Image.Transpose.FLIP_LEFT_RIGHT),
        "left": ((0, 0, depth, height), Image.Transpose.FLIP_LEFT_RIGHT),
        "bottom": ((0, height - depth, width, height), Image.Transpose.FLIP_TOP_BOTTOM),
        "top": ((0, 0, width, depth), Image.Transpose.FLIP_TOP_BOTTOM),
    }
    crop, flip = strips[edge.side]
    strip = fitted.crop(crop).transpose(flip)
    return warp_quad(_padded(strip), edge.quad, box)


def warp_quad(padded: Image.Image, quad: Quad, box: Box) -> Image.Image:
    local = tuple((x - box.left, y - box.top) for x, y in quad)
    source = rect_quad(1, 1, padded.width - 2, padded.height - 2)
    coefficients = perspective_coefficients(local, source)
    return padded.transform(box.size, Image.Transform.PERSPECTIVE, coefficients, WARP_RESAMPLE)


def composite(
    scene: Image.Image,
    placed: Image.Image,
    box: Box,
    shading: Image.Image | None,
    highlight: Image.Image | None,
    mask: Image.Image | None = None,
) -> None:
    """Light the placed print with the scene's shading and highlight, then lay it in `box`."""
    colour, alpha = _split_alpha(placed)
    region = box.as_tuple()
    if shading is not None:
        colour = ImageChops.multiply(colour, shading.crop(region).convert("RGB"))
    if highlight is not None:
        colour = ImageChops.screen(colour, highlight.crop(region).convert("RGB"))
    if mask is not None:
        alpha = mask if alpha is None else ImageChops.multiply(alpha, mask)
    scene.paste(colour, box.origin, alpha)


def _padded(image: Image.Image) -> Image.Image:
    padded = Image.new("RGBA", (image.width + 2, image.height + 2), (0, 0, 0, 0))
    padded.paste(image, (1, 1))
    return padded


def _split_alpha(image: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    """Colour and coverage; no coverage image at all when the print is opaque everywhere."""
    if image.mode == "RGBA":
        return image.convert("RGB"), image.getchannel("A")
    return image, None
