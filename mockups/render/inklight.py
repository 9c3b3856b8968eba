"""The print's ink and the light it takes: pure functions of 8-bit bands.

A print reflects light as its ink lets it: an artwork's linear light `a` prints as
`black + (1 - black) * a` of the product's white (ink on paper never reflects nothing). Lit by
a shading alone, the encoded print is multiplied by the encoded shading: the sRGB curve is
close to a power law, so that multiplies light. A reflection (glass, glaze) adds light that
the print does not filter, and a weak one over a whole pane would be far too strong added in
encoded terms, so a band with a reflection is lit in linear light: the print's reflectance
times the light below the reflection, plus the reflection.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageChops

from mockups.memory import rows_in_a_heap_block

ENCODE_STEPS = 1 << 14  # linear values the encoding table tells apart
# rows lit at a time at most, fewer for a wide band: each float copy, and the index copy
# numpy's `take` makes of a band (INDEX_BYTES a pixel), stays a heap block
# (`rows_in_a_heap_block`) rather than pages faulted in anew (a 1090 x 1600 band lit at once:
# 41 -> 15 ms)
STRIP_ROWS = 64
INDEX_BYTES = np.dtype(np.intp).itemsize


def decode_srgb(encoded: np.ndarray) -> np.ndarray:
    return np.where(encoded <= 0.04045, encoded / 12.92, ((encoded + 0.055) / 1.055) ** 2.4)


def encode_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


LINEAR = decode_srgb(np.arange(256) / 255).astype(np.float32)
ENCODED = np.round(255 * encode_srgb(np.arange(ENCODE_STEPS) / (ENCODE_STEPS - 1)))
ENCODED = ENCODED.astype(np.uint8)
# per 8-bit level, its linear light in steps of the encoding table, half a step added
STEPS_ROUNDED = (LINEAR * (ENCODE_STEPS - 1) + 0.5).astype(np.float32)


def printed_light(black: float) -> np.ndarray:
    """Per 8-bit artwork level, the linear share of the product's white the print reflects."""
    return (black + (1 - black) * LINEAR).astype(np.float32)


def ink_curve(black: float) -> list[int] | None:
    """The 8-bit lookup (for `Image.point`) that prints an artwork level with an ink whose
    black reflects `black` of the product's white; None when the ink is black."""
    if black <= 0:
        return None
    steps = np.round(printed_light(black) * (ENCODE_STEPS - 1)).astype(np.intp)
    return [int(level) for level in ENCODED[steps]]


def lit_with_reflection(
    band: Image.Image,
    light: Image.Image | None,
    reflection: Image.Image,
    black: float,
    printed: Image.Image | None = None,
    reaches: tuple[int, int, int, int] | None = None,
) -> Image.Image:
    """One band of the print ("L"), lit by `light` (255 where None) and `reflection`: its
    reflectance times the light less the reflection, plus the reflection, in linear light
    where the reflection shows (`reaches`, by default its bounding box: a caller lighting a
    strip at a time passes the whole reflection's box, cut to the strip, so that no pixel
    depends on the strips' height), the encoded product elsewhere. A white
    print shows `light`, a black ink `reflection` over the ink's own black. `printed`: the
    band through `ink_curve(black)`, when the caller has it already."""
    if printed is None:
        curve = ink_curve(black)
        printed = band.point(curve) if curve is not None else band
    lit = ImageChops.multiply(printed, light) if light is not None else printed.copy()
    reaches = reaches or reflection.getbbox()
    if reaches is None:
        return lit
    part_light = light.crop(reaches) if light is not None else None
    linear = _linear_lit(band.crop(reaches), part_light, reflection.crop(reaches), black)
    lit.paste(linear, reaches[:2])
    return lit


def _linear_lit(
    band: Image.Image, light: Image.Image | None, reflection: Image.Image, black: float
) -> Image.Image:
    reflectance = printed_light(black)
    printed, reflected = np.asarray(band), np.asarray(reflection)
    lights = np.asarray(light) if light is not None else None
    lit = np.empty_like(printed)
    # lookups by `take`, a quarter of the time of indexing a table with an array
    at_once = rows_in_a_heap_block(printed.shape[1], INDEX_BYTES, STRIP_ROWS)
    for top in range(0, printed.shape[0], at_once):
        rows = slice(top, top + at_once)
        above = STEPS_ROUNDED.take(reflected[rows])
        if lights is not None:
            value = STEPS_ROUNDED.take(lights[rows])
        else:
            value = np.full_like(above, STEPS_ROUNDED[255])
        value -= above  # the light below the reflection, in encoding steps
        value *= reflectance.take(printed[rows])
        value += above  # between light and reflection, and half a step to round
        lit[rows] = ENCODED.take(value.astype(np.uint16))
    return Image.fromarray(lit, "L")
