"""Print maps written from per-pixel print coordinates: shared by the Blender scene build and
the PSD import of a warped smart object.

u and v are float arrays over a box of the scene (NaN where the print is not seen);
`extrapolate` runs them on past the print's edge so the resampler antialiases it, and
`stored_map` encodes them as the 16-bit bands `mockups.templates.uvmap` reads.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mockups.templates.uvmap import ENCODED_LOW, MAX_VALUE, SPAN


def extrapolate(values: np.ndarray, steps: int) -> np.ndarray:
    """NaN pixels next to known ones get the linear continuation of their neighbours, `steps`
    rings deep; the surface is smooth, so the print's edge can run on past the carrier."""
    values = values.copy()
    for _ in range(steps):
        known = ~np.isnan(values)
        near, far = _neighbours(values, 1), _neighbours(values, 2)
        linear = _mean_of_known([2 * n - f for n, f in zip(near, far, strict=True)], values)
        # the slope where two known pixels give one, else the nearest value (a lone pixel)
        guess = np.where(np.isnan(linear), _mean_of_known(near, values), linear)
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
    while True:
        missing = np.isnan(values)
        if not missing.any() or missing.all():
            return values
        nearest = _mean_of_known(_neighbours(values, 1), values)
        fill = missing & ~np.isnan(nearest)
        values[fill] = nearest[fill]


def _neighbours(values: np.ndarray, distance: int) -> list[np.ndarray]:
    """Each pixel's eight neighbours `distance` pixels away, one array per direction (always
    in the same order), NaN beyond the edges."""
    height, width = values.shape
    padded = np.pad(values, distance, constant_values=np.nan)
    return [
        padded[distance * (1 + dy) : distance * (1 + dy) + height,
               distance * (1 + dx) : distance * (1 + dx) + width]
        for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1))
    ]  # fmt: skip


def _mean_of_known(guesses: list[np.ndarray], like: np.ndarray) -> np.ndarray:
    """Per pixel, the mean of the guesses that are not NaN; NaN where none is."""
    sums, counts = np.zeros_like(like), np.zeros_like(like)
    for guess in guesses:
        usable = ~np.isnan(guess)
        sums += np.where(usable, guess, 0)
        counts += usable
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def _encoded(values: np.ndarray) -> np.ndarray:
    values = np.where(np.isnan(values), ENCODED_LOW, values)
    encoded = (values - ENCODED_LOW) / SPAN * MAX_VALUE
    return np.round(np.clip(encoded, 0, MAX_VALUE)).astype(np.uint16)


def save_map(stored: np.ndarray, path: Path) -> None:
    import pyvips

    image = pyvips.Image.new_from_array(stored).copy(interpretation="grey16")
    image.pngsave(str(path), bitdepth=16, compression=9)
