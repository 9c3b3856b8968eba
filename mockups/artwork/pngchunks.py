"""What a PNG's chunk headers say, read without decoding a pixel.

Pillow finds an eXIf chunk that follows the image data only by decoding the whole image
(`Image.getexif()` loads it), and most tools write eXIf there or not at all. Walking the
chunk headers reads a few bytes a chunk and seeks past the rest.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_EXIF_BYTES = 1 << 20
# A legitimate 200 MB PNG written in 8 KB IDAT chunks has 25,000 of them; past this many a
# file is built to make the walk slow, and its eXIf (if any) is not looked for.
MAX_CHUNKS = 200_000
ADAM7 = 1


@dataclass(frozen=True)
class PngChunks:
    width: int
    height: int
    bit_depth: int
    colour_type: int
    interlaced: bool
    exif: bytes | None


def read_png_chunks(path: Path) -> PngChunks | None:
    """The IHDR fields and the eXIf chunk's data; None when `path` is not a PNG."""
    with open(path, "rb") as file:
        if file.read(8) != PNG_SIGNATURE:
            return None
        if _chunk_header(file) != (13, b"IHDR"):
            return None
        width, height, bit_depth, colour_type, _, _, interlace = struct.unpack(
            ">IIBBBBB", file.read(13)
        )
        file.seek(4, 1)  # CRC
        exif = _find_exif(file)
    return PngChunks(width, height, bit_depth, colour_type, interlace == ADAM7, exif)


def _find_exif(file: BinaryIO) -> bytes | None:
    for _ in range(MAX_CHUNKS):
        header = _chunk_header(file)
        if header is None:
            return None
        length, kind = header
        if kind == b"eXIf":
            return file.read(length) if length <= MAX_EXIF_BYTES else None
        if kind == b"IEND":
            return None
        file.seek(length + 4, 1)
    return None


def _chunk_header(file: BinaryIO) -> tuple[int, bytes] | None:
    header = file.read(8)
    if len(header) < 8:
        return None
    length, kind = struct.unpack(">I4s", header)
    return length, kind
