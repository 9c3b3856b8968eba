"""Each camera's grain planes made once per machine and kept in `$MOCKUPLAB_HOME/cache/grain`:
a render reads 3 MB instead of drawing and softening a million seeded normals (about 25 ms
of CPU a mockup).

The cache is only ever a copy (`cached_arrays`): a file that is not exactly the planes' type
and shape is made again, and a cache that cannot be written is done without.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mockups.home import CACHE, home
from mockups.render.cached_arrays import keep_array, read_array
from mockups.render.grain import TILE, grain_planes
from mockups.templates.model import Grain

GRAIN_DIR = "grain"
SHAPE = (3, TILE, TILE)
VERSION = 2  # of `grain_planes`' arithmetic: a change to it must change this


def cached_grain_planes(grain: Grain) -> np.ndarray:
    """`grain_planes(grain)`, read from the cache when it holds them, kept there when not."""
    path = grain_path(grain)
    planes = read_array(path, np.float32, SHAPE)
    if planes is None:
        planes = grain_planes(grain)
        keep_array(path, planes)
    return planes


def grain_path(grain: Grain) -> Path:
    """The file of `grain`'s planes: named by its seed and its exact level (`float.hex`)."""
    levels = float(grain.levels).hex()
    return home(CACHE) / GRAIN_DIR / f"v{VERSION}-{TILE}-{int(grain.seed)}-{levels}.npy"
