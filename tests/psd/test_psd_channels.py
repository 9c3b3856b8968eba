"""A channel decoded a band at a time over a window: the same pixels as psd-tools' whole decode,
cropped and resized, for every compression Photoshop writes; damaged data said, never black."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from psd_tools.compression import compress, decompress
from psd_tools.constants import Compression

from mockups.psd import channels
from mockups.psd.channels import DamagedChannel, Window, decode_window

WIDTH, HEIGHT = 301, 203
WINDOW = Window(WIDTH, HEIGHT, left=17, top=29, right=250, bottom=180)


def samples(depth: int) -> bytes:
    rng = np.random.default_rng(depth)
    values = rng.integers(0, 2**depth, (HEIGHT, WIDTH))
    return values.astype(">u2" if depth == 16 else np.uint8).tobytes()


@pytest.mark.parametrize("depth", [8, 16])
@pytest.mark.parametrize("compression", list(Compression))
def test_each_compression_decodes_the_window_as_the_whole_channel_cropped(
    compression, depth, monkeypatch
):
    monkeypatch.setattr(channels, "BAND_BYTES", 7 * WIDTH * depth // 8)  # bands of 7 rows
    data = compress(samples(depth), compression, WIDTH, HEIGHT, depth)
    whole = np.frombuffer(decompress(data, compression, WIDTH, HEIGHT, depth), np.uint8)
    high_bytes = whole.reshape(HEIGHT, -1)[:, :: depth // 8]
    cropped = np.ascontiguousarray(
        high_bytes[WINDOW.top : WINDOW.bottom, WINDOW.left : WINDOW.right]
    )
    expected = Image.fromarray(cropped, "L").resize((120, WINDOW.size[1]), Image.LANCZOS)
    decoded = decode_window(data, compression, WINDOW, depth, 1, width=120)
    assert decoded.size == (120, WINDOW.size[1])
    assert np.array_equal(np.asarray(decoded), np.asarray(expected))


def test_a_band_is_handed_back_as_soon_as_it_is_decoded(monkeypatch):
    monkeypatch.setattr(channels, "BAND_BYTES", 10 * WIDTH)
    data = compress(samples(8), Compression.RLE, WIDTH, HEIGHT, 8)
    released = []
    decode_window(data, Compression.RLE, WINDOW, 8, 1, width=50, release=lambda: released.append(1))
    assert len(released) == -(-WINDOW.size[1] // 10)


@pytest.mark.parametrize(
    ("compression", "damage"),
    [
        (Compression.ZIP, lambda data: data[: len(data) // 2]),
        (Compression.ZIP, lambda data: b"not zip at all" + data),
        (Compression.RLE, lambda data: data[: len(data) // 2]),
        (Compression.RAW, lambda data: data[:-1]),
    ],
)
def test_damaged_data_is_refused_not_drawn_black(compression, damage):
    data = compress(samples(8), compression, WIDTH, HEIGHT, 8)
    with pytest.raises(DamagedChannel):
        decode_window(damage(data), compression, WINDOW, 8, 1, width=50)
