"""Photoshop's blend modes on numpy arrays: pure functions, applied in bands of rows.

Colours are uint8 arrays at the import's output size, straight (not premultiplied) with a
separate alpha; a band is converted to float32 only while it is blended, so a 3000 px canvas
never has a float copy of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops

# Rows blended at once: a band's float temporaries (16 x 3000 x 3 float32, 0.6 MB each) stay
# below the size glibc serves by mmap during an import (`return_large_blocks_at_once`), so
# they are reused from the heap instead of mapped and zeroed each time (64 rows: 16 s of
# system time more for a 30-layer 6000 x 4000 document).
BAND_ROWS = 16
EPSILON = 1e-6

Blend = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _soft_light(d: np.ndarray, s: np.ndarray) -> np.ndarray:
    darkened = np.where(d <= 0.25, ((16 * d - 12) * d + 4) * d, np.sqrt(d))
    return np.where(s <= 0.5, d - (1 - 2 * s) * d * (1 - d), d + (2 * s - 1) * (darkened - d))


def _hard_light(d: np.ndarray, s: np.ndarray) -> np.ndarray:
    return np.where(s <= 0.5, 2 * d * s, 1 - 2 * (1 - d) * (1 - s))


BLENDS: dict[str, Blend] = {
    "normal": lambda d, s: s,
    "multiply": lambda d, s: d * s,
    "screen": lambda d, s: d + s - d * s,
    "darken": np.minimum,
    "lighten": np.maximum,
    "color burn": lambda d, s: np.where(
        d >= 1, 1.0, 1 - np.minimum(1, (1 - d) / np.maximum(s, EPSILON))
    ),
    "linear burn": lambda d, s: np.clip(d + s - 1, 0, 1),
    "color dodge": lambda d, s: np.where(
        d <= 0, 0.0, np.minimum(1, d / np.maximum(1 - s, EPSILON))
    ),
    "linear dodge": lambda d, s: np.minimum(1, d + s),
    "overlay": lambda d, s: _hard_light(s, d),
    "hard light": _hard_light,
    "soft light": _soft_light,
    "difference": lambda d, s: np.abs(d - s),
    "exclusion": lambda d, s: d + s - 2 * d * s,
    "subtract": lambda d, s: np.clip(d - s, 0, 1),
    "divide": lambda d, s: np.clip(d / np.maximum(s, EPSILON), 0, 1),
}


@dataclass
class Canvas:
    """An RGBA picture being composed: straight colour and alpha, uint8."""

    colour: np.ndarray
    alpha: np.ndarray

    @classmethod
    def transparent(cls, width: int, height: int) -> Canvas:
        return cls(np.zeros((height, width, 3), np.uint8), np.zeros((height, width), np.uint8))

    @property
    def size(self) -> tuple[int, int]:
        return self.alpha.shape[1], self.alpha.shape[0]


@dataclass
class Pixels:
    """A layer's pixels at the output scale, placed at (left, top) on the canvas."""

    left: int
    top: int
    colour: np.ndarray
    alpha: np.ndarray

    @property
    def box(self) -> tuple[int, int, int, int]:
        height, width = self.alpha.shape
        return self.left, self.top, self.left + width, self.top + height

    def with_alpha(self, alpha: np.ndarray) -> Pixels:
        return Pixels(self.left, self.top, self.colour, alpha)


def bands(height: int, rows: int = BAND_ROWS):
    for top in range(0, height, rows):
        yield slice(top, min(top + rows, height))


def as_float(array: np.ndarray) -> np.ndarray:
    return array.astype(np.float32) * np.float32(1 / 255)


def as_uint8(array: np.ndarray) -> np.ndarray:
    return np.clip(array * 255 + 0.5, 0, 255).astype(np.uint8)


def blend_onto(canvas: Canvas, layer: Pixels, mode: str) -> None:
    """Composite `layer` onto `canvas` in place, Photoshop's way for separable blend modes."""
    blend = BLENDS[mode]
    left, top, right, bottom = layer.box
    for rows in bands(bottom - top):
        target = (slice(top + rows.start, top + rows.stop), slice(left, right))
        d, ad = as_float(canvas.colour[target]), as_float(canvas.alpha[target])[..., None]
        s, as_ = as_float(layer.colour[rows]), as_float(layer.alpha[rows])[..., None]
        premultiplied = as_ * (1 - ad) * s + as_ * ad * blend(d, s) + (1 - as_) * ad * d
        out_alpha = as_ + ad * (1 - as_)
        colour = premultiplied / np.maximum(out_alpha, EPSILON)
        canvas.colour[target] = as_uint8(colour)
        canvas.alpha[target] = as_uint8(out_alpha[..., 0])


def multiply_alpha(alpha: np.ndarray, factor: np.ndarray | float) -> np.ndarray:
    """Two coverages combined (uint8 in and out), through Pillow: no wide temporary arrays."""
    image = Image.fromarray(np.ascontiguousarray(alpha), "L")
    if isinstance(factor, float):
        return np.asarray(image.point(lambda value: round(value * factor)))
    other = Image.fromarray(np.ascontiguousarray(factor), "L")
    return np.asarray(ImageChops.multiply(image, other))


def luminance(colour: np.ndarray) -> np.ndarray:
    """Rec. 601 luma of float RGB, as Pillow's convert("L") weighs it."""
    return colour[..., 0] * 0.299 + colour[..., 1] * 0.587 + colour[..., 2] * 0.114


def flatten_on_white(canvas: Canvas) -> np.ndarray:
    """The canvas as an opaque RGB array, transparency showing white (Photoshop's paper)."""
    out = np.empty_like(canvas.colour)
    for rows in bands(canvas.alpha.shape[0]):
        colour, alpha = as_float(canvas.colour[rows]), as_float(canvas.alpha[rows])[..., None]
        out[rows] = as_uint8(colour * alpha + (1 - alpha))
    return out
