"""The run's artwork held once as packed bytes, and the prints libvips resizes from it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mockups.artwork.pixels import Pixels, resized, write_png


def noise(size: tuple[int, int], mode: str) -> Image.Image:
    rng = np.random.default_rng(3)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], len(mode)), np.uint8), mode)


def gradient(size: tuple[int, int]) -> Image.Image:
    return Image.radial_gradient("L").resize(size).convert("RGB")


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_the_pixels_are_the_images_bytes_row_by_row(mode):
    image = noise((1234, 1999), mode)
    pixels = Pixels.of(image)
    assert bytes(pixels.data) == image.tobytes()
    assert (pixels.size, pixels.mode) == (image.size, mode)
    assert Pixels.of(image.convert("L")).mode == "RGB"


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return noise((3000, 3000), "RGB")


@pytest.mark.limit_memory("32 MB")
def test_packing_an_image_holds_little_beyond_the_packed_bytes(photo):
    pixels = Pixels.of(photo)  # 27 MB packed; photo.tobytes() alone allocates 54 MB
    assert len(pixels.data) == 3000 * 3000 * 3


def test_a_print_resized_by_libvips_matches_pillows_lanczos():
    image = gradient((2400, 3000))
    ours = resized(Pixels.of(image), (1019, 1359))
    pillow = image.resize((1019, 1359), Image.Resampling.LANCZOS)
    difference = np.abs(np.asarray(ours, float) - np.asarray(pillow, float))
    assert ours.size == (1019, 1359) and ours.mode == "RGB"
    assert difference.mean() < 0.5 and difference.max() <= 3


def test_transparent_pixels_lend_no_colour_to_a_resized_edge():
    image = Image.new("RGBA", (400, 400), (255, 0, 0, 0))  # invisible red
    image.paste((0, 0, 255, 255), (200, 0, 400, 400))
    small = resized(Pixels.of(image), (100, 100))
    red, _, blue, alpha = small.getpixel((50, 50))
    assert alpha > 0 and red == 0 and blue == 255


def test_a_crop_box_is_resized_alone():
    image = Image.new("RGB", (400, 200), (255, 255, 255))
    image.paste((0, 0, 0), (200, 0, 400, 200))
    right = resized(Pixels.of(image), (50, 50), crop=(200, 0, 400, 200))
    assert right.getextrema() == ((0, 0), (0, 0), (0, 0))


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_a_png_is_deflated_when_that_pays_and_stored_when_not(tmp_path, mode):
    flat = Image.new(mode, (1500, 1200), (240, 200, 160, 255)[: len(mode)])
    for name, image in [("flat", flat), ("noise", noise((1500, 1200), mode))]:
        pixels = Pixels.of(image)
        path = tmp_path / f"{name}-{mode}.png"
        with path.open("wb") as file:
            write_png(pixels, file)
        with Image.open(path) as written:
            assert written.mode == mode and written.tobytes() == image.tobytes()
        raw = len(pixels.data)
        if name == "flat":
            assert path.stat().st_size < raw / 20
        else:  # stored: the rows' filter bytes and the blocks' headers, no deflate expansion
            assert path.stat().st_size < raw * 1.005
