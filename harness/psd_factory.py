"""PSDs with known geometry, written by psd-tools: smart objects built from their blocks.

psd-tools writes pixel layers and groups but not smart objects, so `add_smart_object`
adds the two blocks Photoshop writes for one (`PlLd` with the placed quad, `SoLd` with its
id and warp) and the document's `lnk2` block with the embedded file (or a `liFE` link
without it, as a PSD whose linked file was not packaged).

Hostile documents too: `declare_rect` gives a layer a rect far past the document with
channels that decompress to it (a zip or RLE bomb), `nest_groups` nests groups,
`SmartObjectSpec.embedded_bytes` embeds a large file, and `move_layers_into_block` lays a
16-bit document out as Photoshop does (its layers inside an `Lr16` block).
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from psd_tools import PSDImage
from psd_tools.compression import rle_impl
from psd_tools.constants import (
    BlendMode,
    Compression,
    LinkedLayerType,
    PlacedLayerType,
    Tag,
)
from psd_tools.psd.descriptor import (
    Descriptor,
    DescriptorBlock,
    DescriptorBlock2,
    Double,
    Enumerated,
    Integer,
    ObjectArray,
    String,
    UnitFloat,
    UnitFloats,
)
from psd_tools.psd.layer_and_mask import ChannelData
from psd_tools.psd.linked_layer import LinkedLayer, LinkedLayers
from psd_tools.psd.tagged_blocks import TaggedBlock
from psd_tools.terminology import Unit

Quad = tuple[tuple[float, float], ...]
Mesh = tuple[tuple[float, float], ...]  # 16 control points, rows top to bottom


@dataclass
class SmartObjectSpec:
    """`mesh` (with `warp="warpCustom"`) is the warp's 4 x 4 control grid in the smart
    object's own pixels, `content` its size (width, height): Photoshop's `bounds`."""

    name: str
    quad: Quad
    linked: bool = False
    warp: str = "warpNone"
    opacity: int = 255
    mesh: Mesh | None = None
    content: tuple[float, float] = (600.0, 400.0)
    embedded_bytes: int = 0  # the embedded file's size; 0 for a small PNG
    filename: str = "design.png"


def even_mesh(width: float, height: float) -> list[list[float]]:
    """The unwarped control grid over a `width` x `height` smart object: [x, y] per point."""
    return [[width * column / 3, height * row / 3] for row in range(4) for column in range(4)]


def warp_descriptor(spec: SmartObjectSpec, kind=Descriptor):
    """The `warp` descriptor as Photoshop writes it (custom warps carry their mesh)."""
    warp = kind()
    warp[b"warpStyle"] = Enumerated(b"warpStyle", spec.warp.encode())
    warp[b"warpValue"] = Double(50.0 if spec.warp not in ("warpNone", "warpCustom") else 0.0)
    warp[b"warpPerspective"] = Double(0.0)
    warp[b"warpPerspectiveOther"] = Double(0.0)
    warp[b"warpRotate"] = Enumerated(b"Ornt", b"Hrzn")
    width, height = spec.content
    bounds = Descriptor(classID=b"classFloatRect")
    for key, value in ((b"Top ", 0.0), (b"Left", 0.0), (b"Btom", height), (b"Rght", width)):
        bounds[key] = UnitFloat(unit=Unit.Pixels, value=value)
    warp[b"bounds"] = bounds
    warp[b"uOrder"] = Integer(4)
    warp[b"vOrder"] = Integer(4)
    if spec.mesh is not None:
        points = ObjectArray(items_count=len(spec.mesh), classID=b"rationalPoint")
        points[b"Hrzn"] = UnitFloats(unit=Unit.Pixels, values=[x for x, _ in spec.mesh])
        points[b"Vrtc"] = UnitFloats(unit=Unit.Pixels, values=[y for _, y in spec.mesh])
        envelope = Descriptor(classID=b"customEnvelopeWarp")
        envelope[b"meshPoints"] = points
        warp[b"customEnvelopeWarp"] = envelope
    return warp


@dataclass
class PsdBuilder:
    """A document built bottom to top: `add_pixels`, `add_smart_object`, then `save`."""

    size: tuple[int, int]
    mode: str = "RGB"
    depth: int = 8
    document: PSDImage = field(init=False)
    links: list[LinkedLayer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.document = PSDImage.new(self.mode, self.size, depth=self.depth)

    def add_pixels(
        self,
        image: Image.Image,
        name: str,
        left: int = 0,
        top: int = 0,
        blend: BlendMode = BlendMode.NORMAL,
        opacity: int = 255,
        parent=None,
        visible: bool = True,
        clipping: bool = False,
    ):
        container = parent if parent is not None else self.document
        layer = container.create_pixel_layer(
            image.convert(self.mode if self.mode != "RGB" else image.mode),
            name=name,
            left=left,
            top=top,
            opacity=opacity,
            blend_mode=blend,
        )
        layer.visible = visible
        if clipping:
            layer.clipping = True
        return layer

    def add_smart_object(self, spec: SmartObjectSpec, parent=None, placeholder=None):
        xs = [x for x, _ in spec.quad]
        ys = [y for _, y in spec.quad]
        left, top = int(min(xs)), int(min(ys))
        size = (max(1, int(max(xs)) - left), max(1, int(max(ys)) - top))
        pixels = placeholder or Image.new("RGBA", size, (220, 30, 30, 255))
        layer = self.add_pixels(pixels, spec.name, left, top, opacity=spec.opacity, parent=parent)
        if spec.mesh is not None and layer.has_mask():
            # psd-tools keeps an RGBA placeholder's alpha as a layer mask over the quad's box,
            # which would hide the warp where it leaves it; Photoshop's smart objects have none
            layer.remove_mask()
        uuid = f"so-{len(self.links)}-{spec.name}"
        corners = tuple(float(v) for corner in spec.quad for v in corner)
        blocks = layer._record.tagged_blocks
        blocks.set_data(
            Tag.PLACED_LAYER1,
            b"plcL",
            3,
            uuid.encode(),
            1,
            1,
            0,
            PlacedLayerType.RASTER,
            corners,
            warp_descriptor(spec, DescriptorBlock2),
        )
        config = DescriptorBlock()
        config[b"Idnt"] = String(uuid)
        config[b"warp"] = warp_descriptor(spec)
        blocks.set_data(Tag.SMART_OBJECT_LAYER_DATA1, b"soLD", 4, config)
        self.links.append(_link(uuid, spec))
        return layer

    def save(self, path: Path, preview: bool = True) -> Path:
        """Write the document; `preview=False` keeps the blank flattened preview (much faster
        for big documents: psd-tools composites the preview in float64)."""
        if self.links:
            blocks = self.document._record.layer_and_mask_information.tagged_blocks
            key = Tag.LINKED_LAYER2
            blocks[key] = TaggedBlock(key=key, data=LinkedLayers(self.links))
        if preview:
            self.document.save(path)
        else:
            with open(path, "wb") as file:
                self.document._record.write(file)
        return path


def _link(uuid: str, spec: SmartObjectSpec) -> LinkedLayer:
    if spec.linked:
        where = DescriptorBlock()
        where[b"relPath"] = String("missing/design.png")
        return LinkedLayer(
            kind=LinkedLayerType.EXTERNAL,
            version=7,
            uuid=uuid,
            filename=spec.filename,
            filetype=b"png ",
            creator=b"8BIM",
            linked_file=where,
            timestamp=(0, 0, 0, 0, 0, 0.0),
            filesize=0,
            data=b"",
            child_id="",
            mod_time=0.0,
            lock_state=0,
        )
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "PNG")
    png = buffer.getvalue()
    # a large file is a zero-filled bytearray: its pages cost nothing until written out
    data = bytearray(max(spec.embedded_bytes, len(png)))
    data[: len(png)] = png
    return LinkedLayer(
        kind=LinkedLayerType.DATA,
        version=7,
        uuid=uuid,
        filename=spec.filename,
        filetype=b"png ",
        creator=b"8BIM",
        data=data,
        child_id="",
        mod_time=0.0,
        lock_state=0,
    )


def nest_groups(builder: PsdBuilder, depth: int, parent=None):
    """`depth` groups, each inside the one before; the innermost."""
    group = parent if parent is not None else builder.document
    for level in range(depth):
        group = group.create_group(name=f"group {level + 1}")
    return group


def declare_rect(
    layer,
    rect: tuple[int, int, int, int],
    compression: Compression = Compression.ZIP,
    value: int = 128,
) -> None:
    """Give `layer` the rect (left, top, right, bottom) and channels of that size holding
    `value` everywhere, compressed without ever holding a whole channel (a decompression
    bomb when the rect is large)."""
    left, top, right, bottom = rect
    width, height = right - left, bottom - top
    if compression == Compression.RLE:
        row = rle_impl.encode(bytes([value]) * width)
        data = struct.pack(f">{height}H", *[len(row)] * height) + row * height
    else:
        deflate = zlib.compressobj(9)
        rows_at_once = max(1, 2**22 // width)
        chunk = bytes([value]) * (width * rows_at_once)
        parts = []
        for first in range(0, height, rows_at_once):
            rows = min(rows_at_once, height - first)
            parts.append(deflate.compress(chunk[: rows * width]))
        data = b"".join([*parts, deflate.flush()])
    record = layer._record
    record.left, record.top, record.right, record.bottom = rect
    for index in range(len(layer._channels)):
        layer._channels[index] = ChannelData(compression=compression, data=data)


def move_layers_into_block(path: Path) -> Path:
    """Rewrite a saved PSD (8 or 16 bits) as Photoshop lays out 16-bit documents: an empty
    layer info, and the layers in an `Lr16` block among the global blocks."""
    raw = path.read_bytes()
    position = 26
    for _ in range(2):  # colour mode data, image resources
        position += 4 + struct.unpack_from(">I", raw, position)[0]
    (section_length,) = struct.unpack_from(">I", raw, position)
    section_start, section_end = position + 4, position + 4 + section_length
    (info_length,) = struct.unpack_from(">I", raw, section_start)
    info = raw[section_start + 4 : section_start + 4 + info_length]
    rest = raw[section_start + 4 + info_length : section_end]
    mask_length = 0 if rest[:4] in (b"8BIM", b"8B64") else 4 + struct.unpack(">I", rest[:4])[0]
    global_mask, blocks = rest[:mask_length], rest[mask_length:]
    padded = info + bytes(-len(info) % 4)
    block = b"8BIMLr16" + struct.pack(">I", len(padded)) + padded
    section = struct.pack(">I", 0) + global_mask + block + blocks
    path.write_bytes(raw[:position] + struct.pack(">I", len(section)) + section + raw[section_end:])
    return path
