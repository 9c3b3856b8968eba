"""Render one mockup: pure functions from the artwork and a template's images to the result.

Order: fit the artwork to the print's pixel size (one high-quality resample), lay it on its
substrate, place it (moved, warped in perspective, wrapped round a cylinder, moved along
fabric folds, mapped through a print map); then decode the scene (of a scene that is a
`backdrop`, only the window round the print: beyond it the mockup is the scene's own JPEG,
see `mockup.Mockup`), take the print's light from it when the scene is the shading, tint the
product (colour variant), and for each placed part print its ink, multiply the shading (or,
with a reflection, light the print by both in linear light), screen the highlight, clip by
the mask, composite. A wrapped edge goes on before the front.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
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
    fit_scale,
    perspective_coefficients,
    rect_quad,
)
from mockups.memory import rows_in_a_heap_block
from mockups.render.backdrop import read_backdrop
from mockups.render.grain import with_grain_under_ink
from mockups.render.grain_cache import cached_grain_planes
from mockups.render.helpers import first_and_then
from mockups.render.inklight import ink_curve, lit_with_reflection
from mockups.render.jpegsplice import window
from mockups.render.layer_cache import cached_layer
from mockups.render.mockup import Mockup
from mockups.render.window import changed_box
from mockups.templates.model import Colour, Edge, SafeArea, Template

WARP_RESAMPLE = Image.Resampling.BICUBIC
FOLD_DETAIL_BLUR = 3
FOLD_LIGHTING_BLUR = 40
BLEED = 0.05  # of each side: the artwork's border a template's safe area may crop
EDGE_SLACK = 0.02  # a safe area's side this near the print's edge is the print's edge
GREY_MODES = ("1", "L", "LA", "I", "I;16", "F")
# rows a strip at most, whether one thread lays them or two: each mockup rendering side by
# side holds a strip's working copies, and with 256 rows studio-10 auto peaked 13 MB higher
# (142 against 129 MB) and ran no faster. A print wider than 1536 px has fewer, so that a
# strip's RGBA copy stays a heap block (`rows_in_a_heap_block`)
COMPOSITE_ROWS = 128
# the largest print whose scene is decoded beside its mapping (`_mapped_and_scene`): every
# product template's (pillow's 2.9 MP the largest, its scene beside it 5 MB more), no zoom's
SCENE_BESIDE_PRINT_PIXELS = 3_000_000


@dataclass
class Lighting:
    """Shading, reflection and highlight cropped to one region of the scene (the print's box,
    an edge). Shading and reflection are "L" or "RGB"; a template lit by its scene gets its
    shading when the scene is decoded."""

    box: Box
    shading: Image.Image | None = None
    highlight: Image.Image | None = None
    reflection: Image.Image | None = None
    shading_origin: tuple[int, int] = (0, 0)  # where `box` lies in `shading`


@dataclass
class SceneImages:
    """A template's layers that act on the print, each cropped to the part of the scene it
    acts on, for one render: the scene itself is decoded once the print is placed (see
    `render_mockup`), and `composite` lets go of the shading once it has lit the print."""

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


def load_scene(template: Template, images: SceneImages | None = None) -> Mockup:
    """The mockup to draw on: its scene decoded, RGB, the product tinted to the template's
    colour variant. Only the part the render changes is decoded from a scene that is a
    backdrop (see `backdrop`); any other scene, whole.

    For a template lit by its scene, `images` take their shading from it first: the light of
    the blank product, before any tint (a navy shirt's print is not printed navy)."""
    tint, variants = template.tint, template.variants
    tint_mask = _load_layer(variants.mask, "L") if tint and variants else None
    scene = _scene_canvas(template, tint_mask.getbbox() if tint_mask else None)
    if images is not None and template.lit_by_scene:
        lights = [light for light in (images.front, images.edge) if light is not None]
        changes = tint_mask is not None or len(lights) > 1
        for light in lights:
            if changes:  # the scene changes before this light is used
                light.shading = scene.crop(light.box.as_tuple())
            else:  # read a strip at a time as the print is composited into the scene
                left, top = scene.part.origin
                light.shading = scene.drawn
                light.shading_origin = (light.box.left - left, light.box.top - top)
    if tint and tint_mask is not None:
        tint_product(scene, tint_mask, tint)
    return scene


def _scene_canvas(template: Template, tinted: tuple[int, int, int, int] | None) -> Mockup:
    """The scene as a `Mockup` to draw on: the window of its backdrop that holds every part
    the render changes (`tinted`: the box of the product a colour variant tints), else the
    whole scene."""
    path = template.scene
    backdrop = read_backdrop(path, f"{path.parent.name}/{path.name}")
    if backdrop is None or backdrop.scan.size != template.size:
        return Mockup.whole(_load_rgb(path))
    part = window(backdrop.scan, changed_box(template, tinted))
    return Mockup(backdrop.decoded(part), part, template.size, backdrop)


def _lighting(template: Template, box: Box) -> Lighting:
    shading = None if template.lit_by_scene else _load_light(template.shading, box)
    return Lighting(
        box,
        shading=shading,
        highlight=_load(template.highlight, "L", box),
        reflection=_load_light(template.reflection, box),
    )


def _load_light(path: Path | None, box: Box) -> Image.Image | None:
    """A shading or reflection layer: greyscale kept as one band, anything else as RGB."""
    if path is None:
        return None
    return cached_layer(path, "light", box, lambda: _decoded_light(path, box))


def _decoded_light(path: Path, box: Box) -> Image.Image:
    layer = _load_layer(path, None, box)
    return (
        layer
        if layer.mode in ("L", "RGB")
        else _converted(layer, "L" if layer.mode in GREY_MODES else "RGB")
    )


def _converted(image: Image.Image, mode: str) -> Image.Image:
    with image:
        return image.convert(mode)


def _load_rgb(path: Path) -> Image.Image:
    """The decoded scene, converted only if it is not RGB already (a convert is a full copy)."""
    scene = decode_image(path, TEMPLATE_LAYER_LIMITS, f"{path.parent.name}/{path.name}")
    if scene.mode == "RGB":
        return scene
    with scene:
        return scene.convert("RGB")


def _load(path: Path | None, mode: str, box: Box) -> Image.Image | None:
    """A layer cropped to `box`, in `mode`, read from the cache when it holds it."""
    if path is None:
        return None
    return cached_layer(path, mode, box, lambda: _load_layer(path, mode, box))


def _load_layer(path: Path, mode: str | None, box: Box | None = None) -> Image.Image:
    """A layer cropped to `box`, in `mode` (None: as stored)."""
    image = decode_image(path, TEMPLATE_LAYER_LIMITS, f"{path.parent.name}/{path.name}")
    if box is not None and image.size != box.size:  # else stored cropped to the box already
        with image:
            image = image.crop(box.as_tuple())
    return image if mode is None or image.mode == mode else _converted(image, mode)


def render_mockup(
    artwork: Image.Image | Pixels, template: Template, mapping_threads: int = 1
) -> Mockup:
    """The finished mockup, RGB at the template's size (`Mockup.image()` for it whole).

    The scene (the run's largest image) is decoded after the print is placed, so that it
    and the print's working copies are not held at once; except for a mockup rendered alone
    (`mapping_threads` > 1: how many threads map the print through a print map), whose
    template layers and scene are decoded beside the mapping (see `_mapped_and_scene`).
    """
    # made first, so the copies that make it come and go before the largest images are held
    grain = cached_grain_planes(template.grain) if template.grain is not None else None
    beside = mapping_threads > 1  # the mockup has the machine to itself: a helper thread
    if libvips_maps_alone(template):
        # handed over (list.pop), so the placed print is freed as soon as it is composited
        placed, (images, mockup) = _mapped_and_scene(artwork, template, mapping_threads)
        composite(
            mockup.drawn,
            placed.pop(),
            images.front,
            images.mask,
            template.ink_black,
            grain,
            beside,
            at=mockup.part.origin,
        )
        return mockup
    images = load_scene_images(template)
    # folds found in the scene's own light need it before the print is placed
    scene = load_scene(template, images) if _relief_from_scene(template, images) else None
    fitted = fit_print(
        artwork, template.print_size, template.fit, template.substrate, template.safe
    )
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
    warped = [place_print(handed.pop(), template, images.box, offsets, mapping_threads)]
    if scene is None:
        scene = load_scene(template, images)
    at, ink = scene.part.origin, template.ink_black
    if edge is not None and images.edge is not None:
        composite(scene.drawn, edge, images.edge, None, ink, grain, beside, at=at)
        del edge
    composite(scene.drawn, warped.pop(), images.front, images.mask, ink, grain, beside, at=at)
    return scene


def _mapped_and_scene(
    artwork: Image.Image | Pixels, template: Template, threads: int
) -> tuple[list[Pixels], tuple[SceneImages, Mockup]]:
    """The print placed by `place_mapped` (in a list, to be handed over), and the template's
    layers and scene.

    With more than one mapping thread, the mockup has the machine to itself: the layers and
    the scene are decoded on the mockup's helper thread while libvips maps the print (both
    let go of the GIL): with the thumbnail's encode beside the mockup's, studio-10
    sequential took 0.84x the wall time for 3.5 MB more peak RSS. Not for a print over
    SCENE_BESIDE_PRINT_PIXELS (the zoom templates): the scene beside its copies held 13-18
    MB more."""
    placed, layers_and_scene = first_and_then(
        lambda: place_mapped(
            artwork, template, bounding_box(template.quad, template.size), threads
        ),
        lambda: _layers_and_scene(template),
        beside=threads > 1 and scene_beside_print(template),
    )
    return [placed], layers_and_scene


def scene_beside_print(template: Template) -> bool:
    """Whether the print is small enough (SCENE_BESIDE_PRINT_PIXELS) for its scene to be
    decoded while it is mapped."""
    width, height = template.print_size
    return width * height <= SCENE_BESIDE_PRINT_PIXELS


def _layers_and_scene(template: Template) -> tuple[SceneImages, Mockup]:
    images = load_scene_images(template)
    return images, load_scene(template, images)


def libvips_maps_alone(template: Template) -> bool:
    """Whether the template lets libvips fit, frame and map the artwork alone (laid over its
    substrate where it is see-through): a print map with no wrapped edge and no folds."""
    no_pillow_step = template.edge is None and template.displacement is None
    return template.uvmap is not None and no_pillow_step


def place_mapped(
    artwork: Image.Image | Pixels, template: Template, box: Box, threads: int = 1
) -> Pixels:
    """The artwork fitted to the print and mapped into `box` through the template's print
    map, as premultiplied RGBa `Pixels`: the same print as `fit_print`, `framed` and
    `uvmap.place_print`, made in one libvips pipeline without Pillow's three copies of it."""
    from mockups.templates import uvmap

    assert template.uvmap is not None, "only print-map templates come this far"
    pixels = artwork if isinstance(artwork, Pixels) else Pixels.of(artwork)
    return uvmap.place_framed(
        lambda: framed_premultiplied(
            pixels, template.print_size, template.fit, template.safe, template.substrate
        ),
        template.uvmap,
        box,
        threads,
    )


def framed_premultiplied(
    pixels: Pixels,
    size: Size,
    fit: str,
    safe: SafeArea | None = None,
    substrate: Colour | None = None,
):
    """A libvips image (not yet computed) of the print fitted as `fit_print` fits it, in
    premultiplied RGBA, in a one-pixel transparent frame (see `framed`). `substrate`: the
    colour of the print where the artwork leaves it bare or shows through."""
    shown, crop = print_layout(pixels.size, size, fit, safe)
    image = resized_premultiplied(pixels, shown.size, crop)
    if substrate is not None and pixels.mode == "RGBA":
        image = over_substrate(image, substrate)
    left, top = shown.origin
    if substrate is not None and (image.width, image.height) != size:
        image = image.embed(left, top, *size, extend="background", background=[*substrate, 255])
        left, top = 0, 0
    return image.embed(
        left + 1, top + 1, size[0] + 2, size[1] + 2, extend="background", background=[0] * 4
    )


def tint_product(scene: Mockup, mask: Image.Image, colour: Colour) -> None:
    """Multiply the product (white in `mask`, the frame's size) by `colour`, keeping the
    scene's light and folds."""
    region = mask.getbbox()
    if region is None:
        return
    part = scene.crop(region)
    tinted = ImageChops.multiply(part, Image.new("RGB", part.size, colour))
    scene.paste(tinted, region[:2], mask.crop(region))


def over_substrate(premultiplied: Any, substrate: Colour) -> Any:
    """A libvips image of premultiplied RGBA laid over the opaque `substrate` colour: the
    substrate shows through as the artwork's alpha lets it (what `fit_print` pastes)."""
    bare = premultiplied[3].linear(-1 / 255, 1)  # 1 - alpha
    colour = premultiplied.extract_band(0, n=3) + bare * list(substrate)
    return (colour + 0.5).cast("uchar").bandjoin_const([255])


def fit_print(
    artwork: Image.Image | Pixels,
    size: Size,
    fit: str,
    substrate: Colour | None,
    safe: SafeArea | None = None,
) -> Image.Image:
    """The artwork at the print's size on its substrate: RGBA only where it stays see-through.

    With a `safe` area, placed by `artwork_placement`; without, centred, cover or contain."""
    pixels = artwork if isinstance(artwork, Pixels) else Pixels.of(artwork)
    shown, crop = print_layout(pixels.size, size, fit, safe)
    fitted = resized(pixels, shown.size, crop)  # resampled once, into its place
    if shown.size != size:  # over transparency where it does not reach
        part = fitted
        fitted = Image.new("RGBA", size, (0, 0, 0, 0))
        fitted.paste(part, shown.origin)
    if substrate is None or fitted.mode != "RGBA":
        return fitted
    paper = Image.new("RGB", size, substrate)
    paper.paste(fitted, (0, 0), fitted)
    return paper


def artwork_placement(
    artwork: Size, print_: Size, fit: str, safe: SafeArea
) -> tuple[float, float, float, float]:
    """Left, top, width and height of the whole artwork on a print of `print_` pixels (it may
    run past the print's edges, which crop it).

    The `safe` area's sides that lie inside the print (a camera hole, a mug's turn, a frame's
    mat; not within EDGE_SLACK of the print's own edge) bound the artwork less its BLEED
    border: the fit's scale is reduced until it fits between them, and along each side the
    artwork is centred on the print while it covers it, else on the safe area, then moved as
    little as keeps it inside. At the print's own edges a cover crops as it always did."""
    width, height = print_
    spans = [
        _inner_span(safe[0] * width, safe[2] * width, width),
        _inner_span(safe[1] * height, safe[3] * height, height),
    ]
    content = 1 - 2 * BLEED
    scale = min(
        fit_scale(artwork, print_, fit),
        *(
            (high - low) / (content * side)
            for (low, high), side in zip(spans, artwork, strict=True)
        ),
    )
    sizes = [side * scale for side in artwork]
    x, y = (
        _offset_along(length, side, safe_low * side, safe_high * side, span)
        for length, side, safe_low, safe_high, span in zip(
            sizes, print_, safe[:2], safe[2:], spans, strict=True
        )
    )
    return x, y, sizes[0], sizes[1]


def _inner_span(low: float, high: float, side: float) -> tuple[float, float]:
    """The safe span's bounds along a side, unbounded where it reaches the print's edge."""
    slack = EDGE_SLACK * side
    return (low if low > slack else -math.inf, high if high < side - slack else math.inf)


def _offset_along(
    length: float, side: float, low: float, high: float, bounds: tuple[float, float]
) -> float:
    """Where an artwork `length` long starts on a print `side` long whose safe span is
    `low`..`high`, keeping all but its BLEED border within `bounds`."""
    bleed = BLEED * length
    wanted = (side - length) / 2 if length >= side else (low + high - length) / 2
    return min(max(wanted, bounds[0] - bleed), bounds[1] + bleed - length)


def print_layout(
    artwork: Size, print_: Size, fit: str, safe: SafeArea | None
) -> tuple[Box, tuple[int, int, int, int] | None]:
    """Where the artwork shows on the print and the part of it shown there (None: all of it),
    as `fit_print` and `framed_premultiplied` both fit it: into the `safe` area by
    `artwork_placement`, else centred, cover or contain."""
    if safe is not None:
        return shown_part(artwork, print_, artwork_placement(artwork, print_, fit, safe))
    if fit == "cover":
        left, top, right, bottom = (round(side) for side in cover_crop(artwork, print_))
        return Box(0, 0, *print_), (left, top, right, bottom)
    return contain_box(artwork, print_), None


def shown_part(
    artwork: Size, print_: Size, placement: tuple[float, ...]
) -> tuple[Box, tuple[int, int, int, int]]:
    """Where an artwork placed at `placement` (left, top, width, height on the print) shows
    on a print of `print_` pixels, and the part of the artwork (a crop box) shown there."""
    x, y, width, height = placement
    shown = Box(max(0, round(x)), max(0, round(y)), min(print_[0], round(x + width)),
                min(print_[1], round(y + height)))  # fmt: skip
    scale_x, scale_y = width / artwork[0], height / artwork[1]
    crop = (
        max(0, round((shown.left - x) / scale_x)),
        max(0, round((shown.top - y) / scale_y)),
        min(artwork[0], round((shown.right - x) / scale_x)),
        min(artwork[1], round((shown.bottom - y) / scale_y)),
    )
    return shown, crop


def _relief_from_scene(template: Template, images: SceneImages) -> bool:
    return template.displacement is not None and images.height is None


def fold_offsets(template: Template, images: SceneImages, scene: Mockup | None):
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
) -> Image.Image | Pixels:
    """The print as an image the size of `box`: moved there when flat, else warped.

    A print to warp comes framed (see `framed`); the result is then premultiplied RGBa: an
    image, or `Pixels` from a print map.
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
    scene: Image.Image,
    placed: Image.Image | Pixels,
    light: Lighting,
    mask: Image.Image | None = None,
    ink_black: float = 0.0,
    grain: np.ndarray | None = None,
    beside: bool = False,
    at: tuple[int, int] = (0, 0),
) -> None:
    """Light the placed print with the region's layers, then lay it in place (`scene`'s
    top left lies `at` that point of the template's frame), a strip of COMPOSITE_ROWS rows
    at a time, fewer for a wide print (each pixel's light is its own, so the strips join
    seamlessly, and the working copies stay a few MB whatever the print's size). With
    `beside` (a mockup rendered alone), every other strip is laid on the mockup's helper
    thread meanwhile: Pillow and numpy let go of the GIL for a strip's pixels.

    Band by band: a print band takes its ink (see `inklight`), is multiplied by the
    shading's band or, with a reflection, lit by both in linear light, gets the highlight
    screened over it and, with a camera's `grain` (`grain_planes`'), the grain its ink took
    from the scene's.
    A greyscale layer acts on every band; a colour one (a scene's light) band for band.
    """
    ink = ink_curve(ink_black)
    reach = light.reflection.getbbox() if light.reflection is not None else None
    rows = rows_in_a_heap_block(placed.width, 4, COMPOSITE_ROWS)
    tops = range(0, placed.height, rows)

    def lay(strip_tops: range) -> None:
        for strip_top in strip_tops:
            strip = (strip_top, min(placed.height, strip_top + rows))
            _composite_strip(scene, at, placed, light, reach, mask, ink, ink_black, grain, strip)

    # each strip reads and writes only its own rows of the scene, so two threads never meet
    first_and_then(lambda: lay(tops[0::2]), lambda: lay(tops[1::2]), beside)
    light.shading = None


def _composite_strip(
    scene: Image.Image,
    at: tuple[int, int],
    placed: Image.Image | Pixels,
    light: Lighting,
    reach: tuple[int, int, int, int] | None,
    mask: Image.Image | None,
    ink: list[int] | None,
    ink_black: float,
    grain: np.ndarray | None,
    strip: tuple[int, int],
) -> None:
    """Rows `strip` (top, bottom) of the print, lit and laid into the scene; `reach`: the
    whole reflection's bounding box."""
    left, top = light.box.origin
    rows = (0, strip[0], placed.width, strip[1])
    strip_reach = _strip_reach(reach, strip)
    strip_light = Lighting(
        Box(left, top + strip[0], left + placed.width, top + strip[1]),
        shading=_cropped(light.shading, _moved(rows, light.shading_origin)),
        highlight=_cropped(light.highlight, rows),
        reflection=_cropped(light.reflection, rows) if strip_reach else None,
    )
    strip_print = placed.rows(*strip) if isinstance(placed, Pixels) else placed.crop(rows)
    lit, alpha = _lit_strip(strip_print, strip_light, strip_reach, ink, ink_black, grain)
    strip_mask = _cropped(mask, rows)
    if strip_mask is not None:
        alpha = strip_mask if alpha is None else ImageChops.multiply(alpha, strip_mask)
    scene.paste(lit, (strip_light.box.left - at[0], strip_light.box.top - at[1]), alpha)


def _strip_reach(
    reach: tuple[int, int, int, int] | None, strip: tuple[int, int]
) -> tuple[int, int, int, int] | None:
    """The part of `reach` in rows `strip` (top, bottom), in the strip's own rows."""
    if reach is None:
        return None
    left, top, right, bottom = reach
    top, bottom = max(top, strip[0]), min(bottom, strip[1])
    return (left, top - strip[0], right, bottom - strip[0]) if top < bottom else None


def _moved(box: tuple[int, int, int, int], by: tuple[int, int]) -> tuple[int, int, int, int]:
    return (box[0] + by[0], box[1] + by[1], box[2] + by[0], box[3] + by[1])


def _cropped(layer: Image.Image | None, rows: tuple[int, int, int, int]) -> Image.Image | None:
    return None if layer is None else layer.crop(rows)


def _lit_strip(
    placed: Image.Image,
    light: Lighting,
    reach: tuple[int, int, int, int] | None,
    ink: list[int] | None,
    ink_black: float,
    grain: np.ndarray | None,
) -> tuple[Image.Image, Image.Image | None]:
    """A strip of the print lit by its strip of the layers: RGB, and its coverage. `reach`:
    where in the strip the print is lit in linear light (see `lit_with_reflection`)."""
    colour, alpha = _split_bands(placed)
    inked = [band.point(ink) for band in colour] if ink is not None else list(colour)
    shading = _light_bands(light.shading, len(colour))
    reflection = _light_bands(light.reflection, len(colour))
    for index, band in enumerate(colour):
        shade = shading[index] if shading else None
        if reflection:
            lit = lit_with_reflection(
                band, shade, reflection[index], ink_black, inked[index], reach
            )
        else:
            lit = ImageChops.multiply(inked[index], shade) if shade is not None else inked[index]
        if light.highlight is not None:
            lit = ImageChops.screen(lit, light.highlight)
        if grain is not None:
            lit = with_grain_under_ink(lit, inked[index], grain, light.box.origin, index % 3)
        colour[index] = lit
    return Image.merge("RGB", colour), alpha


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


def _light_bands(layer: Image.Image | None, count: int) -> list[Image.Image]:
    """One band of `layer` per print band: a greyscale layer's own, or a colour layer's."""
    if layer is None:
        return []
    return [layer] * count if layer.mode == "L" else list(layer.split())


def _split_bands(image: Image.Image) -> tuple[list[Image.Image], Image.Image | None]:
    """Red, green and blue, and the coverage (None when the print is opaque everywhere)."""
    if image.mode == "RGBa":
        image = image.convert("RGBA")
    bands = list(image.split())
    alpha = bands.pop() if image.mode == "RGBA" else None
    return bands, alpha
