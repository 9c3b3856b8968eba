import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import pyvips
from PIL import Image

from mockups.artwork.intake import MAX_MEGAPIXELS, MAX_WORKING_SIDE, load_artwork, read_header
from mockups.artwork.webpsize import read_webp_size
from mockups.errors import ArtworkError
from tests.conftest import gradient_artwork


def save(image: Image.Image, path: Path, **options) -> Path:
    image.save(path, **options)
    return path


@pytest.mark.parametrize(
    ("suffix", "options"),
    [(".jpg", {"quality": 95}), (".png", {}), (".webp", {"lossless": True}), (".tif", {})],
)
def test_each_accepted_format_decodes_to_rgb_of_the_same_picture(tmp_path, suffix, options):
    original = gradient_artwork((300, 200))
    artwork = load_artwork(save(original, tmp_path / f"art{suffix}", **options))
    assert artwork.image.mode == "RGB"
    assert artwork.image.size == (300, 200)
    difference = np.abs(np.asarray(artwork.image, int) - np.asarray(original, int))
    assert difference.mean() < 2


def test_only_the_first_frame_of_an_animated_gif_is_used(tmp_path):
    frames = [Image.new("RGB", (64, 48), colour) for colour in ("red", "blue", "green")]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    artwork = load_artwork(path)
    assert artwork.image.getpixel((10, 10)) == (255, 0, 0)


