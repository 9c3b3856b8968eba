"""Photo-like test artworks of a chosen size, for runs made without an artist's file.

The pixels come from the benchmarks' own writer (`bench.common.write_artwork`: gradients,
texture and grain, so the JPEG does not compress away). It runs in a Python process of its
own: its float arrays take ~1.5 GB at 4000 x 5000, which a notebook kernel should not keep.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

Size = tuple[int, int]
ROOT = Path(__file__).resolve().parents[1]
WRITE = (
    "import sys; from bench.common import write_artwork; "
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
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    partial.replace(path)
    return path


def photo_like_artworks(folder: Path | str, sizes: Iterable[Size]) -> list[Path]:
    return [photo_like_artwork(folder, size) for size in sizes]
