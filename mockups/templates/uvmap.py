"""The `uvmap` placement: a stored print map says, for every scene pixel, which print point shows.

The map is a 16-bit PNG covering the placement's box, at the box's size or reduced by a whole
factor where the surface is smooth: band 0 is u (across the print), band 1 is v (down it), an
optional band 2 is coverage. u and v are stored as `ENCODED_LOW + value / 65535 * SPAN`, so
a map may run past the print's edges (the region round the print) and the edges themselves
are then antialiased by the resampler, like a perspective warp's.

libvips renders it: the map is scaled to print pixels and upsampled bilinearly in tiles as
`mapim` pulls them (no float map of the whole box is ever held: a full-size map is read and
scaled a strip at a time), and `mapim` resamples the premultiplied print with a bicubic
kernel. Its result is premultiplied RGBa `Pixels`, as libvips wrote them
(`compose.composite` takes them a strip at a time, as it takes the other warps'
premultiplied RGBa images). A map cut short is refused, never rendered with what libvips
would fill in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from mockups.artwork.pixels import Pixels
from mockups.errors import RenderError, TemplateError, first_line, printable
from mockups.geometry import Box, Size
from mockups.memory import return_large_blocks_at_once
from mockups.render.cached_arrays import cache_file, keep_replacing, read_array

ENCODED_LOW = -0.5
SPAN = 2.0
MAX_VALUE = 65535
MAX_REDUCTION = 8
PRINT_MAP_DIR = "printmaps"  # in the cache: reduced maps scaled and bordered (`_bordered`)
CACHE_VERSION = 1  # of `_bordered`'s arithmetic: a change to it must change this
# The print the artwork is fitted to: a few pixels wide at least, never a sliver, and no
# larger than a few times the 3000 px scene it is seen in.
MIN_PRINT_SIDE = 16
MAX_PRINT_SIDE = 12000
MAX_PRINT_ASPECT = 20


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


def check_print_size(print_size: Size, label: str) -> None:
    """Refuse, in one line starting with `label`, a print no artwork can be fitted to well."""
    width, height = print_size
    if min(width, height) < MIN_PRINT_SIDE or max(width, height) > MAX_PRINT_SIDE:
        raise TemplateError(
            f"{label}: {width} x {height}; each side of a print must be {MIN_PRINT_SIDE} to "
            f"{MAX_PRINT_SIDE} px"
        )
    if max(width, height) > MAX_PRINT_ASPECT * min(width, height):
        raise TemplateError(
            f"{label}: {width} x {height} is longer than {MAX_PRINT_ASPECT}:1; no artwork fits "
            "such a sliver"
        )


def encode(value: float) -> int:
    """A print coordinate (0 at the print's top or left edge, 1 at the other) as stored."""
    return round((value - ENCODED_LOW) / SPAN * MAX_VALUE)


def place_print(framed_print: Image.Image, uvmap: UVMap, box: Box, threads: int = 1) -> Pixels:
    """The print (premultiplied RGBa with a one-pixel transparent frame) mapped into `box`,
    premultiplied RGBa (`Pixels.rows` makes each strip straight), by `threads` libvips
    workers."""
    handed = [framed_print]
    del framed_print  # the caller handed over its only reference: libvips holds a copy now
    return place_framed(lambda: _vips_rgba(handed.pop()), uvmap, box, threads)


def place_framed(source: Callable[[], Any], uvmap: UVMap, box: Box, threads: int = 1) -> Pixels:
    """As `place_print`, from `source()`: a libvips image of the framed print's premultiplied
    RGBA bytes, called once libvips is set up (a lazy one is computed into memory first).

    The bytes libvips wrote, as they are: the libvips images are gone by now, so the placed
    print is held once. Left premultiplied, it is made straight a strip at a time as it is
    composited, in C, where libvips' unpremultiply took three float passes over the box."""
    return Pixels(_mapped_bytes(source, uvmap, box, threads), box.size, "RGBa")


def _mapped_bytes(source: Callable[[], Any], uvmap: UVMap, box: Box, threads: int) -> Any:
    """The placed print's premultiplied RGBA bytes (a buffer libvips allocated); every
    libvips image is freed on return. A map libvips cannot read whole (cut short, damaged)
    is a `RenderError` in one line."""
    import pyvips

    try:
        return _mapped_through(source, uvmap, box, threads)
    except pyvips.Error as error:
        template = printable(uvmap.path.parent.name)
        reason = printable(first_line(error.detail or error.message, 160))
        raise RenderError(
            f"template '{template}': its print map {printable(uvmap.path.name)} is cut short "
            f"or damaged ({reason}); restore the template's files"
        ) from None


def _mapped_through(source: Callable[[], Any], uvmap: UVMap, box: Box, threads: int) -> Any:
    import pyvips

    # libvips' worker allocates in its own glibc arena, which would keep the blocks it frees
    # next to the main arena's: served by mmap, they go back at once (studio-10 peak RSS
    # 176 -> 132 MB)
    return_large_blocks_at_once()
    pyvips.cache_set_max(0)
    # each libvips worker holds its own copy of the print region it maps (a few MB): one
    # where the engine already renders mockups side by side, two when it renders one at a time
    # mapim reads the print at random: a lazy one is computed into memory once, here; an
    # image over memory stays as it is, and `image` keeps the bytes under it alive
    image = source()
    framed = image.copy_memory()
    pyvips.concurrency_set(threads)
    bands = _coordinates(uvmap.path, (framed.width, framed.height), box.size)
    placed = framed.mapim(
        bands if bands.bands == 2 else bands.extract_band(0, n=2),
        interpolate=pyvips.Interpolate.new("bicubic"),
        premultiplied=True,
        extend="background",
        background=[0, 0, 0, 0],
    )
    if bands.bands > 2:  # coverage scales colour and alpha alike: still premultiplied
        placed = (placed * bands[2] + 0.5).cast("uchar")
    return placed.write_to_memory()


def _vips_rgba(image: Image.Image):
    if image.mode != "RGBa":
        image = image.convert("RGBA").convert("RGBa")
    return Pixels.of(image).vips()


def _coordinates(path: Path, framed_size: Size, box_size: Size):
    """Per pixel of the box, the framed print's (x, y) to sample, then the coverage when the
    map has it, as a libvips image.

    A map stored at the box's size is scaled lazily, a strip at a time as `mapim` pulls it
    (as floats, a whole 3000 x 3000 map would take 108 MB). A reduced map is a few MB as
    floats: small enough to work on whole, and one array replaces the dozens of libvips
    operations (each a few hundred small allocations in a memray capture) its border and
    upsampling would take.
    """
    import pyvips

    stored = pyvips.Image.new_from_file(str(path), access="sequential", fail_on="truncated")
    scales, offsets = _coordinate_transform(framed_size, stored.bands)
    if reduction(box_size, (stored.width, stored.height)) == 1:
        return stored.linear(scales, offsets)
    return _upsampled(_bordered(path, stored, scales, offsets), box_size)


def _bordered(path: Path, stored: Any, scales: list[float], offsets: list[float]) -> np.ndarray:
    """The reduced map `stored` (of the file at `path`) scaled to the framed print's pixels,
    with the border `_upsampled` extends it by: read from the cache when it holds it (the
    PNG's decode, the floats and the border took 0.17 CPU s of studio-10's ten mockups; the
    cache's read 0.03), made and kept there when not. The cache's file is named by the map's
    file and scales, then its bytes, so a map changed in any way is made again and its
    earlier copy removed."""
    shape = (stored.height + 2, stored.width + 2, stored.bands)
    cached = cache_file(PRINT_MAP_DIR, CACHE_VERSION, path, f"{scales}|{offsets}")
    bordered = read_array(cached, np.float32, shape)
    if bordered is None:
        bands = np.ndarray(
            shape=(stored.height, stored.width, stored.bands),
            dtype=np.uint16,
            buffer=stored.cast("ushort").write_to_memory(),
        ).astype(np.float32)
        bands *= np.asarray(scales, np.float32)
        bands += np.asarray(offsets, np.float32)
        bordered = np.ascontiguousarray(_extended(_extended(bands, axis=0), axis=1))
        keep_replacing(cached, bordered)
    return bordered


def _coordinate_transform(framed_size: Size, bands: int) -> tuple[list[float], list[float]]:
    """Per stored band, the scale and offset that turn it into the framed print's (x, y) to
    sample, in libvips' pixel-centre convention, or into a coverage of 0 to 1.

    Print coordinate u spans the inner print, x in [1, width + 1) of the framed image; a pixel
    centre sits at +0.5 there and at 0 for libvips, hence the -0.5.
    """
    inner = (framed_size[0] - 2, framed_size[1] - 2)
    scales = [SPAN * side / MAX_VALUE for side in inner]
    offsets = [ENCODED_LOW * side + 0.5 for side in inner]
    extra = bands - 2
    return scales + [1 / MAX_VALUE] * extra, offsets + [0.0] * extra


def _upsampled(bordered: np.ndarray, box_size: Size):
    """A map with its border (`_bordered`) at the box's size: bilinear, with map pixel
    centres on their block's centres. The border of one map pixel, extrapolated linearly,
    carries the slope out to the box's edges."""
    import pyvips

    height, width = bordered.shape[0] - 2, bordered.shape[1] - 2
    factor = reduction(box_size, (width, height))
    assert factor is not None, "the template loader checked the map's size against its box"
    shift = 0.5 * factor - 0.5 - factor
    return pyvips.Image.new_from_array(bordered).affine(
        [factor, 0, 0, factor],
        interpolate=pyvips.Interpolate.new("bilinear"),
        odx=shift,
        ody=shift,
        oarea=[0, 0, box_size[0], box_size[1]],
        extend="copy",
        premultiplied=True,  # a map's bands are not colour and alpha: never premultiply them
    )


def _extended(bands: np.ndarray, axis: int) -> np.ndarray:
    """`bands` with a row (axis 0) or column (axis 1) added at both ends, each continuing the
    slope of the two it meets."""
    if bands.shape[axis] < 2:
        return np.concatenate([np.take(bands, [0], axis), bands, np.take(bands, [-1], axis)], axis)
    first, second = np.take(bands, [0], axis), np.take(bands, [1], axis)
    last, before = np.take(bands, [-1], axis), np.take(bands, [-2], axis)
    return np.concatenate([first * 2 - second, bands, last * 2 - before], axis)
