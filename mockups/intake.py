"""Artwork intake: check a file, decode it once at the size the run needs, as 8-bit sRGB.

JPEGs decode with `draft()` at the smallest DCT scale that still covers the largest print
area. Other formats above PILLOW_DECODE_MEGAPIXELS are shrunk while streaming by libvips,
so a large PNG never sits decoded at full size in memory.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from mockups.colour import to_srgb
from mockups.errors import ArtworkError
from mockups.geometry import Size

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "TIFF", "GIF", "MPO"}
DRAFT_FORMATS = {"JPEG", "MPO"}
MAX_MEGAPIXELS = 150
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_WORKING_SIDE = 4000
PILLOW_DECODE_MEGAPIXELS = 16
TRANSPOSING_ORIENTATIONS = {5, 6, 7, 8}


@dataclass(frozen=True)
class ArtworkInfo:
    path: str
    format: str
    width: int
    height: int
    mode: str
    working_width: int
    working_height: int
    decoder: str


@dataclass
class Artwork:
    """The decoded working image (RGB or RGBA, sRGB) and what was learnt about its file."""

    image: Image.Image
    info: ArtworkInfo

    @property
    def has_alpha(self) -> bool:
        return self.image.mode == "RGBA"


@dataclass(frozen=True)
class ArtworkHeader:
    path: Path
    format: str
    mode: str
    stored_size: Size
    orientation: int

    @property
    def size(self) -> Size:
        """Width and height as the artwork is meant to be seen (EXIF orientation applied)."""
        return _stored(self.stored_size, self.orientation)


def read_header(path: Path) -> ArtworkHeader:
    """Everything knowable before decoding pixels; refuses bad files with one clear line."""
    path = Path(path)
    _check_file(path)
    with _open(path) as image:
        try:
            orientation = image.getexif().get(0x0112, 1)
        except (OSError, SyntaxError, ValueError) as error:
            raise ArtworkError(_corrupt(path.name, error)) from None
        return ArtworkHeader(
            path=path,
            format=image.format,
            mode=image.mode,
            stored_size=image.size,
            orientation=orientation,
        )


def load_artwork(path: Path, min_size: Size | None = None) -> Artwork:
    """Decode `path` once, no smaller than `min_size` where the file allows, at most 4000 px."""
    header = read_header(path)
    target = working_size(header.size, min_size)
    if streams_through_vips(header):
        from mockups.vips_intake import shrink_with_vips

        image, decoder = shrink_with_vips(header.path, target), "libvips"
    else:
        image, decoder = _decode_with_pillow(header, target)
    info = ArtworkInfo(
        path=str(header.path),
        format=header.format,
        width=header.size[0],
        height=header.size[1],
        mode=header.mode,
        working_width=image.width,
        working_height=image.height,
        decoder=decoder,
    )
    return Artwork(image=image, info=info)


def streams_through_vips(header: ArtworkHeader) -> bool:
    """True when the artwork is shrunk by libvips while read, not decoded whole by Pillow."""
    megapixels = header.stored_size[0] * header.stored_size[1] / 1e6
    return header.format not in DRAFT_FORMATS and megapixels > PILLOW_DECODE_MEGAPIXELS


def _check_file(path: Path) -> None:
    name = path.name
    if not path.is_file():
        raise ArtworkError(f"{name}: no such file")
    size = path.stat().st_size
    if size == 0:
        raise ArtworkError(f"{name}: the file is empty")
    if size > MAX_FILE_BYTES:
        raise ArtworkError(
            f"{name}: the file is {size / 2**20:.0f} MB; "
            f"the limit is {MAX_FILE_BYTES / 2**20:.0f} MB"
        )


def _open(path: Path) -> Image.Image:
    name = path.name
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
    except Image.DecompressionBombError as error:
        found = re.search(r"\((\d+) pixels\)", str(error))
        size = f"{int(found.group(1)) / 1e6:.0f} MP" if found else "too many pixels"
        raise ArtworkError(_too_large(name, size)) from None
    except UnidentifiedImageError:
        raise ArtworkError(f"{name}: not an image file Mockup Lab can read") from None
    except OSError as error:
        raise ArtworkError(f"{name}: cannot be read ({error})") from None
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise ArtworkError(
            f"{name}: {image.format} files are not accepted; use JPEG, PNG, WebP, TIFF or GIF"
        )
    width, height = image.size
    if width * height > MAX_MEGAPIXELS * 1_000_000:
        image.close()
        raise ArtworkError(_too_large(name, f"{width} x {height} = {width * height / 1e6:.0f} MP"))
    return image


def _corrupt(name: str, error: Exception) -> str:
    return f"{name}: the file is truncated or corrupt ({error})"


def _too_large(name: str, size: str) -> str:
    return f"{name}: the artwork is {size}; the limit is {MAX_MEGAPIXELS} megapixels"


def working_size(size: Size, min_size: Size | None) -> Size:
    """The smallest size keeping the aspect ratio that covers `min_size`, within the 4000 px cap."""
    width, height = size
    scale = MAX_WORKING_SIDE / max(width, height)
    if min_size is not None:
        scale = min(scale, max(min_size[0] / width, min_size[1] / height))
    scale = min(1.0, scale)
    return (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale)))


def _decode_with_pillow(header: ArtworkHeader, target: Size) -> tuple[Image.Image, str]:
    image = _open(header.path)
    decoder = "pillow"
    try:
        if image.format in DRAFT_FORMATS:
            image.draft(None, _stored(target, header.orientation))
            scale = header.stored_size[0] // image.size[0]
            decoder = "pillow" if scale == 1 else f"pillow-draft-1/{scale}"
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        srgb = to_srgb(image)
    except (OSError, SyntaxError, ValueError) as error:
        image.close()
        raise ArtworkError(_corrupt(header.path.name, error)) from None
    if srgb is not image:
        image.close()
    if max(srgb.size) > MAX_WORKING_SIDE:
        srgb.thumbnail(
            (MAX_WORKING_SIDE, MAX_WORKING_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
    return srgb, decoder


def _stored(size: Size, orientation: int) -> Size:
    """A size in the file's stored orientation, from the same size as seen."""
    return (size[1], size[0]) if orientation in TRANSPOSING_ORIENTATIONS else size
