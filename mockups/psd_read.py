"""Reading a PSD or PSB within the memory budget: the header first, then one channel at a time.

psd-tools parses the document and holds every layer's compressed channels; the flattened
preview Photoshop stores at the end (as large again) is never read. Each channel is then
decompressed on its own and shrunk to the output scale at once, so the biggest buffer a
layer costs is one full-size channel, not a float copy of the whole layer.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms

from mockups.errors import TemplateError
from mockups.psd_blend import Pixels

SIGNATURE = b"8BPS"
HEADER = struct.Struct(">4sH6xHIIHH")
COLOUR_MODES = {1: "grayscale", 3: "RGB", 4: "CMYK"}
UNSUPPORTED_MODES = {0: "bitmap", 2: "indexed", 7: "multichannel", 8: "duotone", 9: "Lab"}
# What the parsed document may hold in memory (its layers' compressed channels), and the
# biggest single channel decompressed at full size: together with the output canvases they
# keep a 6000 x 8000 PSD's import under 512 MB.
MAX_LAYER_SECTION_BYTES = 256 * 2**20
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
            f"{path.name}: the {header.kind}'s layers take {section_end / 2**20:.0f} MB, over "
            f"the import's budget of {MAX_LAYER_SECTION_BYTES / 2**20:.0f} MB; delete the layers "
            "the mockup does not need, or save a smaller copy"
        )
    channel = header.width * header.height * header.depth // 8
    if channel > MAX_CHANNEL_BYTES:
        raise TemplateError(
            f"{path.name}: {header.width} x {header.height} at {header.depth} bits is over the "
            "import's budget; save a copy at most 8000 px wide (Image > Image Size)"
        )


class WithoutPreview(io.RawIOBase):
    """A PSD file seen up to `end`, then an empty raw preview section: psd-tools skips it."""

    EMPTY_PREVIEW = b"\x00\x00"

    def __init__(self, file: io.BufferedReader, end: int) -> None:
        self._file = file
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

    def read(self, size: int = -1) -> bytes:
        stop = (
            self._length if size is None or size < 0 else min(self._length, self._position + size)
        )
        parts = []
        if self._position < min(stop, self._end):
            self._file.seek(self._position)
            parts.append(self._file.read(min(stop, self._end) - self._position))
        if stop > self._end:
            start = max(self._position, self._end) - self._end
            parts.append(self.EMPTY_PREVIEW[start : stop - self._end])
        data = b"".join(parts)
        self._position += len(data)
        return data


def open_document(path: Path, end: int):
    """The parsed document (psd_tools.PSDImage), without its flattened preview."""
    from psd_tools import PSDImage

    with open(path, "rb") as file:
        try:
            return PSDImage.open(WithoutPreview(file, end))
        except (OSError, ValueError, struct.error, EOFError) as error:
            raise TemplateError(f"{path.name} could not be read as a {path.suffix} file") from (
                error
            )


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
        raw = data.get_data(width, height, self.header.depth, self.header.version)
        if self.header.depth == 16:
            high_bytes = np.frombuffer(raw, np.uint8)[0::2]
            del raw
            return Image.fromarray(np.ascontiguousarray(high_bytes).reshape(height, width), "L")
        return Image.frombuffer("L", (width, height), raw, "raw", "L", 0, 1)

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
            colour[..., index] = np.asarray(planes[index])
            planes[index] = None
        return colour


def cmyk_to_rgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Through the document's own profile to sRGB when it has one; Pillow's formula if not."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError):
            pass
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