def test_exif_orientation_is_applied(tmp_path):
    stored = Image.new("RGB", (400, 200), "white")
    stored.paste((255, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: display turns it 90 degrees clockwise
    path = save(stored, tmp_path / "phone.jpg", exif=exif, quality=95)
    assert read_header(path).size == (200, 400)
    artwork = load_artwork(path)
    assert artwork.image.size == (200, 400)
    assert artwork.info.width == 200 and artwork.info.height == 400
    red, green, blue = artwork.image.getpixel((150, 50))
    assert red > 200 and green < 60 and blue < 60


def test_cmyk_artwork_is_converted_through_its_icc_profile(tmp_path):
    profile = pyvips.Operation.call("profile_load", "cmyk")
    cyan = Image.new("CMYK", (32, 32), (255, 0, 0, 0))
    path = save(cyan, tmp_path / "cmyk.jpg", icc_profile=profile, quality=100)
    ours = load_artwork(path).image.getpixel((16, 16))
    reference = pyvips.Image.new_from_file(str(path)).icc_transform("srgb")(16, 16)
    naive = cyan.convert("RGB").getpixel((16, 16))
    assert max(abs(a - b) for a, b in zip(ours, reference, strict=False)) <= 6
    assert ours != naive


def test_cmyk_without_a_profile_still_becomes_rgb(tmp_path):
    path = save(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), tmp_path / "plain.jpg")
    artwork = load_artwork(path)
    assert artwork.image.mode == "RGB"
    red, green, blue = artwork.image.getpixel((8, 8))
    assert red > 200 and green < 60 and blue < 60


def test_16_bit_grey_is_scaled_to_8_bit_not_clipped(tmp_path):
    values = np.array([[0, 32768, 65535]], dtype=np.uint16).repeat(4, axis=0)
    path = save(Image.fromarray(values), tmp_path / "grey16.png")
    assert Image.open(path).mode == "I;16"
    pixels = load_artwork(path).image
    assert [pixels.getpixel((x, 0))[0] for x in range(3)] == [0, 128, 255]


def test_16_bit_rgb_becomes_8_bit_rgb(tmp_path):
    image = pyvips.Image.black(8, 8, bands=3).linear(1, [65535, 32768, 0]).cast("ushort")
    path = tmp_path / "rgb16.png"
    image.copy(interpretation="rgb16").pngsave(str(path))
    pixel = load_artwork(path).image.getpixel((4, 4))
    assert pixel[0] == 255 and 126 <= pixel[1] <= 129 and pixel[2] == 0


def test_palette_and_grey_images_become_rgb(tmp_path):
    palette = gradient_artwork((60, 40)).convert("P", palette=Image.Palette.ADAPTIVE)
    grey = Image.new("L", (60, 40), 77)
    assert load_artwork(save(palette, tmp_path / "p.png")).image.mode == "RGB"
    grey_artwork = load_artwork(save(grey, tmp_path / "g.png")).image
    assert grey_artwork.mode == "RGB" and grey_artwork.getpixel((1, 1)) == (77, 77, 77)


def test_transparency_is_kept_and_a_fully_opaque_alpha_is_dropped(tmp_path):
    sticker = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    sticker.paste((200, 10, 10, 255), (10, 10, 40, 40))
    assert load_artwork(save(sticker, tmp_path / "sticker.png")).image.mode == "RGBA"
    opaque = Image.new("RGBA", (50, 50), (10, 20, 30, 255))
    assert load_artwork(save(opaque, tmp_path / "opaque.png")).image.mode == "RGB"


def test_palette_gif_with_a_transparent_index_keeps_transparency(tmp_path):
    image = Image.new("P", (20, 20), 0)
    image.putpalette([255, 255, 255, 255, 0, 0, *([0] * 762)])
    image.paste(1, (5, 5, 15, 15))
    path = save(image, tmp_path / "clip.gif", transparency=0)
    artwork = load_artwork(path).image
    assert artwork.mode == "RGBA"
    assert artwork.getpixel((0, 0))[3] == 0
    assert artwork.getpixel((10, 10)) == (255, 0, 0, 255)


def test_jpeg_is_decoded_at_a_reduced_scale_that_still_covers_the_print(tmp_path):
    path = save(gradient_artwork((4000, 5000)), tmp_path / "big.jpg", quality=90)
    artwork = load_artwork(path, min_size=(1100, 1375))
    assert artwork.info.decoder == "pillow-draft-1/2"
    assert artwork.image.width >= 1100 and artwork.image.height >= 1375
    assert artwork.image.size == (2000, 2500)


def test_a_camera_jpeg_its_draft_cannot_halve_is_shrunk_by_libvips_while_read(tmp_path):
    path = save(gradient_artwork((6000, 4000)), tmp_path / "camera.jpg", quality=85)
    artwork = load_artwork(path, min_size=(3527, 2351))
    assert artwork.info.decoder == "libvips", "Pillow would hold all 24 MP decoded"
    assert artwork.image.size == (3527, 2352)
    assert artwork.image.getpixel((3000, 100)) == pytest.approx((10, 217, 90), abs=3)


@pytest.mark.parametrize("profile", [None, "p3"])
def test_a_camera_jpeg_shrunk_by_libvips_is_converted_only_through_a_profile_it_has(
    tmp_path, profile
):
    level = (200, 100, 50)
    options = {"icc_profile": pyvips.Operation.call("profile_load", profile)} if profile else {}
    path = save(Image.new("RGB", (6000, 4000), level), tmp_path / "camera.jpg", **options)
    assert read_header(path).embedded_profile is bool(profile)
    artwork = load_artwork(path, min_size=(3527, 2351))
    assert artwork.info.decoder == "libvips"
    found = artwork.image.getpixel((1000, 1000))
    stored = pyvips.Image.new_from_file(str(path))
    expected = stored.icc_transform("srgb")(1000, 1000) if profile else stored(1000, 1000)
    assert found == pytest.approx(expected, abs=2)
    if profile:  # a Display P3 orange is a deeper one in sRGB
        assert found[0] > level[0] + 10 and found[2] < level[2] - 10


def test_a_draft_close_to_the_size_needed_stays_with_pillow(tmp_path):
    path = save(gradient_artwork((3000, 2000)), tmp_path / "small.jpg", quality=85)
    assert load_artwork(path, min_size=(1800, 1200)).info.decoder == "pillow"


def test_a_progressive_jpegs_coefficients_are_counted_in_its_header(tmp_path):
    image = gradient_artwork((1000, 800))
    baseline = save(image, tmp_path / "baseline.jpg", quality=85)
    progressive = save(image, tmp_path / "progressive.jpg", quality=85, progressive=True)
    assert read_header(baseline).coefficient_bytes == 0
    # 4:2:0: a luma sample a pixel and a quarter of one for each chroma plane, two bytes each
    assert read_header(progressive).coefficient_bytes == 2 * 1.5 * 1000 * 800


def test_a_large_artwork_is_reduced_to_the_working_cap(tmp_path):
    path = save(gradient_artwork((4200, 1000)), tmp_path / "wide.png")
    artwork = load_artwork(path)
    assert max(artwork.image.size) == MAX_WORKING_SIDE


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims `width` x `height`: decoding it would need gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = (
        png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + png_chunk(b"IEND", b"")
    )
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body)
    return path


