"""Reading a PSD or PSB within the memory budget: its outline first, then a channel at a time.

psd-tools parses the document over a memory map of the file, shown only the header and the
layer section (see `outline`): the layers' compressed channels stay views of the file, read
from disk when a layer is drawn and handed back after each band of rows. Each channel is
decompressed on its own over the part of the layer inside the document (`channels`), and
shrunk to the output scale at once, so the biggest buffer a layer costs is one 8-bit
document-sized channel, not a float copy of the whole layer.
"""

from __future__ import annotations

import gc
import io
import logging
import mmap
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import numpy as np
from PIL import Image, ImageCms

from mockups.errors import TemplateError, printable
from mockups.psd.blend import Pixels
from mockups.psd.channels import DamagedChannel, Window, decode_window
from mockups.psd.outline import HEADER, Outline, PsdHeader, Span, check_rect

# psd-tools logs what it skips in a file (unknown blocks, odd dividers) as warnings, which
# with no handler configured reach stderr as bare lines: they go wherever the application
# sends its logs, and nowhere otherwise. What matters to the user is said by the import.
logging.getLogger("psd_tools").addHandler(logging.NullHandler())

RESAMPLE = Image.Resampling.LANCZOS
TRANSPARENCY, USER_MASK, REAL_USER_MASK = -1, -2, -3
# What psd-tools parses of a document, besides its header and layer section: no colour mode
# data, no image resources, no global blocks, and a raw flattened preview of no bytes.
NOTHING = b"\x00\x00\x00\x00"
EMPTY_PREVIEW = b"\x00\x00"


class MappedDocument(io.RawIOBase):
    """A document assembled from literal bytes and runs of a memory-mapped file.

    Large reads within one run of the file (a layer's compressed channel) come back as
    views of the map, not copies: psd-tools keeps them, but they cost memory only while
    their pages are read, and `release` hands those pages back. Anything the import does not
    need is simply left out of the parts.
    """

    VIEW_FROM_BYTES = 64 * 1024

    def __init__(self, mapping: mmap.mmap, parts: list[bytes | Span]) -> None:
        self._map = mapping
        self._parts: list[tuple[int, bytes | Span]] = []
        offset = 0
        for part in parts:
            self._parts.append((offset, part))
            offset += len(part) if isinstance(part, bytes) else part.length
        self._length = offset
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._length}[whence]
        self._position = max(0, base + offset)
        return self._position

    def read(self, size: int | None = -1):
        start = min(self._position, self._length)
        stop = self._length if size is None or size < 0 else min(self._length, start + size)
        self._position = stop
        pieces = []
        for offset, part in self._parts:
            length = len(part) if isinstance(part, bytes) else part.length
            low, high = max(start, offset), min(stop, offset + length)
            if low >= high:
                continue
            if isinstance(part, bytes):
                pieces.append(part[low - offset : high - offset])
                continue
            at = part.start + low - offset
            if high - low == stop - start and high - low >= self.VIEW_FROM_BYTES:
                return memoryview(self._map)[at : at + high - low]
            pieces.append(self._map[at : at + high - low])
        return b"".join(pieces)

    def release(self) -> None:
        """Give back the file pages read so far (they are read again from disk if needed)."""
        if hasattr(mmap, "MADV_DONTNEED"):
            self._map.madvise(mmap.MADV_DONTNEED)


def document_parts(outline: Outline, mapping: mmap.mmap) -> list[bytes | Span]:
    """The header and the layer section, with empty sections for everything else."""
    wide = ">Q" if outline.header.version == 2 else ">I"
    layer_info = outline.layer_info
    counted = struct.pack(wide, layer_info.length)
    section = struct.pack(wide, len(counted) + layer_info.length) + counted
    return [bytes(mapping[: HEADER.size]), NOTHING, NOTHING, section, layer_info, EMPTY_PREVIEW]


@contextmanager
def open_document(path: Path, outline: Outline) -> Iterator[tuple[object, MappedDocument]]:
    """The parsed document (psd_tools.PSDImage) over a map of the file: its header and its
    layers, nothing else."""
    from psd_tools import PSDImage

    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    source = MappedDocument(mapped, document_parts(outline, mapped))
    try:
        # psd-tools only reads, seeks and tells; its annotation asks for typing.IO, which no
        # io.RawIOBase subclass is
        document = PSDImage.open(cast(BinaryIO, source))
    except (OSError, ValueError, struct.error, EOFError):
        _close(mapped)
        raise TemplateError(
            f"{printable(path.name)} could not be read as a {printable(path.suffix)} file"
        ) from None
    try:
        yield document, source
    finally:
        del document
        _close(mapped)


def _close(mapped: mmap.mmap) -> None:
    """Unmap now if no layer still holds a view of the map; else when the last one goes."""
    gc.collect()
    with suppress(BufferError):
        mapped.close()


@dataclass(frozen=True)
class Scale:
    """Document pixels to output pixels."""

    factor: float
    size: tuple[int, int]

    def box(self, left: float, top: float, right: float, bottom: float) -> tuple[int, ...]:
        f = self.factor
        return round(left * f), round(top * f), round(right * f), round(bottom * f)


