"""Print maps written from per-pixel print coordinates: shared by the Blender scene build and
the PSD import of a warped smart object.

u and v are float arrays over a box of the scene (NaN where the print is not seen);
`extrapolate` runs them on past the print's edge so the resampler antialiases it, and
`stored_map` encodes them as the 16-bit bands `mockups.uvmap` reads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mockups.uvmap import ENCODED_LOW, MAX_VALUE, SPAN


def extrapolate(values: np.ndarray, steps: int) -> np.ndarray:
    """NaN pixels next to known ones get the linear continuation of their neighbours, `steps`
    rings deep; the surface is smooth, so the print's edge can run on past the carrier."""
    values = values.copy()
    height, width = values.shape
    for _ in range(steps):
        known = ~np.isnan(values)
        padded = np.pad(values, 2, constant_values=np.nan)
        sums = {"linear": np.zeros_like(values), "nearest": np.zeros_like(values)}
        counts = {"linear": np.zeros_like(values), "nearest": np.zeros_like(values)}
        for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1)):
            near = padded[2 + dy : 2 + dy + height, 2 + dx : 2 + dx + width]
            far = padded[2 + 2 * dy : 2 + 2 * dy + height, 2 + 2 * dx : 2 + 2 * dx + width]
            for kind, guess in (("linear", 2 * near - far), ("nearest", near)):
                usable = ~np.isnan(guess)
                sums[kind] += np.where(usable, guess, 0)
                counts[kind] += usable
        # the slope where two known pixels give one, else the nearest value (a lone pixel)
        with np.errstate(invalid="ignore", divide="ignore"):
            guess = np.where(
                counts["linear"] > 0,
                sums["linear"] / counts["linear"],
                sums["nearest"] / counts["nearest"],
            )
        fill = ~known & ~np.isnan(guess)
        if not fill.any():
            break
        values[fill] = guess[fill]
    return values


def stored_map(u: np.ndarray, v: np.ndarray, factor: int) -> np.ndarray:
    """u and v encoded to 16 bits, averaged over factor x factor blocks (centre values).

    Stored reduced, a pixel with no value takes its nearest neighbours': averaged or
    upsampled beside the "nothing" value, a coordinate would fall inside the print and show
    it wherever a mask's soft edge lets it through (a grey seam round a mug's handle).
    """
    bands = [_block_means(values, factor) for values in (u, v)]
    if factor > 1:
        bands = [nearest_filled(values) for values in bands]
    return np.dstack([_encoded(values) for values in bands])


def _block_means(values: np.ndarray, factor: int) -> np.ndarray:
    """Means of the known values in each factor x factor block; NaN where a block has none."""
    height, width = values.shape
    rows, columns = -(-height // factor), -(-width // factor)
    padded = np.pad(values, ((0, rows * factor - height), (0, columns * factor - width)), "edge")
    blocks = padded.reshape(rows, factor, columns, factor)
    known = ~np.isnan(blocks)
    counts = known.sum(axis=(1, 3))
    sums = np.where(known, blocks, 0.0).sum(axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def nearest_filled(values: np.ndarray) -> np.ndarray:
    """Every NaN pixel given the mean of its nearest known ones, ring by ring inwards."""
    values = values.copy()
    height, width = values.shape
    while True:
        missing = np.isnan(values)
        if not missing.any() or missing.all():
            return values
        padded = np.pad(values, 1, constant_values=np.nan)
        sums = np.zeros_like(values)
        counts = np.zeros_like(values)
        for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1)):
            near = padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width]
            usable = ~np.isnan(near)
            sums += np.where(usable, near, 0.0)
            counts += usable
        fill = missing & (counts > 0)
        values[fill] = sums[fill] / counts[fill]


def _encoded(values: np.ndarray) -> np.ndarray:
    values = np.where(np.isnan(values), ENCODED_LOW, values)
    encoded = (values - ENCODED_LOW) / SPAN * MAX_VALUE
    return np.round(np.clip(encoded, 0, MAX_VALUE)).astype(np.uint16)


def save_map(stored: np.ndarray, path: Path) -> None:
    import pyvips

    image = pyvips.Image.new_from_array(stored).copy(interpretation="grey16")
    image.pngsave(str(path), bitdepth=16, compression=9)
