"""A template's scene JPEG as the backdrop a mockup is spliced into (see `jpegsplice`).

A mockup changes only the part of its scene round the print. When the scene is a baseline
JPEG with restart markers in whole rows of segments, at the mockups' own quality, the render
decodes only that part (its window), draws on it, and writes the mockup as the scene's bytes
with the window's encoded anew: the rest of the scene is neither decoded nor encoded again,
and its pixels are the scene's exactly, one JPEG generation fewer than a re-encode.
`save_scene` writes scenes so; any other scene is decoded whole, as before.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image, JpegImagePlugin

from mockups.artwork.imagefile import TEMPLATE_LAYER_LIMITS, ImageRefused, open_image, unreadable
from mockups.geometry import Box
from mockups.home import CACHE, home
from mockups.render.cached_arrays import keep_array, read_array
from mockups.render.jpegsplice import (
    Layout,
    Segmented,
    cut,
    read_layout,
    read_segmented,
    restart_interval,
    spliced,
)

MOCKUP_QUALITY = 90  # every mockup's JPEG quality, and the quality a backdrop is stored at
REDUCED_DIR = "scenes"
VERSION = 1  # of `reduced`'s arithmetic: a change to it must change this
HEADER_BYTES = 2**16  # read for a scene's layout: a scene's header is a few hundred bytes
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


@dataclass(frozen=True)
class Backdrop:
    """A scene JPEG ready to splice into: its segments and the options that encode a window
    with its tables (`digest`: its bytes', naming what is cached of it)."""

    label: str
    scan: Segmented
    subsampling: int
    digest: str

    def decoded(self, part: Box) -> Image.Image:
        """The scene's pixels in `part` (a `jpegsplice.window`), RGB; a scene whose data is
        damaged there is refused in one line."""
        try:
            image = Image.open(BytesIO(cut(self.scan, part)))
            image.load()
        except _DECODE_ERRORS as error:
            raise ImageRefused(unreadable(self.label, error)) from None
        return image

    def spliced(self, part: Box, pixels: Image.Image, icc_profile: bytes) -> bytes:
        """The mockup's JPEG: the scene with `part` replaced by `pixels` (its size, RGB)."""
        encoded = BytesIO()
        pixels.save(encoded, "JPEG", icc_profile=icc_profile, **self._options())
        patch = read_segmented(encoded.getvalue())
        assert patch is not None, "Pillow writes the baseline, restart-marked JPEG asked for"
        return spliced(self.scan, part, patch)

    def _options(self) -> dict[str, int]:
        return _options(self.scan.interval, self.subsampling)


def save_scene(image: Image.Image, path: Path | BytesIO) -> None:
    """Save a template's scene as a JPEG a mockup can be spliced into (`read_backdrop`)."""
    interval = restart_interval(image.width)
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    rgb.save(path, "JPEG", **_options(interval, subsampling=2))


def read_backdrop(path: Path, label: str) -> Backdrop | None:
    """The scene at `path` as a backdrop, or None for a scene that is decoded whole: not a
    JPEG, not restart-marked in whole rows of segments, stored at another quality or with
    tables Pillow would not write (so a window could not be encoded to match), or cut
    short."""
    with open_image(path, TEMPLATE_LAYER_LIMITS, label):
        pass  # the file and its header within a template layer's limits, or refused
    header = _checked_header(path)
    if header is None:
        return None
    layout, subsampling = header
    data = path.read_bytes()
    scan = read_segmented(data)
    if scan is None or scan.tables != layout.tables:
        return None
    return Backdrop(label, scan, subsampling, hashlib.blake2b(data, digest_size=16).hexdigest())


def backdrop_layout(path: Path) -> Layout | None:
    """The layout of the scene at `path` when its header makes it a backdrop (as
    `read_backdrop` finds it, unless its data is cut short), else None."""
    header = _checked_header(path)
    return None if header is None else header[0]


def _checked_header(path: Path) -> tuple[Layout, int] | None:
    """The scene's layout and subsampling when its header makes it a backdrop, from the
    file's first HEADER_BYTES, remembered while the file is unchanged."""
    try:
        found = path.stat()
    except OSError:
        return None
    return _header(path, found.st_mtime_ns, found.st_size)


@lru_cache(maxsize=64)
def _header(path: Path, mtime_ns: int, size: int) -> tuple[Layout, int] | None:
    try:
        with path.open("rb") as file:
            head = file.read(HEADER_BYTES)
        layout = read_layout(head)
        if layout is None:
            return None
        with Image.open(BytesIO(head)) as image:
            subsampling = _rgb_jpeg_subsampling(image)
    except (OSError, SyntaxError, ValueError):
        return None
    if subsampling is None or not _encodes_alike(layout, subsampling):
        return None
    return layout, subsampling


def reduced(backdrop: Backdrop, factor: int) -> Image.Image:
    """The whole scene reduced by `factor` (`Image.reduce`), kept in the cache once made:
    what a mockup's thumbnail shows beyond its window."""
    width, height = backdrop.scan.size
    shape = (-(-height // factor), -(-width // factor), 3)
    path = home(CACHE) / REDUCED_DIR / f"v{VERSION}-{backdrop.digest}-{factor}.npy"
    pixels = read_array(path, np.uint8, shape)
    if pixels is not None:
        return Image.fromarray(pixels)
    with backdrop.decoded(Box(0, 0, width, height)) as scene:
        image = scene.reduce(factor)
    keep_array(path, np.asarray(image))
    return image


def _options(interval: int, subsampling: int) -> dict[str, int]:
    return {
        "quality": MOCKUP_QUALITY,
        "subsampling": subsampling,
        "restart_marker_blocks": interval,
    }


def _rgb_jpeg_subsampling(image: Image.Image) -> int | None:
    """An RGB JPEG's chroma subsampling as Pillow's `subsampling` option, else None."""
    if image.format != "JPEG" or image.mode != "RGB":
        return None
    subsampling = JpegImagePlugin.get_sampling(image)
    return subsampling if subsampling >= 0 else None


def _encodes_alike(scan: Layout, subsampling: int) -> bool:
    """Whether Pillow encodes a window with exactly the scene's tables: tried on one
    segment's worth of pixels."""
    probe = Image.new("RGB", (scan.interval * scan.mcu[0], scan.mcu[1]))
    encoded = BytesIO()
    probe.save(encoded, "JPEG", **_options(scan.interval, subsampling))
    written = read_segmented(encoded.getvalue())
    return written is not None and written.tables == scan.tables
