"""The run's artwork held once, as bytes that libvips reads in place, and resized by libvips.

libvips' lanczos3 `resize` gives the same print as Pillow's LANCZOS (mean difference under
0.3 of a level) in a fifth of the time (27 ms against 134 ms for a 2400 x 3000 artwork to a
1019 x 1359 print, one thread), so the ten prints of a run are resized there.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, BinaryIO

from PIL import Image

from mockups.errors import first_line
from mockups.geometry import Size

BANDS = {"RGB": 3, "RGBA": 4, "RGBa": 4}
STRIP_BYTES = 2**20
SAMPLE_BYTES = 2**17  # per strip of rows a PNG's compression is judged on
DEFLATE_WORTH_IT = 0.8  # of the sampled bytes: deflate must save a fifth to be used


@dataclass(frozen=True, eq=False)
class Pixels:
    """An 8-bit RGB, RGBA or premultiplied RGBa image as packed bytes, rows top to bottom."""

    data: bytes | bytearray
    size: Size
    mode: str

    @classmethod
    def of(cls, image: Image.Image) -> Pixels:
        """`image`'s pixels, copied a strip of rows at a time.

        `Image.tobytes` would hold its encoded chunks and their joined copy at once, twice
        the packed size beside the image (a 10 MP photo: 60 MB on top of Pillow's 40 MB).
        """
        if image.mode not in BANDS:
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        width, height = image.size
        row_bytes = width * BANDS[image.mode]
        data = bytearray(row_bytes * height)
        rows = max(1, STRIP_BYTES // row_bytes)
        for top in range(0, height, rows):
            with image.crop((0, top, width, min(height, top + rows))) as strip:
                data[top * row_bytes : (top + rows) * row_bytes] = strip.tobytes()
        return cls(data, image.size, image.mode)

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]

    def rows(self, top: int, bottom: int) -> Image.Image:
        """Rows `top` to `bottom` as a new Pillow image; premultiplied RGBa comes out straight
        RGBA, divided by its alpha as Pillow unpacks it (one pass in C, no float copy)."""
        row_bytes = self.width * BANDS[self.mode]
        data = memoryview(self.data)[top * row_bytes : bottom * row_bytes]
        mode = "RGBA" if self.mode == "RGBa" else self.mode
        return Image.frombytes(mode, (self.width, bottom - top), data, "raw", self.mode)

    def vips(self) -> Any:
        """A libvips image over these bytes, not a copy of them."""
        import pyvips

        return pyvips.Image.new_from_memory(self.data, *self.size, BANDS[self.mode], "uchar")


def resized(
    pixels: Pixels, size: Size, crop: tuple[int, int, int, int] | None = None
) -> Image.Image:
    """`pixels` (or their `crop` box) stretched to exactly `size` with lanczos3.

    Alpha is premultiplied while resampled, so transparent pixels lend no colour to edges.
    """
    image = _resize(_cropped(pixels, crop), pixels.mode == "RGBA", size)
    return Image.frombuffer(pixels.mode, size, image.write_to_memory(), "raw", pixels.mode, 0, 1)


def resized_premultiplied(
    pixels: Pixels, size: Size, crop: tuple[int, int, int, int] | None = None
) -> Any:
    """As `resized`, but a libvips image (not yet computed) of premultiplied RGBA bytes."""
    image = _cropped(pixels, crop)
    if pixels.mode == "RGB":
        return _resize(image, False, size).bandjoin_const([255])
    return _resize(image, pixels.mode == "RGBA", size, straight=False)


def _cropped(pixels: Pixels, crop: tuple[int, int, int, int] | None) -> Any:
    image = pixels.vips()
    if crop is not None and crop != (0, 0, *pixels.size):
        left, top, right, bottom = crop
        image = image.crop(left, top, right - left, bottom - top)
    return image


def _resize(image: Any, alpha: bool, size: Size, straight: bool = True) -> Any:
    """Resized with lanczos3, alpha premultiplied while resampled, and then straight again
    unless `straight` is False."""
    import pyvips

    pyvips.cache_set_max(0)
    pyvips.concurrency_set(1)  # the engine's threads mode already runs mockups side by side
    if alpha:
        image = image.premultiply()
        if not straight:  # bytes resample in libvips' vector path: 0.1 s a print, not 0.24
            image = (image + 0.5).cast("uchar")
    image = image.resize(size[0] / image.width, vscale=size[1] / image.height, kernel="lanczos3")
    if alpha and straight:
        image = image.unpremultiply()
    # each libvips operation is a few hundred allocations in a memory profile: none for nothing
    if image.format != "uchar":
        image = image.cast("uchar")
    if (image.width, image.height) != size:
        image = image.gravity("centre", *size, extend="copy")
    return image


def shrunk(pixels: Pixels, size: Size) -> Pixels:
    """`pixels` resized to `size` by libvips (lanczos3, alpha premultiplied), as new bytes."""
    image = _resize(pixels.vips(), pixels.mode == "RGBA", size)
    return Pixels(image.write_to_memory(), size, pixels.mode)


def png_compression(pixels: Pixels) -> int:
    """zlib level 1 for pixels that deflate shrinks (flat artwork: a 2352 x 2940 poster to
    0.3 MB in 12 ms), else 0, stored (a photo: level 1 took 0.24 CPU s and came out larger
    than the pixels themselves). Judged on a few strips of rows, in about 10 ms."""
    row_bytes = pixels.width * BANDS[pixels.mode]
    rows = max(1, SAMPLE_BYTES // row_bytes)
    tops = {pixels.height * quarter // 4 for quarter in (1, 2, 3)}
    view = memoryview(pixels.data)
    samples = [view[top * row_bytes : (top + rows) * row_bytes] for top in tops]
    deflated = sum(len(zlib.compress(sample, 1)) for sample in samples)
    return 1 if deflated < DEFLATE_WORTH_IT * sum(len(sample) for sample in samples) else 0


def write_png(pixels: Pixels, file: BinaryIO) -> None:
    """`pixels` as a PNG, compressed if that pays (`png_compression`), streamed into `file`;
    its OSError, if any, raised."""
    import pyvips

    failures: list[OSError] = []

    def write(chunk: bytes) -> int:
        try:
            return file.write(chunk)
        except OSError as error:
            failures.append(error)
            return -1

    target = pyvips.TargetCustom()
    target.on_write(write)
    try:
        pixels.vips().pngsave_target(target, compression=png_compression(pixels))
    except pyvips.Error as error:
        if failures:
            raise failures[0] from None
        raise OSError(first_line(error)) from None
