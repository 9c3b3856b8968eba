"""A JPEG cut into rectangles of whole restart segments, and a rectangle replaced.

A baseline JPEG saved with a restart marker every `interval` MCUs, where `interval` divides
an MCU row, is a grid of segments coded on their own: the entropy coder starts afresh (its
DC predictions at zero) after each marker. So a rectangle of whole segments is a JPEG of its
own once the scene's header is given the rectangle's size, and a JPEG of the same rectangle,
encoded with the same tables and interval, can take its place in the scene's grid. The rest
of the image stays the scene's own bytes: not decoded, not encoded again.

Pure functions of bytes: `Layout` is what a file's header says of it, `Segmented` its
segments too.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

import numpy as np

from mockups.geometry import Box, Size

SOI, EOI = b"\xff\xd8", b"\xff\xd9"
BASELINE = 0xC0
SOS, DQT, DHT, DRI = 0xDA, 0xDB, 0xC4, 0xDD
OTHER_FRAMES = frozenset(range(0xC1, 0xD0)) - {DHT, 0xC8, 0xCC}  # progressive, lossless...
MARKER = b"\xff\xd0"  # a restart marker, numbered when its scan is joined (`_joined`)
MAX_INTERVAL = 8  # MCUs per segment the writers choose, at most (see `restart_interval`)


@dataclass(frozen=True)
class Layout:
    """A baseline JPEG's header and how its scan is cut: restart segments of `interval`
    MCUs, whole rows of them.

    `tables`: the quantisation and Huffman tables, the components' sampling and table
    choices and the interval, as stored: a JPEG spliced into this one must share them."""

    header: bytes  # from SOI to the end of the SOS segment
    frame_at: int  # where the SOF segment starts in `header`
    size: Size
    mcu: Size
    interval: int
    tables: bytes

    @property
    def columns(self) -> int:
        """Segments per row of MCUs."""
        return math.ceil(self.size[0] / self.mcu[0]) // self.interval

    @property
    def rows(self) -> int:
        return math.ceil(self.size[1] / self.mcu[1])


@dataclass(frozen=True, eq=False)
class Segmented(Layout):
    """A `Layout` with the file it describes and where in it each of its scan's segments
    starts and ends (row by row, the restart markers between them left out).

    Offsets, not a bytes object a segment: a memory profile records every allocation over
    512 bytes, and a scene has thousands of segments."""

    data: bytes = b""
    starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ends: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def restart_interval(width: int, mcu_width: int = 16) -> int:
    """The most MCUs, up to MAX_INTERVAL, that divide a row of an image `width` px wide:
    the restart interval that makes it spliceable (16 px MCUs: 4:2:0, Pillow's default)."""
    columns = math.ceil(width / mcu_width)
    return max(n for n in range(1, MAX_INTERVAL + 1) if columns % n == 0)


def read_layout(data: bytes) -> Layout | None:
    """The layout `data` (a whole JPEG, or its start as far as its scan) declares, or None
    when it cannot be spliced: not a baseline JPEG of one interleaved scan, or no restart
    interval that divides its MCU rows."""
    if not data.startswith(SOI):
        return None
    try:
        return _layout(data)
    except (IndexError, struct.error, ValueError):
        return None


def read_segmented(data: bytes) -> Segmented | None:
    """The whole JPEG `data` cut into its segments, or None when it cannot be spliced
    (`read_layout`) or is cut short."""
    layout = read_layout(data)
    if layout is None:
        return None
    start = len(layout.header)
    scan = np.frombuffer(data, np.uint8, offset=start)
    prefixes = np.flatnonzero(scan[:-1] == 0xFF)
    following = scan[prefixes + 1]
    restarts = (following >= 0xD0) & (following <= 0xD7)
    others = prefixes[(following != 0) & ~restarts]  # 0xFF 0x00 is a stuffed 0xFF byte
    if not len(others) or data[start + others[0] : start + others[0] + 2] != EOI:
        return None
    markers = prefixes[restarts]
    markers = markers[markers < others[0]] + start
    if len(markers) + 1 != layout.rows * layout.columns:
        return None
    starts = np.concatenate(([start], markers + 2))
    ends = np.concatenate((markers, [start + others[0]]))
    return Segmented(**vars(layout), data=data, starts=starts, ends=ends)


def _layout(data: bytes) -> Layout | None:
    position, frame_at, frame, interval = 2, -1, b"", 0
    tables = bytearray()
    while True:
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        (length,) = struct.unpack_from(">H", data, position + 2)
        body = data[position + 4 : position + 2 + length]
        if marker in OTHER_FRAMES:
            return None
        if marker == BASELINE:
            frame_at, frame = position, body
        elif marker in (DQT, DHT):
            tables += body
        elif marker == DRI:
            (interval,) = struct.unpack_from(">H", body)
        position += 2 + length
        if marker == SOS:
            break
    if not frame or not interval or frame[0] != 8 or position > len(data):
        return None
    height, width, components = struct.unpack_from(">HHB", frame, 1)
    specs = frame[6 : 6 + 3 * components]
    if body[0] != components or body[-3:] != b"\x00\x3f\x00" or height == 0:
        return None  # a scan of some components only, or a progressive one
    mcu = (8 * max(s >> 4 for s in specs[1::3]), 8 * max(s & 15 for s in specs[1::3]))
    if components == 1:
        mcu = (8, 8)  # one component is coded block by block, whatever its sampling
    if math.ceil(width / mcu[0]) % interval:
        return None
    tables += specs + body + struct.pack(">H", interval)
    return Layout(data[:position], frame_at, (width, height), mcu, interval, bytes(tables))


def window(scan: Layout, box: Box) -> Box:
    """The smallest rectangle of whole segments that holds `box` (clipped to the image)."""
    across, down = scan.interval * scan.mcu[0], scan.mcu[1]
    left, top = max(0, box.left) // across, max(0, box.top) // down
    right = min(scan.columns, math.ceil(box.right / across))
    bottom = min(scan.rows, math.ceil(box.bottom / down))
    width, height = scan.size
    return Box(left * across, top * down, min(width, right * across), min(height, bottom * down))


def cut(scan: Segmented, part: Box) -> bytes:
    """A JPEG of `part` (a `window`) of the image: its segments under the image's header."""
    across = _segment_columns(scan, part)
    runs = [(scan, first, first + len(across)) for first in _row_firsts(scan, part)]
    return b"".join([*_head(scan.header, scan.frame_at, part.size), _joined(runs), EOI])


def spliced(scan: Segmented, part: Box, patch: Segmented) -> bytes:
    """The image with `part` (a `window`) replaced by `patch`, a JPEG of `part`'s size that
    shares its tables and interval. The header is `patch`'s, at the image's size (so the
    patch's metadata, a colour profile, is the result's). Between the window's rows the
    image's own bytes are copied whole."""
    if patch.tables != scan.tables or patch.size != part.size:
        raise ValueError("the patch was not encoded with the image's tables at the part's size")
    across = len(_segment_columns(scan, part))
    runs: list[Run] = []
    done = 0
    for row, first in enumerate(_row_firsts(scan, part)):
        if first > done:
            runs.append((scan, done, first))
        runs.append((patch, row * across, (row + 1) * across))
        done = first + across
    if done < len(scan.starts):
        runs.append((scan, done, len(scan.starts)))
    return b"".join([*_head(patch.header, patch.frame_at, scan.size), _joined(runs), EOI])


Run = tuple[Segmented, int, int]  # segments first to stop (exclusive) of a scan


def _joined(runs: list[Run]) -> bytearray:
    """The runs' segments one after another, as one scan: each run copied whole (with the
    markers between its segments), a marker between runs, and every marker numbered again
    in one pass over the scan: entropy-coded data stuffs each 0xFF it holds (0xFF 0x00), so
    0xFF 0xD0-0xD7 there is always a restart marker."""
    lengths = [int(scan.ends[stop - 1] - scan.starts[first]) for scan, first, stop in runs]
    joined = bytearray(sum(lengths) + 2 * (len(runs) - 1))
    at = 0
    # through a memoryview: a bytearray's own slice assignment copies a view's bytes first
    with memoryview(joined) as out:
        for index, (scan, first, _) in enumerate(runs):
            if index:
                out[at : at + 2] = MARKER
                at += 2
            begin = int(scan.starts[first])
            out[at : at + lengths[index]] = memoryview(scan.data)[begin : begin + lengths[index]]
            at += lengths[index]
    scan_bytes = np.frombuffer(joined, np.uint8)
    prefixes = np.flatnonzero(scan_bytes[:-1] == 0xFF)
    numbers = prefixes[(scan_bytes[prefixes + 1] & 0xF8) == 0xD0] + 1
    scan_bytes[numbers] = 0xD0 + (np.arange(len(numbers)) & 7)
    return joined


def _row_firsts(scan: Segmented, part: Box) -> list[int]:
    """Per row of segments `part` covers, the index of its first segment in the scan."""
    first_column = _segment_columns(scan, part).start
    return [row * scan.columns + first_column for row in _segment_rows(scan, part)]


def _segment_columns(scan: Segmented, part: Box) -> range:
    across = scan.interval * scan.mcu[0]
    return range(part.left // across, math.ceil(part.right / across))


def _segment_rows(scan: Segmented, part: Box) -> range:
    return range(part.top // scan.mcu[1], math.ceil(part.bottom / scan.mcu[1]))


def _head(header: bytes, frame_at: int, size: Size) -> list[bytes | memoryview]:
    """`header` with the frame's size set to `size`, as the first parts of a file."""
    at = frame_at + 5  # the frame's height and width follow its marker, length and precision
    return [header[:at], struct.pack(">HH", size[1], size[0]), header[at + 4 :]]