@pytest.mark.limit_memory("20 MB")
@pytest.mark.parametrize(("width", "height"), [(13000, 13000), (40000, 40000)])
def test_a_decompression_bomb_is_refused_before_decoding_with_the_limit_shown(
    tmp_path, width, height
):
    path = write_png_header_only(tmp_path / "bomb.png", width, height)
    with pytest.raises(ArtworkError) as refused:
        load_artwork(path)
    message = str(refused.value)
    assert f"{MAX_MEGAPIXELS} megapixels" in message
    assert "bomb.png" in message and "\n" not in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"this is a text file, not a picture\n" * 20, "not an image"),
        (bytes(range(256)) * 40, "not an image"),
    ],
)
def test_empty_and_non_image_files_are_refused_with_one_line(tmp_path, content, expected):
    path = tmp_path / "upload.jpg"
    path.write_bytes(content)
    with pytest.raises(ArtworkError, match=expected) as refused:
        load_artwork(path)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("suffix", [".jpg", ".png"])
def test_a_truncated_file_is_refused_as_truncated(tmp_path, suffix):
    buffer = io.BytesIO()
    gradient_artwork((600, 600)).save(buffer, format="JPEG" if suffix == ".jpg" else "PNG")
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ArtworkError, match="truncated or corrupt"):
        load_artwork(path)


