"""One channel of a layer decompressed a band of rows at a time, keeping only a window of it.

A layer's channel is stored compressed (raw, PackBits RLE, zip, or zip of row differences)
over the layer's own rectangle, which may reach far past the document. Only the `window`
inside the document is kept, at 8 bits and already resized across to the output's width:
the rows above it are skipped (RLE) or inflated and dropped a band at a time (zip), and
decompression stops after its last row, so no buffer grows with what the layer declares
beyond the document, and none is a full-resolution channel. A channel whose data ends
before its rows do, or does not inflate, is damaged: said, never drawn black.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image
from psd_tools.compression import rle_impl

RAW, RLE, ZIP, ZIP_PREDICTED = 0, 1, 2, 3
RESAMPLE = Image.Resampling.LANCZOS
# Decompressed rows handled at once, and compressed bytes fed to zlib at once: both under the
# size glibc serves by mmap during an import, so their buffers are reused, not mapped anew.
BAND_BYTES = 512 * 2**10
INPUT_CHUNK = 256 * 2**10


class DamagedChannel(ValueError):
    """The channel's data does not hold the rows its layer declares."""


@dataclass(frozen=True)
class Window:
    """The part of a `width` x `height` channel to keep: columns [left, right), rows [top,
    bottom)."""

    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int

    @property
    def size(self) -> tuple[int, int]:
        return self.right - self.left, self.bottom - self.top


def decode_window(
    data: memoryview | bytes,
    compression: int,
    window: Window,
    depth: int,
    version: int,
    *,
    width: int,
    release: Callable[[], None] = lambda: None,
) -> Image.Image:
    """The channel's `window`, resized across to `width` (its rows kept), as an 8-bit image
    (16-bit samples keep their high byte). Resizing each band across, then the whole down,
    is what Pillow's `resize` does itself (it filters across first, into an 8-bit image), so
    the result is the same as resizing the whole window. `release` is called after each
    band, to hand back the file pages read for it."""
    out = Image.new("L", (width, window.bottom - window.top))
    sample = depth // 8
    row_bytes = window.width * sample
    band = max(1, BAND_BYTES // max(1, row_bytes))
    rows_of = {RAW: _raw_rows, RLE: _rle_rows, ZIP: _zip_rows, ZIP_PREDICTED: _zip_rows}
    if compression not in rows_of:
        raise DamagedChannel(f"unknown compression {compression}")
    for first, rows in rows_of[compression](memoryview(data), window, row_bytes, band, version):
        if compression == ZIP_PREDICTED:
            rows = _undo_prediction(rows, sample)
        if sample > 1 or window.left > 0 or window.right < window.width:
            rows = np.ascontiguousarray(
                rows[:, window.left * sample : window.right * sample : sample]
            )
        across = Image.fromarray(rows, "L").resize((width, len(rows)), RESAMPLE)
        out.paste(across, (0, first - window.top))
        release()
    return out


Rows = Iterator[tuple[int, np.ndarray]]  # (index of the first row, rows x row bytes)


def _raw_rows(data: memoryview, window: Window, row_bytes: int, band: int, _version) -> Rows:
    if len(data) < window.height * row_bytes:
        raise DamagedChannel("raw data shorter than its rows")
    for first in range(window.top, window.bottom, band):
        last = min(first + band, window.bottom)
        chunk = data[first * row_bytes : last * row_bytes]
        yield first, np.frombuffer(chunk, np.uint8).reshape(last - first, row_bytes)


def _rle_rows(data: memoryview, window: Window, row_bytes: int, band: int, version) -> Rows:
    count_type = ">u2" if version == 1 else ">u4"
    counts_bytes = window.height * np.dtype(count_type).itemsize
    if len(data) < counts_bytes:
        raise DamagedChannel("RLE row lengths cut short")
    counts = np.frombuffer(data[:counts_bytes], count_type).astype(np.int64)
    row_ends = counts_bytes + np.cumsum(counts)
    if row_ends[-1] > len(data):
        raise DamagedChannel("RLE rows run past the data")
    starts, ends = (row_ends - counts).tolist(), row_ends.tolist()
    for first in range(window.top, window.bottom, band):
        last = min(first + band, window.bottom)
        decoded = b"".join(
            rle_impl.decode(data[starts[row] : ends[row]], row_bytes) for row in range(first, last)
        )
        yield first, np.frombuffer(decoded, np.uint8).reshape(last - first, row_bytes)


def _zip_rows(data: memoryview, window: Window, row_bytes: int, band: int, _version) -> Rows:
    inflater = zlib.decompressobj()
    chunks = (data[at : at + INPUT_CHUNK] for at in range(0, len(data), INPUT_CHUNK))
    pending: memoryview | bytes = b""
    for first in range(0, window.bottom, band):
        last = min(first + band, window.bottom)
        wanted = (last - first) * row_bytes
        parts, got = [], 0
        try:
            while got < wanted:
                if not pending:
                    pending = next(chunks, b"")
                    if not pending:
                        break
                piece = inflater.decompress(pending, wanted - got)
                pending = inflater.unconsumed_tail
                parts.append(piece)
                got += len(piece)
        except zlib.error as error:
            raise DamagedChannel(f"zip data does not inflate ({error})") from None
        if got < wanted:
            raise DamagedChannel("zip data ends before its rows")
        if last > window.top:
            rows = np.frombuffer(b"".join(parts), np.uint8).reshape(last - first, row_bytes)
            start = max(first, window.top)
            yield start, rows[start - first :]


def _undo_prediction(rows: np.ndarray, sample: int) -> np.ndarray:
    """Rows stored as differences from the sample to their left, summed back."""
    if sample == 1:
        return np.cumsum(rows, axis=1, dtype=np.uint8)
    samples = rows.view(">u2").astype(np.uint16)
    return np.cumsum(samples, axis=1, dtype=np.uint16).astype(">u2").view(np.uint8)
