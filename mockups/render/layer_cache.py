"""Template layers (masks, highlights, reflections, shading, folds) kept decoded in
`$MOCKUPLAB_HOME/cache/layers`: a render reads their pixels instead of inflating their PNGs
again (studio-10's ten mockups: 0.21 CPU s of PNG decodes a render).

The cache is only ever a copy (`cached_arrays`): a file is named by the layer's file, the
crop and mode the render asks for, and the file's bytes, so a layer changed in any way is
decoded again and its earlier copy removed; a file that is not exactly the layer's type and
shape is made again, and a cache that cannot be written is done without.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from mockups.geometry import Box
from mockups.render.cached_arrays import cache_file, keep_replacing, read_array

LAYER_DIR = "layers"
VERSION = 1  # of how a layer is cropped and converted: a change to it must change this
KEPT_MODES = {"L": (), "RGB": (3,)}  # a layer in any other mode is decoded every time


def cached_layer(path: Path, recipe: str, box: Box, make: Callable[[], Image.Image]) -> Image.Image:
    """`make()`'s layer: the file at `path` decoded, cropped to `box` and converted as
    `recipe` names it; read from the cache when it holds it, kept there when not."""
    file = cache_file(LAYER_DIR, VERSION, path, f"{recipe}|{box.as_tuple()}")
    for mode, bands in KEPT_MODES.items():
        pixels = read_array(file, np.uint8, (box.height, box.width, *bands))
        if pixels is not None:
            return Image.fromarray(pixels, mode)
    layer = make()
    if layer.mode in KEPT_MODES and layer.size == box.size:
        keep_replacing(file, np.asarray(layer))
    return layer
