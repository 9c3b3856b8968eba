"""Reading a PSD or PSB within the memory budget: the header first, then one channel at a time.

psd-tools parses the document over a memory map of the file: the layers' compressed channels
stay views of the file, read from disk when a layer is drawn and handed back after it, and
the flattened preview Photoshop stores at the end is never read. Each channel is
decompressed on its own and shrunk to the output scale at once, so the biggest buffer a
layer costs is one full-size channel, not a float copy of the whole layer.
"""

from __future__ import annotations

import gc
import io
import mmap
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import numpy as np
from PIL import Image, ImageCms
from psd_tools.compression import decompress

from mockups.errors import TemplateError
from mockups.psd.blend import Pixels

SIGNATURE = b"8BPS"
HEADER = struct.Struct(">4sH6xHIIHH")
COLOUR_MODES = {1: "grayscale", 3: "RGB", 4: "CMYK"}
UNSUPPORTED_MODES = {0: "bitmap", 2: "indexed", 7: "multichannel", 8: "duotone", 9: "Lab"}
# The file is read through a memory map, a layer at a time, so its size costs little memory;
# the limits are a PSB's sanity (parsing time) and the biggest single channel decompressed at
# full size, which with the output canvases keeps a 6000 x 8000 PSD's import under 512 MB.
MAX_LAYER_SECTION_BYTES = 2 * 2**30
MAX_CHANNEL_BYTES = 128 * 2**20
RESAMPLE = Image.Resampling.LANCZOS
TRANSPARENCY, USER_MASK, REAL_USER_MASK = -1, -2, -3


@dataclass(frozen=True)
class PsdHeader:
    version: int
    channels: int
    width: int
    height: int
    depth: int
    mode: str

    @property
    def kind(self) -> str:
        return "PSB" if self.version == 2 else "PSD"


def read_header(path: Path) -> PsdHeader:
    """The document's header, refusing what cannot be imported before anything is parsed."""
    with open(path, "rb") as file:
        raw = file.read(HEADER.size)
    if len(raw) < HEADER.size or raw[:4] != SIGNATURE:
        raise TemplateError(f"{path.name} is not a Photoshop file (PSD or PSB)")
    _, version, channels, height, width, depth, mode = HEADER.unpack(raw)
    if version not in (1, 2):
        raise TemplateError(f"{path.name}: unknown Photoshop file version {version}")
    if mode in UNSUPPORTED_MODES:
        raise TemplateError(
            f"{path.name} is in {UNSUPPORTED_MODES[mode]} mode; "
            "convert it to RGB in Photoshop (Image > Mode > RGB Color)"
        )
    if mode not in COLOUR_MODES:
        raise TemplateError(f"{path.name}: unknown colour mode {mode}")
    if depth not in (8, 16):
        raise TemplateError(
            f"{path.name} has {depth} bits a channel; save it at 8 or 16 bits "
            "(Image > Mode > 8 Bits/Channel)"
        )
    return PsdHeader(version, channels, width, height, depth, COLOUR_MODES[mode])


def layer_section_end(path: Path, header: PsdHeader) -> int:
    """Offset where the flattened preview starts: everything before it is the document."""
    with open(path, "rb") as file:
        file.seek(HEADER.size)
        for size_format in (">I", ">I", ">Q" if header.version == 2 else ">I"):
            size = struct.calcsize(size_format)
            raw = file.read(size)
            if len(raw) < size:
                raise TemplateError(f"{path.name} is truncated")
            file.seek(struct.unpack(size_format, raw)[0], io.SEEK_CUR)
        end = file.tell()
        if end > file.seek(0, io.SEEK_END):
            raise TemplateError(f"{path.name} is truncated")
    return end


def check_budget(path: Path, header: PsdHeader, section_end: int) -> None:
    """Refuse a document whose parsing or whose largest channel would exceed the budget."""
    if section_end > MAX_LAYER_SECTION_BYTES:
        raise TemplateError(
            f"{path.name}: the {header.kind}'s layers take {section_end / 2**30:.1f} GB, over "
            f"the import's budget of {MAX_LAYER_SECTION_BYTES / 2**30:.0f} GB; delete the layers "
            "the mockup does not need, or save a smaller copy"
        )
    channel = header.width * header.height * header.depth // 8
    if channel > MAX_CHANNEL_BYTES:
        raise TemplateError(
            f"{path.name}: {header.width} x {header.height} at {header.depth} bits is over the "
            "import's budget; save a copy at most 8000 px wide (Image > Image Size)"
        )


