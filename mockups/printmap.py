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
    """u and v encoded to 16 bits, averaged over factor x factor blocks (centre values)."""
    height, width = u.shape
    rows, columns = -(-height // factor), -(-width // factor)
    bands = []
    for values in (u, v):
        values = np.where(np.isnan(values), ENCODED_LOW, values)
        padded = np.pad(
            values, ((0, rows * factor - height), (0, columns * factor - width)), "edge"
        )
        blocks = padded.reshape(rows, factor, columns, factor).mean(axis=(1, 3))
        encoded = (blocks - ENCODED_LOW) / SPAN * MAX_VALUE
        bands.append(np.round(np.clip(encoded, 0, MAX_VALUE)).astype(np.uint16))
    return np.dstack(bands)


def save_map(stored: np.ndarray, path: Path) -> None:
    import pyvips

    image = pyvips.Image.new_from_array(stored).copy(interpretation="grey16")
    image.pngsave(str(path), bitdepth=16, compression=9)
