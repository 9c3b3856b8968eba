"""The `uvmap` placement: a stored print map says, for every scene pixel, which print point shows.

The map is a 16-bit PNG covering the placement's box, at the box's size or reduced by a whole
factor where the surface is smooth: band 0 is u (across the print), band 1 is v (down it), an
optional band 2 is coverage. u and v are stored as `ENCODED_LOW + value / 65535 * SPAN`, so
a map may run past the print's edges (the region round the print) and the edges themselves
are then antialiased by the resampler, like a perspective warp's.

libvips renders it: the map is scaled to print pixels and upsampled bilinearly in tiles as
`mapim` pulls them (no float map of the whole box is ever held), and `mapim` resamples the
premultiplied print with a bicubic kernel. Its result is premultiplied RGBa, like the other
warps, so `compose.composite` lights and lays it in place the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from mockups.geometry import Box, Size
from mockups.memory import return_large_blocks_at_once

ENCODED_LOW = -0.5
SPAN = 2.0
MAX_VALUE = 65535
MAX_REDUCTION = 8


@dataclass(frozen=True)
class UVMap:
    """A print map file, the box of the scene it covers and the print's pixel size."""

    path: Path
    box: tuple[int, int, int, int]
    print_size: Size


def reduction(box_size: Size, map_size: Size) -> int | None:
    """The whole factor the map is reduced by from the box, or None if its size fits none."""
    for factor in range(1, MAX_REDUCTION + 1):
        if map_size == (math.ceil(box_size[0] / factor), math.ceil(box_size[1] / factor)):
            return factor
    return None


def encode(value: float) -> int:
    """A print coordinate (0 at the print's top or left edge, 1 at the other) as stored."""
    return round((value - ENCODED_LOW) / SPAN * MAX_VALUE)


def place_print(framed_print: Image.Image, uvmap: UVMap, box: Box) -> Image.Image:
    """The print (premultiplied RGBa with a one-pixel transparent frame) mapped into `box`."""
    import pyvips

    # libvips' worker allocates in its own glibc arena, which would keep the blocks it frees
    # next to the main arena's: served by mmap, they go back at once (studio-10 peak RSS
    # 176 -> 132 MB)
    return_large_blocks_at_once()
    pyvips.cache_set_max(0)
    # one libvips worker: each holds its own copy of the print region it maps (about 10 MB
    # here); the engine's threads mode already renders mockups side by side
    pyvips.concurrency_set(1)
    framed_size = framed_print.size
    source = _vips_rgba(framed_print)
    del framed_print  # the caller handed over its only reference: libvips holds a copy now
    stored = pyvips.Image.new_from_file(str(uvmap.path))
    index = _print_coordinates(stored, framed_size, box.size)
    placed = source.mapim(
        index,
        interpolate=pyvips.Interpolate.new("bicubic"),
        premultiplied=True,
        extend="background",
        background=[0, 0, 0, 0],
    )
    if stored.bands > 2:
        coverage = _upsampled(stored[2].cast("float") / MAX_VALUE, box.size)
        placed = (placed * coverage + 0.5).cast("uchar")
    else:
        placed = placed.cast("uchar")
    pixels = placed.write_to_memory()
    return Image.frombuffer("RGBa", box.size, pixels, "raw", "RGBa", 0, 1)


def _vips_rgba(image: Image.Image):
    import pyvips

    if image.mode != "RGBa":
        image = image.convert("RGBA").convert("RGBa")
    return pyvips.Image.new_from_memory(image.tobytes(), image.width, image.height, 4, "uchar")


def _print_coordinates(stored, framed_size: Size, box_size: Size):
    """Per box pixel, the framed print's (x, y) to sample, in libvips' pixel-centre convention.

    Print coordinate u spans the inner print, x in [1, width + 1) of the framed image; a pixel
    centre sits at +0.5 there and at 0 for libvips, hence the -0.5.
    """
    inner_width, inner_height = framed_size[0] - 2, framed_size[1] - 2
    scale = [SPAN * inner_width / MAX_VALUE, SPAN * inner_height / MAX_VALUE]
    offset = [ENCODED_LOW * inner_width + 0.5, ENCODED_LOW * inner_height + 0.5]
    return _upsampled(stored.extract_band(0, n=2).cast("float").linear(scale, offset), box_size)


def _upsampled(image, box_size: Size):
    """`image` at the box's size: bilinear, with map pixel centres on their block's centres.

    A border of one map pixel, extrapolated linearly, carries the slope out to the box's edges.
    """
    import pyvips

    factor = reduction(box_size, (image.width, image.height))
    assert factor is not None, "the template loader checked the map's size against its box"
    if factor == 1:
        return image
    bordered = _extended_rows(_extended_rows(image.rot90()).rot270())
    shift = 0.5 * factor - 0.5 - factor
    return bordered.affine(
        [factor, 0, 0, factor],
        interpolate=pyvips.Interpolate.new("bilinear"),
        odx=shift,
        ody=shift,
        oarea=[0, 0, box_size[0], box_size[1]],
        extend="copy",
        premultiplied=True,  # a two-band map is not grey and alpha: never premultiply it
    )


def _extended_rows(image):
    """`image` with a row above and below it, each continuing the slope of the two it meets."""
    if image.height < 2:
        return image.embed(0, 1, image.width, image.height + 2, extend="copy")
    last = image.height - 1
    above = image.crop(0, 0, image.width, 1) * 2 - image.crop(0, 1, image.width, 1)
    below = image.crop(0, last, image.width, 1) * 2 - image.crop(0, last - 1, image.width, 1)
    return above.join(image, "vertical").join(below, "vertical")
