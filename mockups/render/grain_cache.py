"""Each camera's grain planes made once per machine and kept in `$MOCKUPLAB_HOME/cache/grain`:
a render reads 3 MB instead of drawing and softening a million seeded normals (about 25 ms
of CPU a mockup).

The cache is only ever a copy: a file that is not exactly the planes' type and shape is made
again, and a cache that cannot be written is done without (the planes are made each time).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mockups.home import CACHE, home
from mockups.render.grain import TILE, grain_planes
from mockups.runs.folder import atomic_file
from mockups.templates.model import Grain

GRAIN_DIR = "grain"
SHAPE = (3, TILE, TILE)
VERSION = 1  # of `grain_planes`' arithmetic: a change to it must change this


def cached_grain_planes(grain: Grain) -> np.ndarray:
    """`grain_planes(grain)`, read from the cache when it holds them, kept there when not."""
    path = grain_path(grain)
    planes = _read(path)
    if planes is None:
        planes = grain_planes(grain)
        _keep(planes, path)
    return planes


def grain_path(grain: Grain) -> Path:
    """The file of `grain`'s planes: named by its seed and its exact level (`float.hex`)."""
    levels = float(grain.levels).hex()
    return home(CACHE) / GRAIN_DIR / f"v{VERSION}-{TILE}-{int(grain.seed)}-{levels}.npy"


def _read(path: Path) -> np.ndarray | None:
    """The planes, checked by the file's header before a byte of them is copied: a header
    declaring anything else (a planted shape of gigabytes) is refused without reading it."""
    try:
        mapped = np.load(path, mmap_mode="r", allow_pickle=False)
        if mapped.dtype != np.float32 or mapped.shape != SHAPE:
            return None
        planes = np.array(mapped, order="C")  # a copy: the file may change under a map
    except (OSError, ValueError, EOFError):
        return None
    planes.setflags(write=False)
    return planes


def _keep(planes: np.ndarray, path: Path) -> None:
    """Written through a partial file and renamed (`atomic_file`). Two processes keeping the
    same planes at once write the same bytes; a file cut short by their race fails `_read`'s
    check and is made again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as partial, partial.open("wb") as out:
            np.save(out, planes, allow_pickle=False)
    except OSError:
        pass  # a cache that cannot be written is done without
