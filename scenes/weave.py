"""A fabric's threads as light on its print: a plain weave (canvas, cotton) or a jersey knit.

Evaluated once, when a scene is built, into its template's shading, so a print on a fabric
product takes the fabric's threads wherever the print map puts them (along folds, round a
pillow's bulge) at no cost to a render. Each pixel averages the pattern over its own area,
sampled along the map's local slope, and the threads lose contrast as they near the pixel
pitch, as a lens and a sensor's demosaicing take it from them: threads a few pixels wide read
as a soft texture, not a screen, and finer ones blend into an even tone instead of beating
into moire.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KINDS = ("plain", "jersey")
SUBSAMPLES = 4  # per pixel side
FULL_BELOW = 0.1  # threads per pixel under which the pattern shows whole
GONE_ABOVE = 0.5  # threads per pixel (the sampling limit) from which only its average is left
THREAD_VARIATION = 0.08  # how much one thread's tone differs from the next
VARIED_THREADS = 251  # threads with a tone of their own before the tones repeat


@dataclass(frozen=True)
class Weave:
    """`threads_per_cm` across and down the print; `depth`: how far the shadow between
    threads darkens the print (0 none, 1 black)."""

    kind: str
    threads_per_cm: float
    depth: float

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"weave kind {self.kind!r}: one of {', '.join(KINDS)}")
        if self.threads_per_cm <= 0 or not 0 <= self.depth <= 1:
            raise ValueError("a weave has threads_per_cm > 0 and depth between 0 and 1")


def weave_light(
    u: np.ndarray, v: np.ndarray, weave: Weave, print_cm: tuple[float, float], seed: int = 0
) -> np.ndarray:
    """Per pixel, the factor (1 - depth to 1) the threads multiply the print's light by.

    `u`, `v`: the print coordinate each pixel shows (0 to 1 across and down the print), NaN
    where none: the factor is 1 there.
    """
    known = np.isfinite(u) & np.isfinite(v)
    across = np.where(known, u, 0.0) * (weave.threads_per_cm * print_cm[0])
    down = np.where(known, v, 0.0) * (weave.threads_per_cm * print_cm[1])
    pattern = _PATTERNS[weave.kind]
    tones = _thread_tones(seed)
    averaged = _pixel_average(across, down, lambda x, y: pattern(x, y, tones))
    mean = _pattern_mean(pattern, tones)
    detail = _detail_kept(_threads_per_pixel(across, down))
    light = mean + (averaged - mean) * detail
    return np.where(known, 1.0 - weave.depth * (1.0 - light), 1.0).astype(np.float32)


def _pixel_average(across: np.ndarray, down: np.ndarray, pattern) -> np.ndarray:
    """`pattern` averaged over each pixel's square, SUBSAMPLES x SUBSAMPLES points on the
    plane that the thread coordinates' local slopes span."""
    across_dy, across_dx = np.gradient(across)
    down_dy, down_dx = np.gradient(down)
    offsets = (np.arange(SUBSAMPLES) + 0.5) / SUBSAMPLES - 0.5
    total = np.zeros(across.shape, dtype=np.float64)
    for dy in offsets:
        for dx in offsets:
            total += pattern(
                across + across_dx * dx + across_dy * dy, down + down_dx * dx + down_dy * dy
            )
    return total / SUBSAMPLES**2


def _threads_per_pixel(across: np.ndarray, down: np.ndarray) -> np.ndarray:
    slopes = [np.hypot(*np.gradient(values)) for values in (across, down)]
    return np.maximum(*slopes)


def _detail_kept(threads_per_pixel: np.ndarray) -> np.ndarray:
    """1 where threads are wide enough to show whole, fading to 0 at two pixels a thread (the
    sampling limit: finer would alias), as a camera's contrast falls towards its pixel pitch."""
    return np.clip((GONE_ABOVE - threads_per_pixel) / (GONE_ABOVE - FULL_BELOW), 0.0, 1.0)


def _thread_tones(seed: int) -> np.ndarray:
    """Two rows (threads across, threads down) of slight tone differences, one a thread."""
    generator = np.random.default_rng(seed)
    return 1.0 + THREAD_VARIATION * generator.uniform(-1.0, 1.0, (2, VARIED_THREADS))


def _plain(x: np.ndarray, y: np.ndarray, tones: np.ndarray) -> np.ndarray:
    """Over-under threads: in each cell the thread on top is lit across its round section and
    dips at the cell's ends, where it goes under; the gaps between threads are dark."""
    column, row = np.floor(x), np.floor(y)
    across, down = x - column, y - row
    lengthwise_on_top = (column + row) % 2 == 0
    lengthwise = np.sin(np.pi * across) * (0.6 + 0.4 * np.sin(np.pi * down))
    crosswise = np.sin(np.pi * down) * (0.6 + 0.4 * np.sin(np.pi * across))
    lit = np.sqrt(np.where(lengthwise_on_top, lengthwise, crosswise))
    tone = np.where(
        lengthwise_on_top,
        tones[0, column.astype(np.int64) % VARIED_THREADS],
        tones[1, row.astype(np.int64) % VARIED_THREADS],
    )
    return np.clip(lit * tone, 0.0, 1.0)


def _jersey(x: np.ndarray, y: np.ndarray, tones: np.ndarray) -> np.ndarray:
    """A knit's face: columns of V-shaped stitches, each two legs leaning in towards the
    bottom of the stitch."""
    column, row = np.floor(x), np.floor(y)
    across, down = x - column, y - row
    legs = (0.22 + 0.22 * down, 0.78 - 0.22 * down)
    leg_width = 0.26
    lit = np.zeros_like(x)
    for centre in legs:
        lit = np.maximum(lit, 1.0 - ((across - centre) / leg_width) ** 2)
    lit = np.sqrt(np.clip(lit, 0.0, 1.0)) * (0.75 + 0.25 * np.sin(np.pi * down))
    return np.clip(lit * tones[0, column.astype(np.int64) % VARIED_THREADS], 0.0, 1.0)


_PATTERNS = {"plain": _plain, "jersey": _jersey}


def _pattern_mean(pattern, tones: np.ndarray) -> float:
    """The pattern's average tone, over a whole repeat of its thread tones."""
    steps = 4  # points a thread
    grid = (np.arange(VARIED_THREADS * steps) + 0.5) / steps
    x, y = np.meshgrid(grid, grid)
    return float(pattern(x, y, tones).mean())


def plane_through(u: np.ndarray, v: np.ndarray, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """The affine map (2 x 3) from a pixel's (column, row, 1) to the print's (u, v) that fits
    the known coordinates best: how the print's threads run on across a flat-ish product.
    `origin`: the scene pixel of `u`'s and `v`'s top-left."""
    rows, columns = np.nonzero(np.isfinite(u) & np.isfinite(v))
    design = np.column_stack([columns + origin[0], rows + origin[1], np.ones_like(rows)])
    design = design.astype(np.float64)
    known = np.column_stack([u[rows, columns], v[rows, columns]])
    coefficients, *_ = np.linalg.lstsq(design, known, rcond=None)
    return coefficients.T


def plane_coordinates(
    plane: np.ndarray, box: tuple[int, int, int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(u, v) of every pixel of `box` (left, top, width, height) on `plane`."""
    left, top, width, height = box
    columns, rows = np.meshgrid(
        np.arange(left, left + width, dtype=np.float64), np.arange(top, top + height)
    )
    u = plane[0, 0] * columns + plane[0, 1] * rows + plane[0, 2]
    v = plane[1, 0] * columns + plane[1, 1] * rows + plane[1, 2]
    return u, v
