"""The one guarded way Mockup Lab opens an image file: artworks and template layers alike.

The file and its header are checked against limits before a pixel is decoded; every refusal
is one line (`ImageRefused`) naming the file, never a traceback.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from mockups.errors import MockupLabError, first_line

# Pillow warns about damaged EXIF, malformed MPO headers, truncated TIFF tags and large
# images: notes for a developer, printed with file:line prefixes. A filter on Pillow's own
# modules, set once, rather than warnings.catch_warnings(), which is not thread-safe (template
# layers are decoded in worker threads).
# Deprecations still show: they are meant for this code's authors.
for _category in (UserWarning, Image.DecompressionBombWarning):
    warnings.filterwarnings("ignore", category=_category, module=r"PIL\.")

# Pillow refuses to inflate a PNG text or ICC chunk beyond its limits, with a ValueError
_OVERSIZED_METADATA = re.compile(r"MAX_TEXT_CHUNK|text chunks", re.IGNORECASE)


class ImageRefused(MockupLabError):
    """An image file refused before or while decoding; the message is one line naming it."""


@dataclass(frozen=True)
class ImageLimits:
    max_pixels: int
    max_file_bytes: int
    what: str = "image"  # how a refusal names the picture: "the artwork is 9 x 9 = ..."

    @property
    def max_megapixels(self) -> str:
        return f"{self.max_pixels / 1e6:g}"


# Template layers are 3000 px on the long side; a thumbnail is smaller still.
TEMPLATE_LAYER_LIMITS = ImageLimits(max_pixels=3000 * 3000, max_file_bytes=64 * 2**20)


def open_image(path: Path, limits: ImageLimits, label: str | None = None) -> Image.Image:
    """`path` opened but not decoded, once its file and header are inside `limits`.

    `label` starts every refusal's line (default: the file's name).
    """
    path = Path(path)
    label = label or path.name
    _check_file(path, limits, label)
    try:
        image = Image.open(path)
    except Image.DecompressionBombError as error:
        found = re.search(r"\((\d+) pixels\)", str(error))
        pixels = f"{int(found.group(1)) / 1e6:.0f} MP" if found else "too many pixels"
        raise ImageRefused(_too_large(label, limits, pixels)) from None
    except UnidentifiedImageError:
        raise ImageRefused(f"{label} is not an image file Mockup Lab can read") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRefused(unreadable(label, error)) from None
    width, height = image.size
    if width * height > limits.max_pixels:
        image.close()
        pixels = f"{width} x {height} = {width * height / 1e6:.0f} MP"
        raise ImageRefused(_too_large(label, limits, pixels))
    return image


def decode_image(path: Path, limits: ImageLimits, label: str | None = None) -> Image.Image:
    """`path` opened as `open_image` does, then decoded; a damaged file is refused."""
    label = label or Path(path).name
    image = open_image(path, limits, label)
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as error:
        image.close()
        raise ImageRefused(unreadable(label, error)) from None
    return image


def unreadable(label: str, error: BaseException) -> str:
    """The one line for a file whose header or data cannot be decoded."""
    if isinstance(error, ValueError) and _OVERSIZED_METADATA.search(str(error)):
        return (
            f"{label}: a text or colour-profile chunk is larger than Mockup Lab reads; "
            "re-save the image without its metadata"
        )
    return f"{label}: the file is truncated or corrupt ({first_line(error)})"


def _check_file(path: Path, limits: ImageLimits, label: str) -> None:
    if path.is_dir():
        raise ImageRefused(f"{label}: is a folder, not an image file")
    if not path.exists():
        raise ImageRefused(f"{label}: no such file")
    if not path.is_file():
        raise ImageRefused(f"{label}: not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise ImageRefused(f"{label}: the file is empty")
    if size > limits.max_file_bytes:
        raise ImageRefused(
            f"{label}: the file is {size / 2**20:.0f} MB; "
            f"the limit is {limits.max_file_bytes / 2**20:.0f} MB"
        )


def _too_large(label: str, limits: ImageLimits, pixels: str) -> str:
    return (
        f"{label}: the {limits.what} is {pixels}; the limit is {limits.max_megapixels} megapixels"
    )
