"""Drawing tools for the generated scenes: light, textures, shadows, shapes and planes."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from mockups.geometry import (
    Quad,
    apply_perspective,
    as_quad,
    perspective_coefficients,
    rect_quad,
)

SUPERSAMPLE = 2


def noise(shape: tuple[int, int], scale: float, seed: int) -> np.ndarray:
    """Smooth value noise in [-1, 1]: random values on a coarse grid, upsampled bicubically."""
    rng = np.random.default_rng(seed)
    h, w = shape
    coarse = rng.uniform(-1, 1, (max(2, int(h / scale)), max(2, int(w / scale)))).astype(np.float32)
    return np.asarray(Image.fromarray(coarse, "F").resize((w, h), Image.Resampling.BICUBIC))


def light_falloff(shape: tuple[int, int], centre: tuple[float, float], spread: float) -> np.ndarray:
    """1.0 at `centre` (fractions of the frame) falling smoothly with distance."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.hypot(x / w - centre[0], y / h - centre[1])
    return 1.0 / (1.0 + (d / spread) ** 2)


def to_image(rgb: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")


def wall(shape: tuple[int, int], colour: tuple[int, int, int], seed: int) -> np.ndarray:
    light = 0.78 + 0.3 * light_falloff(shape, (0.2, -0.1), 0.9)
    plaster = 1.0 + 0.012 * noise(shape, 3, seed) + 0.02 * noise(shape, 40, seed + 1)
    return np.asarray(colour, np.float32) * (light * plaster)[..., None]


def wood(shape: tuple[int, int], seed: int) -> np.ndarray:
    h, w = shape
    streaks = noise((h, max(2, w // 60)), 1.5, seed)
    streaks = np.asarray(Image.fromarray(streaks, "F").resize((w, h), Image.Resampling.BICUBIC))
    grain = 0.5 + 0.5 * np.sin(streaks * 9.0 + noise(shape, 200, seed + 1) * 2)
    tone = 0.85 + 0.1 * grain + 0.03 * noise(shape, 2, seed + 2)
    base = np.asarray((150, 104, 68), np.float32)
    light = 0.75 + 0.35 * light_falloff(shape, (0.35, 0.2), 0.8)
    return base * (tone * light)[..., None]


def soft_shadow(
    size: tuple[int, int], quad: Quad, offset: tuple[float, float], blur: float, strength: float
) -> np.ndarray:
    """A multiplier in (0, 1]: the quad's shadow, moved by `offset` and blurred."""
    shadow = Image.new("L", size, 0)
    moved = [(x + offset[0], y + offset[1]) for x, y in quad]
    ImageDraw.Draw(shadow).polygon(moved, fill=255)
    shadow = shadow.filter(ImageFilter.GaussianBlur(blur))
    return 1.0 - strength * np.asarray(shadow, np.float32) / 255.0


def polygon_mask(size: tuple[int, int], quad: Quad) -> Image.Image:
    """An antialiased mask of `quad`: drawn at SUPERSAMPLE times the size, then reduced."""
    big = Image.new("L", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), 0)
    ImageDraw.Draw(big).polygon([(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in quad], fill=255)
    return big.reduce(SUPERSAMPLE)


def paint(canvas: np.ndarray, quad: Quad, colour: np.ndarray | tuple[float, ...]) -> None:
    """Fill `quad` on `canvas` (float RGB) with a colour or same-sized colours, antialiased."""
    h, w = canvas.shape[:2]
    alpha = np.asarray(polygon_mask((w, h), quad), np.float32)[..., None] / 255.0
    fill = np.asarray(colour, np.float32)
    canvas *= 1.0 - alpha
    canvas += alpha * fill


class Plane:
    """A flat rectangle in the scene seen in perspective: plane units map to scene pixels."""

    def __init__(self, width: float, height: float, corners: Quad) -> None:
        self.coefficients = perspective_coefficients(rect_quad(0, 0, width, height), corners)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return apply_perspective(self.coefficients, (x, y))

    def rect(self, left: float, top: float, width: float, height: float) -> Quad:
        return as_quad(self.point(x, y) for x, y in rect_quad(left, top, width, height))


def shading_gradient(shape: tuple[int, int], centre: tuple[float, float], low: float) -> np.ndarray:
    """A multiply map in [low, 1] lit from `centre`, as 0..255 grey."""
    light = light_falloff(shape, centre, 0.9)
    light = (light - light.min()) / max(1e-6, float(light.max() - light.min()))
    return 255.0 * (low + (1.0 - low) * light)


def round2(value: float) -> float:
    return round(value, 2)


def grey(values: np.ndarray) -> Image.Image:
    """A float array of 0..255 as an 8-bit greyscale image."""
    return Image.fromarray(np.clip(values, 0, 255).astype(np.uint8), "L")


def corners(quad) -> list[list[float]]:
    return [[round2(x), round2(y)] for x, y in quad]


def fabric(shape: tuple[int, int], colour: tuple[int, int, int], seed: int) -> np.ndarray:
    """Woven cloth: a fine crosshatch of threads with slubs, in `colour`."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    weave = 0.5 + 0.25 * (np.sin(x * 1.9) + np.sin(y * 1.9))
    slubs = noise(shape, 6, seed)
    tone = 1.0 + 0.025 * (weave - 0.5) + 0.02 * slubs + 0.015 * noise(shape, 60, seed + 1)
    return np.asarray(colour, np.float32) * tone[..., None]


def folds(
    shape: tuple[int, int], seed: int, along: float = 6.0, across: float = 70.0
) -> np.ndarray:
    """A fabric height field in [-1, 1]: soft ridges, longer `along` the vertical than across."""
    h, w = shape
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(-1, 1, (max(2, int(h / (across * along))), max(2, int(w / across))))
    field = Image.fromarray(coarse.astype(np.float32), "F").resize((w, h), Image.Resampling.BICUBIC)
    ridges = np.asarray(field)
    return np.tanh(1.6 * ridges)


def relief_shading(height: np.ndarray, strength: float, light=(-0.6, -0.8)) -> np.ndarray:
    """A multiply map (0..255) lighting a height field from `light` (x, y direction)."""
    slope_y, slope_x = np.gradient(height.astype(np.float32))
    lit = 1.0 + strength * (slope_x * light[0] + slope_y * light[1])
    return 255.0 * np.clip(lit, 0.55, 1.0)


def rounded_rect(
    size: tuple[int, int], box: tuple[float, float, float, float], radius: float
) -> Image.Image:
    """An antialiased mask of a rounded rectangle (left, top, right, bottom)."""
    big = Image.new("L", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), 0)
    scaled = [v * SUPERSAMPLE for v in box]
    ImageDraw.Draw(big).rounded_rectangle(scaled, radius * SUPERSAMPLE, fill=255)
    return big.reduce(SUPERSAMPLE)


def paint_mask(canvas: np.ndarray, mask: Image.Image, colour) -> None:
    """Fill where `mask` is white with a colour or same-sized colours, blending its grey edge."""
    alpha = np.asarray(mask, np.float32)[..., None] / 255.0
    canvas *= 1.0 - alpha
    canvas += alpha * np.asarray(colour, np.float32)


def shadow_of(
    mask: Image.Image, offset: tuple[int, int], blur: float, strength: float
) -> np.ndarray:
    """A multiplier in (0, 1]: the shadow a shape casts, moved by `offset` and blurred."""
    moved = Image.new("L", mask.size, 0)
    moved.paste(mask, offset)
    blurred = moved.filter(ImageFilter.GaussianBlur(blur))
    return 1.0 - strength * np.asarray(blurred, np.float32) / 255.0
