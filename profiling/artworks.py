"""Photo-like test artworks of a chosen size, for runs made without an artist's file.

Gradients, texture and grain, so the JPEG does not compress away; the benchmarks use the same
writer. `photo_like_artwork` runs it in a Python process of its own: its float arrays take
~1.5 GB at 4000 x 5000, which a notebook kernel (or a benchmark's parent) should not keep.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PIL import Image

Size = tuple[int, int]
ARTWORK_SIZE = (4000, 5000)
ARTWORK_SEED = 10
WRITE = (
    "import sys; from profiling.artworks import write_artwork; "
    "write_artwork(sys.argv[1], (int(sys.argv[2]), int(sys.argv[3])))"
)


def artwork_name(size: Size) -> str:
    return f"photo-{size[0]}x{size[1]}.jpg"


def photo_like_artwork(folder: Path | str, size: Size) -> Path:
    """`folder/photo-WxH.jpg`, written unless it is already there; the same pixels every time."""
    width, height = size
    if width < 1 or height < 1:
        raise ValueError(f"an artwork needs a positive size, not {width} x {height}")
    path = Path(folder) / artwork_name(size)
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part.jpg")
    command = [sys.executable, "-c", WRITE, str(partial), str(width), str(height)]
    subprocess.run(command, check=True, capture_output=True)
    partial.replace(path)
    return path


def photo_like_artworks(folder: Path | str, sizes: Iterable[Size]) -> list[Path]:
    return [photo_like_artwork(folder, size) for size in sizes]


def write_artwork(
    path: Path, size: tuple[int, int] = ARTWORK_SIZE, seed: int = ARTWORK_SEED
) -> None:
    """A photo-like JPEG: smooth gradients, sine texture and grain, so it does not compress away."""
    width, height = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    x /= width
    y /= height
    channels = []
    for _ in range(3):
        fx, fy, phase = rng.uniform(2, 40), rng.uniform(2, 40), rng.uniform(0, 2 * np.pi)
        gradient = rng.uniform(0.2, 0.8) * x + rng.uniform(0.2, 0.8) * y
        pattern = 0.25 * np.sin(2 * np.pi * (fx * x + fy * y * y) + phase)
        channels.append(0.5 * gradient + pattern + 0.25)
    pixels = np.stack(channels, axis=-1)
    pixels += rng.normal(0, 0.03, pixels.shape).astype(np.float32)
    rgb = (np.clip(pixels, 0, 1) * 255).astype(np.uint8)
    Image.fromarray(rgb, "RGB").save(path, "JPEG", quality=90)
