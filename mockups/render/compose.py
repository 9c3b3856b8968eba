"""Render one mockup: pure functions from the artwork and a template's images to the result.

Order: fit the artwork to the print's pixel size (one high-quality resample), lay it on its
substrate, place it (moved, warped in perspective, wrapped round a cylinder, moved along
fabric folds, mapped through a print map); then decode the scene, tint the product (colour
variant), and for each placed part multiply the shading, screen the highlight, clip by the
mask, composite. A wrapped edge goes on before the front.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

from mockups.artwork.imagefile import TEMPLATE_LAYER_LIMITS, decode_image
from mockups.artwork.pixels import Pixels, resized, resized_premultiplied
from mockups.geometry import (
    Box,
    Quad,
    Size,
    as_quad,
    bounding_box,
    contain_box,
    cover_crop,
    perspective_coefficients,
    rect_quad,
)
from mockups.templates.model import Colour, Edge, Template

WARP_RESAMPLE = Image.Resampling.BICUBIC
FOLD_DETAIL_BLUR = 3
FOLD_LIGHTING_BLUR = 40


@dataclass
class Lighting:
    """Shading and highlight cropped to one region of the scene (the print's box, an edge)."""

    box: Box
    shading: Image.Image | None = None
    highlight: Image.Image | None = None


@dataclass
class SceneImages:
    """A template's layers that act on the print, each cropped to the part of the scene it
    acts on. The scene itself is decoded once the print is placed (see `render_mockup`)."""

    box: Box
    front: Lighting
    edge: Lighting | None = None
    mask: Image.Image | None = None
    height: Image.Image | None = None


def load_scene_images(template: Template) -> SceneImages:
    box = bounding_box(template.quad, template.size)
    displacement = template.displacement
    edge = template.edge
    return SceneImages(
        box=box,
        front=_lighting(template, box),
        edge=_lighting(template, bounding_box(edge.quad, template.size)) if edge else None,
        mask=_load(template.mask, "L", box),
        height=_load(displacement.map, "L", box) if displacement else None,
    )


def load_scene(template: Template) -> Image.Image:
    """The decoded scene, RGB, its product tinted to the template's colour variant."""
    scene = _load_rgb(template.scene)
    if template.tint is not None and template.variants is not None:
        tint_product(scene, _load_layer(template.variants.mask, "L"), template.tint)
    return scene


def _lighting(template: Template, box: Box) -> Lighting:
    return Lighting(box, _load(template.shading, "L", box), _load(template.highlight, "L", box))


def _load_rgb(path: Path) -> Image.Image:
    """The decoded scene, converted only if it is not RGB already (a convert is a full copy)."""
    scene = decode_image(path, TEMPLATE_LAYER_LIMITS, f"{path.parent.name}/{path.name}")
    if scene.mode == "RGB":
        return scene
    with scene:
        return scene.convert("RGB")


def _load(path: Path | None, mode: str, box: Box | None = None) -> Image.Image | None:
    return None if path is None else _load_layer(path, mode, box)


def _load_layer(path: Path, mode: str, box: Box | None = None) -> Image.Image:
    image = decode_image(path, TEMPLATE_LAYER_LIMITS, f"{path.parent.name}/{path.name}")
    if box is not None and image.size != box.size:  # else stored cropped to the box already
        with image:
            image = image.crop(box.as_tuple())
    return image if image.mode == mode else image.convert(mode)


def render_mockup(
    artwork: Image.Image | Pixels,
    template: Template,
    images: SceneImages,
    mapping_threads: int = 1,
) -> Image.Image:
    """The finished mockup, RGB at the template's size.

    The scene is decoded after the print is placed, so the scene (the run's largest image)
    and the print's working copies are not held at once. `mapping_threads`: how many threads
    map the print through a print map.
    """
    if _mapped_from_artwork(template, artwork):
        # handed over (list.pop), so composite frees the placed print once it is split
        placed = [place_mapped(artwork, template, images.box, mapping_threads)]
        mockup = load_scene(template)
        composite(mockup, placed.pop(), images.front, images.mask)
        return mockup
    # folds found in the scene's own light need it before the print is placed
    scene = load_scene(template) if _relief_from_scene(template, images) else None
    fitted = fit_print(artwork, template.print_size, template.fit, template.substrate)
    if not (template.is_flat and fitted.size == images.box.size):
        handed = [fitted]  # handed over, so the print is not held a third time while framed
        del fitted
        fitted = framed(handed.pop())
    edge = None
    if template.edge is not None and images.edge is not None:
        edge = place_edge(fitted, template.edge, images.edge.box)
    offsets = fold_offsets(template, images, scene)
    # Hand each print over (list.pop) so the callee holds the only reference and the ~10 MB
    # buffer is freed as soon as it is used, not when this function returns.
    handed = [fitted]
    del fitted
    handed = [place_print(handed.pop(), template, images.box, offsets, mapping_threads)]
    if scene is None:
        scene = load_scene(template)
    if edge is not None and images.edge is not None:
        composite(scene, edge, images.edge)
        del edge
    composite(scene, handed.pop(), images.front, images.mask)
    return scene


def _mapped_from_artwork(template: Template, artwork: Image.Image | Pixels) -> bool:
    """Whether the print is fitted, framed and mapped in libvips alone (`place_mapped`):
    a print map with no wrapped edge, and no substrate that would show through the print."""
    if template.uvmap is None or template.edge is not None:
        return False
    see_through = template.fit != "cover" or artwork.mode != "RGB"
    return template.substrate is None or not see_through


def place_mapped(
    artwork: Image.Image | Pixels, template: Template, box: Box, threads: int = 1
) -> Image.Image:
    """The artwork fitted to the print and mapped into `box` through the template's print
    map, as straight RGBA: the same print as `fit_print`, `framed` and `uvmap.place_print`,
    made in one libvips pipeline without Pillow's three copies of it."""
    from mockups.templates import uvmap

    assert template.uvmap is not None, "only print-map templates come this far"
    pixels = artwork if isinstance(artwork, Pixels) else Pixels.of(artwork)
    return uvmap.place_framed(
        lambda: framed_premultiplied(pixels, template.print_size, template.fit),
        template.uvmap,
        box,
        threads,
    )


def framed_premultiplied(pixels: Pixels, size: Size, fit: str):
    """A libvips image (not yet computed) of the print fitted as `fit_print` fits it, in
    premultiplied RGBA, in a one-pixel transparent frame (see `framed`)."""
    if fit == "cover":
        left, top, right, bottom = (round(side) for side in cover_crop(pixels.size, size))
        image = resized_premultiplied(pixels, size, (left, top, right, bottom))
        origin = (0, 0)
    else:
        inner = contain_box(pixels.size, size)
        image, origin = resized_premultiplied(pixels, inner.size), inner.origin
    left, top = origin
    return image.embed(
        left + 1, top + 1, size[0] + 2, size[1] + 2, extend="background", background=[0] * 4
    )


def tint_product(scene: Image.Image, mask: Image.Image, colour: Colour) -> None:
    """Multiply the product (white in `mask`) by `colour`, keeping the scene's light and folds."""
    region = mask.getbbox()
    if region is None:
        return
    part = scene.crop(region)
    tinted = ImageChops.multiply(part, Image.new("RGB", part.size, colour))
    scene.paste(tinted, region[:2], mask.crop(region))


def fit_print(
    artwork: Image.Image | Pixels, size: Size, fit: str, substrate: Colour | None
) -> Image.Image:
    """The artwork at the print's size on its substrate: RGBA only where it stays see-through."""
    pixels = artwork if isinstance(artwork, Pixels) else Pixels.of(artwork)
    if fit == "cover":
        left, top, right, bottom = (round(side) for side in cover_crop(pixels.size, size))
        fitted = resized(pixels, size, (left, top, right, bottom))
    else:
        inner = contain_box(pixels.size, size)
        fitted = Image.new("RGBA", size, (0, 0, 0, 0))
        fitted.paste(resized(pixels, inner.size), inner.origin)
    if substrate is None or fitted.mode != "RGBA":
        return fitted
    paper = Image.new("RGB", size, substrate)
    paper.paste(fitted, (0, 0), fitted)
    return paper


def _relief_from_scene(template: Template, images: SceneImages) -> bool:
    return template.displacement is not None and images.height is None


def fold_offsets(template: Template, images: SceneImages, scene: Image.Image | None):
    """Per-vertex shifts along the fabric's folds, or None for a template without them.

    `scene`: the decoded scene, for a template whose folds are read from its light.
    """
    if template.displacement is None:
        return None
    from mockups.render.warps import displacement_offsets

    height = images.height
    if height is None:
        assert scene is not None, "render_mockup decodes the scene first for these"
        height = scene_relief(scene.crop(images.box.as_tuple()))
    return displacement_offsets(height, template.displacement.strength)


def scene_relief(scene_part: Image.Image) -> Image.Image:
    """The folds in a patch of scene: its fine light and shade without the broad lighting."""
    grey = scene_part.convert("L")
    detail = grey.filter(ImageFilter.GaussianBlur(FOLD_DETAIL_BLUR))
    lighting = grey.filter(ImageFilter.GaussianBlur(FOLD_LIGHTING_BLUR))
    return ImageChops.subtract(detail, lighting, offset=128)


def place_print(
    print_: Image.Image, template: Template, box: Box, offsets=None, mapping_threads: int = 1
) -> Image.Image:
    """The print as an image the size of `box`: moved there when flat, else warped.

    A print to warp comes framed (see `framed`); the result is then premultiplied RGBa, or
    straight RGBA from a print map.
    """
    if template.is_flat and print_.size == box.size:
        return print_
    if template.uvmap is not None:
        from mockups.templates import uvmap

        handed = [print_]  # handed over, so libvips' copy can replace it rather than join it
        del print_
        return uvmap.place_print(handed.pop(), template.uvmap, box, mapping_threads)
    if template.cylinder is not None or offsets is not None:
        from mockups.render import warps

        inner = (print_.width - 2, print_.height - 2)
        if offsets is not None:
            inverse = (
                warps.cylinder_map(template.cylinder, inner)
                if template.cylinder is not None
                else warps.perspective_map(template.quad, inner)
            )
            return warps.warp_with_mesh(print_, box, inverse, warps.FOLD_CELL, offsets)
        assert template.cylinder is not None, "without offsets only a cylinder comes this far"
        inverse = warps.cylinder_map(template.cylinder, inner)
        return warps.warp_with_mesh(print_, box, inverse, warps.CYLINDER_CELL)
    return warp_quad(print_, template.quad, box)


def place_edge(framed_print: Image.Image, edge: Edge, box: Box) -> Image.Image:
    """The print's border strip, mirrored as canvas wraps round its frame, on the side face."""
    width, height = framed_print.width - 2, framed_print.height - 2
    depth = min(edge.depth, width if edge.side in ("left", "right") else height)
    strips = {
        "right": ((width - depth, 0, width, height), Image.Transpose.FLIP_LEFT_RIGHT),
        "left": ((0, 0, depth, height), Image.Transpose.FLIP_LEFT_RIGHT),
        "bottom": ((0, height - depth, width, height), Image.Transpose.FLIP_TOP_BOTTOM),
        "top": ((0, 0, width, depth), Image.Transpose.FLIP_TOP_BOTTOM),
    }
    (left, top, right, bottom), flip = strips[edge.side]
    strip = framed_print.crop((left + 1, top + 1, right + 1, bottom + 1)).transpose(flip)
    return warp_quad(framed(strip), edge.quad, box)


def warp_quad(padded: Image.Image, quad: Quad, box: Box) -> Image.Image:
    local = as_quad((x - box.left, y - box.top) for x, y in quad)
    source = rect_quad(1, 1, padded.width - 2, padded.height - 2)
    coefficients = perspective_coefficients(local, source)
    return padded.transform(box.size, Image.Transform.PERSPECTIVE, coefficients, WARP_RESAMPLE)


def composite(
    scene: Image.Image, placed: Image.Image, light: Lighting, mask: Image.Image | None = None
) -> None:
    """Light the placed print with the region's shading and highlight, then lay it in place.

    Lit band by band: the shading and highlight stay single-band, and one band at a time is
    added beside the print (an RGB image is four bytes a pixel in Pillow, a band one).
    """
    colour, alpha = _split_bands(placed)
    del placed
    for light_layer, blend in (
        (light.shading, ImageChops.multiply),
        (light.highlight, ImageChops.screen),
    ):
        if light_layer is not None:
            for index, band in enumerate(colour):
                colour[index] = blend(band, light_layer)
                del band
    if mask is not None:
        alpha = mask if alpha is None else ImageChops.multiply(alpha, mask)
    merged = Image.merge("RGB", colour)
    colour.clear()
    scene.paste(merged, light.box.origin, alpha)


def framed(image: Image.Image) -> Image.Image:
    """`image` premultiplied, in a one-pixel transparent frame, ready to warp.

    The frame lets the bicubic warp blend the print's edges into the scene instead of
    cutting them with stair steps; premultiplied ("RGBa") already, so Pillow's warps need
    not convert it there and back.
    """
    size = (image.width + 2, image.height + 2)
    # converted first and let go (when the caller handed its only reference over), so the
    # print is held twice at most: paste would convert an RGB image to RGBa all the same
    premultiplied = image.convert("RGBa")
    del image
    padded = Image.new("RGBa", size, (0, 0, 0, 0))
    padded.paste(premultiplied, (1, 1))
    return padded


def _split_bands(image: Image.Image) -> tuple[list[Image.Image], Image.Image | None]:
    """Red, green and blue, and the coverage (None when the print is opaque everywhere)."""
    if image.mode == "RGBa":
        image = image.convert("RGBA")
    bands = list(image.split())
    alpha = bands.pop() if image.mode == "RGBA" else None
    return bands, alpha