@dataclass(frozen=True)
class Decoder:
    """Turns a layer's channels into output-scale `Pixels`, one channel at a time, each over
    the part of the layer inside the document only."""

    header: PsdHeader
    scale: Scale
    file_name: str = ""
    icc_profile: bytes | None = None
    release: Callable[[], None] = lambda: None

    def layer_pixels(self, layer) -> Pixels | None:
        """The layer's colour and alpha on the output canvas, or None if it has no pixels."""
        rect = (layer.left, layer.top, layer.right, layer.bottom)
        inside = self._inside(rect)
        if inside is None:
            return None
        box = self.scale.box(*inside)
        if box[2] <= box[0] or box[3] <= box[1]:
            return None
        size = (box[2] - box[0], box[3] - box[1])
        channels = self._channels(layer, rect, inside, size)
        colour_ids = [i for i in sorted(channels) if i >= 0]
        if not colour_ids:
            return None
        colour = self._to_rgb([channels.pop(i) for i in colour_ids])
        alpha_image = channels.pop(TRANSPARENCY, None)
        if alpha_image is None:
            alpha = np.full((size[1], size[0]), 255, np.uint8)
        else:
            alpha = np.asarray(alpha_image)
        return _clipped(box, colour, alpha, self.scale.size)

    def mask_over(self, layer, box: tuple[int, int, int, int]) -> np.ndarray | None:
        """The layer's pixel mask over an output `box`, or None if it has no enabled one."""
        mask = layer.mask if layer.has_mask() else None
        if mask is None or mask.disabled:
            return None
        channel_id = REAL_USER_MASK if mask.has_real() else USER_MASK
        left, top, right, bottom = box
        canvas = Image.new("L", (right - left, bottom - top), mask.background_color)
        rect = (mask.left, mask.top, mask.right, mask.bottom)
        inside = self._inside(rect)
        if inside is not None:
            check_rect(self.file_name, layer.name, rect, self.header)
            mask_box = self.scale.box(*inside)
            size = (mask_box[2] - mask_box[0], mask_box[3] - mask_box[1])
            if size[0] > 0 and size[1] > 0:
                found = self._channels(layer, rect, inside, size, {channel_id})
                if channel_id in found:
                    canvas.paste(found[channel_id], (mask_box[0] - left, mask_box[1] - top))
        return np.asarray(canvas)

    def _inside(self, rect: tuple[int, int, int, int]) -> tuple[int, int, int, int] | None:
        """The part of `rect` (document pixels) inside the document, or None if none is."""
        left, top, right, bottom = rect
        inside = (
            max(left, 0),
            max(top, 0),
            min(right, self.header.width),
            min(bottom, self.header.height),
        )
        return inside if inside[0] < inside[2] and inside[1] < inside[3] else None

    def _channels(self, layer, rect, inside, size, wanted=None) -> dict[int, Image.Image]:
        left, top, right, bottom = rect
        window = Window(
            right - left,
            bottom - top,
            inside[0] - left,
            inside[1] - top,
            inside[2] - left,
            inside[3] - top,
        )
        found = {}
        for info, data in zip(layer._record.channel_info, layer._channels, strict=False):
            is_mask = info.id in (USER_MASK, REAL_USER_MASK)
            if is_mask if wanted is None else info.id not in wanted:
                continue
            if info.id < REAL_USER_MASK or not data.data:
                continue
            try:
                across = decode_window(
                    data.data,
                    int(data.compression),
                    window,
                    *self._depth_version,
                    width=size[0],
                    release=self.release,
                )
            except DamagedChannel as damage:
                raise TemplateError(
                    f"{printable(self.file_name)}: the pixels of layer "
                    f"'{printable(layer.name)}' are damaged ({damage}); save it again "
                    "from Photoshop"
                ) from None
            found[info.id] = across.resize(size, RESAMPLE)
            del across
        return found

    @property
    def _depth_version(self) -> tuple[int, int]:
        return self.header.depth, self.header.version

    def _to_rgb(self, planes: list[Image.Image]) -> np.ndarray:
        """Colour planes as one (height, width, 3) uint8 array, each plane freed once copied."""
        if self.header.mode == "CMYK":
            # Photoshop stores CMYK ink inverted: 255 is no ink.
            inks = [plane.point(lambda v: 255 - v) for plane in planes[:4]]
            planes.clear()
            return np.asarray(cmyk_to_rgb(Image.merge("CMYK", inks), self.icc_profile))
        if self.header.mode == "grayscale":
            planes = planes[:1] * 3
        width, height = planes[0].size
        colour = np.empty((height, width, 3), np.uint8)
        for index in range(3):
            colour[..., index] = np.asarray(planes.pop(0))
        return colour


def cmyk_to_rgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Through the document's own profile to sRGB when it has one; Pillow's formula if not."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError):
            pass
        else:
            assert converted is not None, "profileToProfile returns a new image unless inPlace"
            return converted
    return image.convert("RGB")


def _clipped(box, colour: np.ndarray, alpha: np.ndarray, canvas_size) -> Pixels | None:
    """The part of a layer on the canvas (views, not copies)."""
    left, top, right, bottom = box
    width, height = canvas_size
    x0, y0, x1, y1 = max(left, 0), max(top, 0), min(right, width), min(bottom, height)
    if x0 >= x1 or y0 >= y1:
        return None
    rows, columns = slice(y0 - top, y1 - top), slice(x0 - left, x1 - left)
    return Pixels(x0, y0, colour[rows, columns], alpha[rows, columns])
