"""A PSD's structure, walked through its length fields before psd-tools parses anything.

psd-tools copies what it parses: a tagged block, a layer's settings, and a 16-bit document's
whole layer section (kept in an `Lr16` block) are read into memory, some of them three or
four times over (an embedded 600 MB smart object peaked at 2.4 GB). This walk reads only
lengths, a few small fields and the ICC profile, through a memory map, and refuses in one
line what could not be imported within the budget. psd-tools is then shown a document of
the header and the layer section alone (`read.open_document`): the image resources, the
global blocks (embedded and linked files, patterns, filter caches) and the flattened preview
are never parsed, whatever their size. The smart objects' files are listed from their
headers.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

from psd_tools.constants import Tag
from psd_tools.psd.tagged_blocks import TaggedBlock

from mockups.errors import TemplateError, printable

SIGNATURE = b"8BPS"
HEADER = struct.Struct(">4sH6xHIIHH")
COLOUR_MODES = {1: "grayscale", 3: "RGB", 4: "CMYK"}
UNSUPPORTED_MODES = {0: "bitmap", 2: "indexed", 7: "multichannel", 8: "duotone", 9: "Lab"}
MAX_SIDE = {1: 30_000, 2: 300_000}  # a PSD's and a PSB's largest side, by the format

# The file is read through a memory map, a layer at a time, so its size costs little memory;
# the limits are a PSB's sanity (parsing time) and the document's pixels: each layer is
# decoded at 8 bits over the part of it inside the document, one channel at a time, which
# with the output canvases keeps an 8000 x 8000 document's import within the 256 MB budget.
MAX_LAYER_SECTION_BYTES = 2 * 2**30
MAX_DOCUMENT_PIXELS = 8000 * 8000
# Photoshop's own limits.
MAX_LAYERS = 8000
MAX_CHANNELS = 56
# psd-tools keeps every layer's settings (name, blend, descriptors) parsed, and copies a
# layer's settings three times while it parses them: real mockups' take well under a MB.
MAX_SETTINGS_BYTES = 32 * 2**20
# Each group level is a few frames deep in psd-tools and in the layer walk: a document nested
# hundreds deep would exhaust Python's stack. Photoshop nests groups ten deep.
MAX_GROUP_DEPTH = 32
MAX_ICC_BYTES = 4 * 2**20

# Blocks whose length is 8 bytes in a PSB, as psd-tools reads them (it parses the layers).
BIG_KEYS = frozenset(key.value for key in TaggedBlock._BIG_KEYS)
LAYERS_IN_BLOCK = (Tag.LAYER_16.value, Tag.LAYER_32.value)
LINKED_FILES = tuple(
    tag.value
    for tag in (
        Tag.LINKED_LAYER1,
        Tag.LINKED_LAYER2,
        Tag.LINKED_LAYER3,
        Tag.LINKED_LAYER_EXTERNAL,
    )
)
DIVIDERS = (Tag.NESTED_SECTION_DIVIDER_SETTING.value, Tag.SECTION_DIVIDER_SETTING.value)
UNICODE_NAME = Tag.UNICODE_LAYER_NAME.value
BLOCK_SIGNATURES = (b"8BIM", b"8B64")
LINK_KINDS = {b"liFD": "data", b"liFE": "external", b"liFA": "alias"}
ICC_PROFILE_RESOURCE = 1039
GROUP_START, GROUP_ENDS = 3, (1, 2)  # section dividers, bottom to top as the file lists them


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


@dataclass(frozen=True)
class Span:
    """A run of the file's bytes."""

    start: int
    length: int


@dataclass(frozen=True)
class LinkedFile:
    """A smart object's file, from its header: `kind` is "data" (embedded) or "external"."""

    kind: str
    filename: str
    size: int


@dataclass(frozen=True)
class Outline:
    """What the import knows before parsing: where the layers are, and what they hold."""

    header: PsdHeader
    layer_info: Span  # the layer section's body: a count, the records, the channels' data
    icc_profile: bytes | None
    linked_files: dict[str, LinkedFile]  # by the smart objects' unique ids
    group_depth: int