class MappedDocument(io.RawIOBase):
    """A PSD file seen through a memory map, up to `end`, then an empty raw preview section.

    Large reads (a layer's compressed channel) come back as views of the map, not copies:
    psd-tools keeps them, but they cost memory only while their pages are read, and
    `release` hands those pages back after each layer. The flattened preview is never read.
    """

    EMPTY_PREVIEW = b"\x00\x00"
    VIEW_FROM_BYTES = 64 * 1024

    def __init__(self, mapping: mmap.mmap, end: int) -> None:
        self._map = mapping
        self._end = end
        self._length = end + len(self.EMPTY_PREVIEW)
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

    def read(self, size: int = -1):
        start = self._position
        stop = self._length if size is None or size < 0 else min(self._length, start + size)
        if stop <= self._end and stop - start >= self.VIEW_FROM_BYTES:
            self._position = stop
            return memoryview(self._map)[start:stop]
        data = self._map[start : min(stop, self._end)] if start < self._end else b""
        if stop > self._end:
            tail = max(start, self._end) - self._end
            data += self.EMPTY_PREVIEW[tail : stop - self._end]
        self._position = start + len(data)
        return data

    def release(self) -> None:
        """Give back the file pages read so far (they are read again from disk if needed)."""
        if hasattr(mmap, "MADV_DONTNEED"):
            self._map.madvise(mmap.MADV_DONTNEED)


@contextmanager
def open_document(path: Path, end: int) -> Iterator[tuple[object, MappedDocument]]:
    """The parsed document (psd_tools.PSDImage) over a map of the file, without its preview."""
    from psd_tools import PSDImage

    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    source = MappedDocument(mapped, end)
    try:
        # psd-tools only reads, seeks and tells; its annotation asks for typing.IO, which no
        # io.RawIOBase subclass is
        document = PSDImage.open(cast(BinaryIO, source))
    except (OSError, ValueError, struct.error, EOFError):
        _close(mapped)
        raise TemplateError(f"{path.name} could not be read as a {path.suffix} file") from None
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
    """Turns a layer's channels into output-scale `Pixels`, one channel at a time."""

    header: PsdHeader
    scale: Scale
    icc_profile: bytes | None = None
    release: Callable[[], None] = lambda: None

    def layer_pixels(self, layer) -> Pixels | None:
        """The layer's colour and alpha on the output canvas, or None if it has no pixels."""
        box = self.scale.box(layer.left, layer.top, layer.right, layer.bottom)
        if box[2] <= box[0] or box[3] <= box[1] or layer.width <= 0 or layer.height <= 0:
            return None
        size = (box[2] - box[0], box[3] - box[1])
        channels = self._channels(layer, layer.width, layer.height, size)
        colour_ids = [i for i in sorted(channels) if i >= 0]
        if not colour_ids:
            return None
        self.release()
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
        mask_box = self.scale.box(mask.left, mask.top, mask.right, mask.bottom)
        size = (mask_box[2] - mask_box[0], mask_box[3] - mask_box[1])
        if mask.width > 0 and mask.height > 0 and size[0] > 0 and size[1] > 0:
            found = self._channels(layer, mask.width, mask.height, size, {channel_id})
            if channel_id in found:
                canvas.paste(found[channel_id], (mask_box[0] - left, mask_box[1] - top))
        return np.asarray(canvas)

    def _channels(self, layer, width, height, size, wanted=None) -> dict[int, Image.Image]:
        found = {}
        for info, data in zip(layer._record.channel_info, layer._channels, strict=False):
            is_mask = info.id in (USER_MASK, REAL_USER_MASK)
            if is_mask if wanted is None else info.id not in wanted:
                continue
            if info.id < REAL_USER_MASK or not data.data:
                continue
            found[info.id] = self._channel(data, width, height).resize(
                size, RESAMPLE, reducing_gap=2.0
            )
        return found

    def _channel(self, data, width: int, height: int) -> Image.Image:
        compressed = bytes(data.data)  # one channel copied out of the map at a time
        raw = decompress(compressed, data.compression, width, height, *self._depth_version)
        del compressed
        if self.header.depth == 16:
            high_bytes = np.frombuffer(raw, np.uint8)[0::2]
            del raw
            return Image.fromarray(np.ascontiguousarray(high_bytes).reshape(height, width), "L")
        return Image.frombuffer("L", (width, height), raw, "raw", "L", 0, 1)

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
