"""A camera's sensor grain, seeded per template: the scene build bakes it into a scene, and a
render adds it again over the print, where the ink would otherwise scale it down (a dark
print multiplied by a grainy white would show almost none, as no photograph does).

The grain is a seamless tile repeated over the frame, so any part of it (a print's box) is
made without making the rest; at a level or two of spread its period cannot be seen.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from mockups.templates.model import Grain

TILE = 509  # px: a prime side, so the repeat lines up with no power-of-two structure
COLOUR_SHARE = 0.3  # the share of the grain that differs from band to band
SOFTNESS = (0.17, 0.66, 0.17)  # demosaicing spreads a photosite's noise to its neighbours
STRIP_ROWS = 64  # rows grained at a time, so the float copies stay under a MB


def grain_tile(grain: Grain) -> np.ndarray:
    """(TILE, TILE, 3) float32 levels, mostly shared by the three bands (a sensor's noise
    after its noise reduction) and softened over neighbouring pixels, wrapping seamlessly.

    3 MB: a render makes it for its mockup and lets it go with it (a cache would show as
    memory a finished mockup still holds)."""
    generator = np.random.default_rng(grain.seed)
    shared = _softened(generator.standard_normal((TILE, TILE), dtype=np.float32))
    own = _softened(generator.standard_normal((TILE, TILE, 3), dtype=np.float32))
    own *= COLOUR_SHARE  # in place: the same sums as a new array, without its copies
    own += math.sqrt(1 - COLOUR_SHARE**2) * shared[..., None]
    own *= np.float32(grain.levels)
    own.setflags(write=False)
    return own


def _softened(noise: np.ndarray) -> np.ndarray:
    """Noise blurred by SOFTNESS along both axes (wrapping round), scaled back to a spread
    of 1. In place on one new array per axis: a render makes a tile for every mockup."""
    side, middle, _ = (np.float32(weight) for weight in SOFTNESS)
    for axis in (0, 1):
        blurred = np.roll(noise, 1, axis=axis)
        blurred += np.roll(noise, -1, axis=axis)
        blurred *= side
        blurred += middle * noise
        noise = blurred
    return noise / np.float32((np.asarray(SOFTNESS, dtype=np.float32) ** 2).sum())


def grain_planes(grain: Grain) -> np.ndarray:
    """`grain_tile`'s as (3, TILE, TILE), in levels per ink level taken away (a 255th of
    the tile's): one contiguous plane a band, which a strip of one band is gathered from
    without copying the tile first (a gather copies a strided source whole: a MB for every
    strip of every band)."""
    planes = np.ascontiguousarray(np.moveaxis(grain_tile(grain), -1, 0))
    planes /= np.float32(255)
    return planes


def grain_over(grain: Grain, left: int, top: int, width: int, height: int) -> np.ndarray:
    """The grain of the frame's pixels in a box: (height, width, 3) float32 levels."""
    return _tiled(grain_tile(grain), left, top, width, height)


def _tiled(tile: np.ndarray, left: int, top: int, width: int, height: int) -> np.ndarray:
    """The part of the frame a box covers, from a tile repeated over it: a new array.

    The box's rows are taken from the tile, then copied across in runs as long as the tile
    allows (a third of the time of gathering each column, in two allocations)."""
    rows = tile.take(np.arange(top, top + height) % TILE, axis=0)
    tiled = np.empty((height, width, *tile.shape[2:]), tile.dtype)
    start, at = left % TILE, 0
    while at < width:
        run = min(width - at, TILE - start)
        tiled[:, at : at + run] = rows[:, start : start + run]
        start, at = 0, at + run
    return tiled


def with_grain_under_ink(
    lit: Image.Image, ink: Image.Image, planes: np.ndarray, origin: tuple[int, int], band: int
) -> Image.Image:
    """`lit` (an "L" band of a print, lit) plus the share of the frame's grain its ink took
    away: grain x (1 - ink / 255). A white print keeps the grain it had from the scene; a
    black one gets it whole. `planes`: `grain_planes`' (grain / 255, so the ink's share is
    255 - ink, a subtraction where a table lookup took four times as long); `origin`: where
    the band's top-left pixel lies in the frame."""
    width, height = lit.size
    out = np.array(lit, dtype=np.uint8)
    inked = np.asarray(ink, dtype=np.uint8)
    for top in range(0, height, STRIP_ROWS):
        rows = slice(top, min(height, top + STRIP_ROWS))
        noise = _tiled(planes[band], origin[0], origin[1] + top, width, rows.stop - rows.start)
        noise *= np.subtract(255, inked[rows], dtype=np.float32)
        noise += out[rows]
        np.rint(noise, out=noise)
        out[rows] = np.clip(noise, 0, 255, out=noise)
    return Image.fromarray(out, "L")