def read_header(path: Path) -> PsdHeader:
    """The document's header, refusing what cannot be imported before anything is parsed."""
    name = printable(path.name)
    with open(path, "rb") as file:
        raw = file.read(HEADER.size)
    if len(raw) < HEADER.size or raw[:4] != SIGNATURE:
        raise TemplateError(f"{name} is not a Photoshop file (PSD or PSB)")
    _, version, channels, height, width, depth, mode = HEADER.unpack(raw)
    if version not in (1, 2):
        raise TemplateError(f"{name}: unknown Photoshop file version {version}")
    if mode in UNSUPPORTED_MODES:
        raise TemplateError(
            f"{name} is in {UNSUPPORTED_MODES[mode]} mode; "
            "convert it to RGB in Photoshop (Image > Mode > RGB Color)"
        )
    if mode not in COLOUR_MODES:
        raise TemplateError(f"{name}: unknown colour mode {mode}")
    if depth not in (8, 16):
        raise TemplateError(
            f"{name} has {depth} bits a channel; save it at 8 or 16 bits "
            "(Image > Mode > 8 Bits/Channel)"
        )
    header = PsdHeader(version, channels, width, height, depth, COLOUR_MODES[mode])
    if not (1 <= width <= MAX_SIDE[version] and 1 <= height <= MAX_SIDE[version]):
        raise TemplateError(
            f"{name}: its header says {width} x {height} px, which no {header.kind} can be"
        )
    if width * height > MAX_DOCUMENT_PIXELS:
        raise TemplateError(
            f"{name}: {width} x {height} is over the import's budget of "
            f"{MAX_DOCUMENT_PIXELS // 10**6} megapixels; save a copy at most 8000 px wide "
            "(Image > Image Size)"
        )
    return header