def test_a_format_outside_the_accepted_list_is_refused_by_name(tmp_path):
    path = save(Image.new("RGB", (8, 8)), tmp_path / "art.bmp")
    with pytest.raises(ArtworkError, match="BMP files are not accepted"):
        load_artwork(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(ArtworkError, match="no such file"):
        load_artwork(tmp_path / "nothing.png")


def striped(width: int, height: int, bands: int = 3) -> pyvips.Image:
    """A picture libvips computes while writing it: never held whole in memory."""
    x, y = pyvips.Image.xyz(width, height)
    return (x % 256).cast("uchar").bandjoin([(y % 256).cast("uchar"), 128, 200][: bands - 1])


@pytest.fixture(scope="module")
def huge_png(tmp_path_factory) -> Path:
    """A legitimate 12000 x 12000 PNG (144 MP) without an eXIf chunk, as most tools write them."""
    path = tmp_path_factory.mktemp("huge") / "huge.png"
    striped(12000, 12000).pngsave(str(path), compression=1, keep="none")
    return path


@pytest.mark.limit_memory("20 MB")
def test_reading_a_png_header_decodes_no_pixels(huge_png):
    header = read_header(huge_png)
    assert header.size == (12000, 12000) and header.orientation == 1


def png_chunks(data: bytes) -> list[bytes]:
    """The chunks of a PNG file, each with its length, type and CRC."""
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        chunks.append(data[offset : offset + length + 12])
        offset += length + 12
    return chunks


def test_an_exif_orientation_written_after_the_pixels_is_applied(tmp_path):
    stored = Image.new("RGB", (400, 200), "white")
    stored.paste((255, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    stored.save(buffer, "PNG", exif=exif)
    chunks = png_chunks(buffer.getvalue())
    exif_chunk = next(c for c in chunks if c[4:8] == b"eXIf")
    rest = [c for c in chunks if c is not exif_chunk]
    path = tmp_path / "late-exif.png"
    path.write_bytes(buffer.getvalue()[:8] + b"".join(rest[:-1]) + exif_chunk + rest[-1])
    assert read_header(path).size == (200, 400)
    artwork = load_artwork(path)
    assert artwork.image.size == (200, 400)
    assert artwork.image.getpixel((150, 50)) == (255, 0, 0)


def test_the_exif_orientation_of_a_png_streamed_through_libvips_is_applied(tmp_path):
    stored = striped(5000, 4000).copy()
    stored.set_type(pyvips.GValue.gint_type, "orientation", 8)
    path = tmp_path / "turned.png"
    stored.pngsave(str(path), compression=1)
    artwork = load_artwork(path, min_size=(400, 500))
    assert artwork.info.decoder == "libvips"
    assert (artwork.info.width, artwork.info.height) == (4000, 5000)
    assert artwork.image.size[0] < artwork.image.size[1]


def test_a_truncated_png_streamed_through_libvips_is_refused(tmp_path):
    from mockups.artwork.vips import shrink_with_vips

    whole = tmp_path / "whole.png"
    striped(3000, 2000).pngsave(str(whole), compression=1, keep="none")
    cut = tmp_path / "cut.png"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ArtworkError, match="cut.png: the file is truncated or corrupt"):
        shrink_with_vips(cut, (1500, 1000))


def write_keyed_png(path: Path, colour_type: int, pixels: np.ndarray, key: tuple[int, ...]) -> Path:
    """A 16-bit PNG whose tRNS chunk makes the pixels equal to `key` transparent."""

    height, width = pixels.shape[:2]
    rows = b"".join(b"\0" + row.astype(">u2").tobytes() for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    trns = struct.pack(f">{len(key)}H", *key)
    body = (
        png_chunk(b"IHDR", header)
        + png_chunk(b"tRNS", trns)
        + png_chunk(b"IDAT", zlib.compress(rows))
    )
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + body + png_chunk(b"IEND", b""))
    return path


def test_a_16_bit_grey_png_keeps_its_transparent_value_as_transparency(tmp_path):
    pixels = np.full((20, 20), 40000, np.uint16)
    pixels[:10] = 1234
    path = write_keyed_png(tmp_path / "grey16.png", 0, pixels, (1234,))
    image = load_artwork(path).image
    assert image.mode == "RGBA"
    assert image.getpixel((5, 5))[3] == 0
    assert image.getpixel((5, 15)) == (156, 156, 156, 255)


def test_a_16_bit_rgb_png_keeps_its_transparent_colour_as_transparency(tmp_path):
    pixels = np.full((20, 20, 3), 40000, np.uint16)
    pixels[:10] = (1234, 5678, 9999)
    pixels[10:12] = (1234 + 1, 5678, 9999)  # same top byte, not the key: stays opaque
    path = write_keyed_png(tmp_path / "rgb16.png", 2, pixels, (1234, 5678, 9999))
    image = load_artwork(path).image
    assert image.mode == "RGBA"
    assert image.getpixel((5, 5))[3] == 0
    assert image.getpixel((5, 10))[3] == 255
    assert image.getpixel((5, 15)) == (156, 156, 156, 255)


@pytest.mark.parametrize(
    ("mode", "options"),
    [("RGB", {"lossless": True}), ("RGB", {"quality": 60}), ("RGBA", {"quality": 60})],
)
def test_a_webp_size_is_read_from_its_first_bytes(tmp_path, mode, options):
    path = save(Image.new(mode, (1234, 567), (9, 99, 199)), tmp_path / "art.webp", **options)
    assert read_webp_size(path) == (1234, 567)
    assert read_webp_size(save(Image.new("RGB", (8, 8)), tmp_path / "art.png")) is None


def test_a_folder_given_as_the_artwork_is_named_as_a_folder(tmp_path):
    with pytest.raises(ArtworkError, match="is a folder"):
        load_artwork(tmp_path)


@pytest.mark.limit_memory("160 MB")
def test_a_12000_px_png_is_shrunk_while_streaming_within_the_memory_budget(huge_png):
    artwork = load_artwork(huge_png, min_size=(2000, 2000))
    assert artwork.info.decoder == "libvips"
    assert (artwork.info.width, artwork.info.height) == (12000, 12000)
    assert artwork.image.size == (2000, 2000)
    assert artwork.image.mode == "RGB"