class Cursor:
    """Big-endian fields of `mapping` from `position` up to `end`: reading past the end means
    a damaged file, said in one line."""

    def __init__(self, mapping: mmap.mmap, position: int, end: int, file_name: str) -> None:
        self.mapping, self.position, self.end, self.file_name = mapping, position, end, file_name

    def unpack(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        self._need(size)
        values = struct.unpack_from(fmt, self.mapping, self.position)
        self.position += size
        return values

    def number(self, fmt: str) -> int:
        return int(self.unpack(fmt)[0])

    def read(self, length: int) -> bytes:
        self._need(length)
        self.position += length
        return self.mapping[self.position - length : self.position]

    def take(self, length: int, padding: int = 1) -> Cursor:
        """The next `length` bytes as a cursor of their own; this one moves past them and the
        padding that rounds them up to a multiple of `padding`."""
        self._need(length)
        part = Cursor(self.mapping, self.position, self.position + length, self.file_name)
        self.position += length
        self.pad(length, padding)
        return part

    def pad(self, counted: int, multiple: int) -> None:
        """Skip the padding after `counted` bytes that rounds them to a `multiple`."""
        self.position = min(self.end, self.position + (-counted) % multiple)

    def remaining(self) -> int:
        return self.end - self.position

    def span(self) -> Span:
        return Span(self.position, self.end - self.position)

    def _need(self, size: int) -> None:
        if size < 0 or size > self.end - self.position:
            raise TemplateError(
                f"{printable(self.file_name)} is truncated or damaged (a section runs past "
                "its end); save it again from Photoshop"
            )


def read_outline(path: Path) -> Outline:
    """The document's outline, or a one-line refusal of what cannot be imported."""
    header = read_header(path)
    wide = ">Q" if header.version == 2 else ">I"
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as m:
        cursor = Cursor(m, HEADER.size, len(m), path.name)
        cursor.take(cursor.number(">I"))  # colour mode data
        icc_profile = _icc_profile(cursor.take(cursor.number(">I")))
        section = cursor.take(cursor.number(wide))
        if section.end > MAX_LAYER_SECTION_BYTES:
            raise TemplateError(
                f"{printable(path.name)}: the {header.kind}'s layers take "
                f"{section.end / 2**30:.1f} GB, over the import's budget of "
                f"{MAX_LAYER_SECTION_BYTES / 2**30:.0f} GB; delete the layers the mockup does "
                "not need, or save a smaller copy"
            )
        layers = section.take(section.number(wide)) if section.remaining() else None
        blocks = _global_blocks(section, header.version)
        if layers is None or layers.remaining() == 0:
            layers = next((blocks[key] for key in LAYERS_IN_BLOCK if key in blocks), layers)
        layer_info = layers.span() if layers is not None else Span(section.position, 0)
        depth = _walk_layers(layers, header, path.name) if layers is not None else 0
        linked: dict[str, LinkedFile] = {}
        for key in LINKED_FILES:
            if key in blocks:
                linked.update(_linked_files(blocks[key]))
    return Outline(header, layer_info, icc_profile, linked, depth)


def _icc_profile(resources: Cursor) -> bytes | None:
    """The ICC profile among the image resources, if it has one of a sensible size."""
    while resources.remaining() >= 12:
        _, resource_id, name_length = resources.unpack(">4sHB")
        resources.read(name_length + (name_length + 1) % 2)  # a Pascal name, padded to even
        size = resources.number(">I")
        if resource_id == ICC_PROFILE_RESOURCE and size <= MAX_ICC_BYTES:
            return resources.read(size)
        resources.take(size, padding=2)
    return None


def _global_blocks(section: Cursor, version: int) -> dict[bytes, Cursor]:
    """The layer section's global blocks by key, after its global layer mask if it has one."""
    if section.remaining() >= 4:
        marker = section.mapping[section.position : section.position + 4]
        if marker not in BLOCK_SIGNATURES:
            section.take(section.number(">I"))
    return _tagged_blocks(section, version, padding=4)


def _tagged_blocks(cursor: Cursor, version: int, padding: int) -> dict[bytes, Cursor]:
    blocks: dict[bytes, Cursor] = {}
    while cursor.remaining() >= 12:
        signature, key = cursor.unpack(">4s4s")
        if signature not in BLOCK_SIGNATURES:
            break
        length = cursor.number(">Q" if version == 2 and key in BIG_KEYS else ">I")
        blocks.setdefault(key, cursor.take(length, padding))
    return blocks


def _walk_layers(layers: Cursor, header: PsdHeader, file_name: str) -> int:
    """Check every layer record and that the channel data they announce is there; the
    depth of the deepest group."""
    if layers.remaining() == 0:
        return 0
    count = abs(layers.number(">h"))
    if count > MAX_LAYERS:
        raise TemplateError(
            f"{printable(file_name)} has {count} layers, over Photoshop's {MAX_LAYERS}"
        )
    channel = ">hQ" if header.version == 2 else ">hI"
    settings = depth = deepest = channel_bytes = 0
    for _ in range(count):
        top, left, bottom, right, channels = layers.unpack(">4iH")
        if channels > MAX_CHANNELS:
            raise TemplateError(
                f"{printable(file_name)} is damaged: a layer has {channels} channels"
            )
        channel_bytes += sum(layers.unpack(channel)[1] for _ in range(channels))
        layers.read(12)  # signature, blend mode, opacity, clipping, flags, filler
        extra = layers.take(layers.number(">I"))
        settings += extra.remaining()
        if settings > MAX_SETTINGS_BYTES:
            raise TemplateError(
                f"{printable(file_name)}: its layers' settings take over "
                f"{MAX_SETTINGS_BYTES // 2**20} MB beside their pixels, over the import's "
                "budget"
            )
        name, divider = _layer_settings(extra, header.version)
        if channels and right > left and bottom > top:
            check_rect(file_name, name, (left, top, right, bottom), header)
        if divider == GROUP_START:
            depth += 1
            deepest = max(deepest, depth)
        elif divider in GROUP_ENDS:
            depth = max(0, depth - 1)
    if deepest > MAX_GROUP_DEPTH:
        raise TemplateError(
            f"{printable(file_name)} nests groups {deepest} deep; the import takes at most "
            f"{MAX_GROUP_DEPTH} (Layer > Ungroup Layers on the inner ones)"
        )
    layers.take(channel_bytes)  # every channel's data is there, or the file is truncated
    return deepest


def _layer_settings(extra: Cursor, version: int) -> tuple[str, int | None]:
    """A layer's name and its group divider's kind (None if it is no group's edge)."""
    extra.take(extra.number(">I"))  # mask data
    extra.take(extra.number(">I"))  # blending ranges
    length = extra.number(">B")
    name = extra.read(length)
    extra.pad(length + 1, 4)  # the Pascal name is padded to a multiple of 4
    blocks = _tagged_blocks(extra, version, padding=1)
    divider = next((blocks[key] for key in DIVIDERS if key in blocks), None)
    kind = divider.number(">I") if divider is not None and divider.remaining() >= 4 else None
    if UNICODE_NAME in blocks:
        return _unicode(blocks[UNICODE_NAME]), kind
    return name.decode("mac_roman"), kind


def _unicode(cursor: Cursor) -> str:
    characters = cursor.number(">I")
    return cursor.read(2 * characters).decode("utf-16-be", "replace").rstrip("\x00")


def check_rect(
    file_name: str, layer_name: str, rect: tuple[int, int, int, int], header: PsdHeader
) -> None:
    """Refuse pixels reaching beyond the document grown by its own size on every side: only
    their part inside the document is kept, but the rest is decompressed on the way."""
    left, top, right, bottom = rect
    width, height = header.width, header.height
    if left < -width or top < -height or right > 2 * width or bottom > 2 * height:
        raise TemplateError(
            f"{printable(file_name)}: layer '{printable(layer_name)}' declares "
            f"{right - left} x {bottom - top} px at ({left}, {top}), far outside the "
            f"{width} x {height} document; crop it to the canvas in Photoshop"
        )


def _linked_files(block: Cursor) -> dict[str, LinkedFile]:
    """The files a linked-layer block holds, from their headers; their data is skipped."""
    found = {}
    while block.remaining() >= 8:
        item = block.take(block.number(">Q"), padding=4)
        kind, _version, uuid_length = item.unpack(">4sIB")
        uuid = item.read(uuid_length).decode("mac_roman")
        filename = _unicode(item)
        *_, size = item.unpack(">4s4sQ")
        found[uuid] = LinkedFile(LINK_KINDS.get(kind, "unknown"), filename, size)
    return found
