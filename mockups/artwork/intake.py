"""Artwork intake: check a file, decode it once at the size the run needs, as 8-bit sRGB.

JPEGs decode with `draft()` at the smallest DCT scale that still covers the largest print
area, unless that is still a large image far above the size needed (a 24 MP camera photo
whose prints need 8 MP: the draft cannot halve it): then libvips shrinks it a strip at a time
while reading, as it does PNGs and TIFFs above PILLOW_DECODE_MEGAPIXELS, so a large photo
never sits decoded at full size in memory.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PIL.JpegImagePlugin import JpegImageFile, get_sampling

from mockups.artwork.colour import to_srgb
from mockups.artwork.imagefile import ImageLimits, ImageRefused, open_image, unreadable
from mockups.artwork.pngchunks import read_png_chunks
from mockups.artwork.webpsize import read_webp_size
from mockups.errors import ArtworkError
from mockups.geometry import Size

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "TIFF", "GIF", "MPO"}
DRAFT_FORMATS = {"JPEG", "MPO"}
JPEG_DRAFT_SCALES = (8, 4, 2)
COEFFICIENT_BYTES = 2
CHROMA_SHARE = {0: 1.0, 1: 0.5, 2: 0.25}  # Pillow's get_sampling: 4:4:4, 4:2:2, 4:2:0
# libvips reading a baseline JPEG a strip at a time and shrinking it: 1.7-2.0 KB a column per
# band of the file's width (photos 3024 to 8000 px wide shrunk to 2000-4000 px, one thread)
JPEG_STREAM_BYTES_PER_COLUMN_BAND = 2048
# A JPEG whose draft is above PILLOW_DECODE_MEGAPIXELS and this many times the pixels needed is
# shrunk by libvips while read: a 6000 x 4000 photo for 3527 x 2351 prints peaked 235 MB
# decoded whole by Pillow and copied, under 110 MB read by libvips (a strip of rows at a time).
DRAFT_SLACK = 1.5
MAX_MEGAPIXELS = 150
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_WORKING_SIDE = 4000
# Above this, PNGs and TIFFs are shrunk by libvips while read: Pillow's decode and its
# premultiplied resize of a 16 MP RGBA PNG peak 170 MB above the interpreter, libvips 45 MB.
PILLOW_DECODE_MEGAPIXELS = 8
# What cannot stream (interlaced PNGs, GIFs, WebPs) is decoded whole, up to this size. Above
# PILLOW_DECODE_MEGAPIXELS by libvips all the same: a 16 MP interlaced RGBA PNG peaked 94 MB
# above the interpreter through libvips, 167 MB through Pillow.
WHOLE_DECODE_MEGAPIXELS = 16
VIPS_FORMATS = {"PNG", "TIFF", "GIF"}
# libvips reads these a few rows at a time, unless interlaced
STREAMING_FORMATS = {"PNG", "TIFF"}
# Decoded by libvips at any size: Pillow's WebP plugin holds the file, libwebp's canvas and a
# copy (a 16 MP lossless WebP peaked at 305 MB, through libvips at 152 MB)
VIPS_WHOLE_FORMATS = {"WEBP"}
WHOLE_BYTES_PER_PIXEL = 6  # the decoded image, and its conversion to libvips's rows
STREAM_BYTES_PER_COLUMN_BAND = 3072
MAX_STREAM_BUFFER_BYTES = 120 * 2**20
ARTWORK_LIMITS = ImageLimits(MAX_MEGAPIXELS * 1_000_000, MAX_FILE_BYTES, what="artwork")
ORIENTATION_TAG = 0x0112
PNG_RGB = 2  # the IHDR colour type
TRANSPOSING_ORIENTATIONS = {5, 6, 7, 8}
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


@dataclass(frozen=True)
class ArtworkInfo:
    path: str
    format: str
    width: int
    height: int
    mode: str
    working_width: int
    working_height: int
    decoder: str


@dataclass
class Artwork:
    """The decoded working image (RGB or RGBA, sRGB) and what was learnt about its file."""

    image: Image.Image
    info: ArtworkInfo

    @property
    def has_alpha(self) -> bool:
        return self.image.mode == "RGBA"


@dataclass(frozen=True)
class ArtworkHeader:
    path: Path
    format: str
    mode: str
    stored_size: Size
    orientation: int
    interlaced: bool = False
    # a 16-bit RGB PNG with a tRNS colour key: Pillow reduces it to 8 bits before matching
    # the key, so only libvips keeps its transparency
    keyed_16_bit_rgb: bool = False
    # a progressive JPEG: libjpeg holds every DCT coefficient of the file while decoding it,
    # at any draft scale and in libvips alike (0 for a baseline JPEG and other formats)
    coefficient_bytes: int = 0
    # an ICC profile in the file: without one (and not CMYK) the pixels are sRGB as they are
    embedded_profile: bool = False

    @property
    def size(self) -> Size:
        """Width and height as the artwork is meant to be seen (EXIF orientation applied)."""
        return _stored(self.stored_size, self.orientation)

    @property
    def megapixels(self) -> float:
        return self.stored_size[0] * self.stored_size[1] / 1e6


def read_header(path: Path) -> ArtworkHeader:
    """Everything knowable before decoding pixels; refuses bad files with one clear line."""
    path = Path(path)
    with _open(path) as image:
        assert image.format is not None, "_open refuses files of no accepted format"
        chunks = read_png_chunks(path) if image.format == "PNG" else None
        if chunks is not None:
            orientation = _exif_orientation(chunks.exif)
        else:
            orientation = _pillow_orientation(image, path.name)
        keyed = chunks is not None and chunks.bit_depth == 16 and chunks.colour_type == PNG_RGB
        header = ArtworkHeader(
            path=path,
            format=image.format,
            mode=image.mode,
            stored_size=image.size,
            orientation=orientation,
            interlaced=chunks is not None and chunks.interlaced,
            keyed_16_bit_rgb=keyed and "transparency" in image.info,
            coefficient_bytes=_coefficient_bytes(image),
            embedded_profile=bool(image.info.get("icc_profile")),
        )
    _check_decodable(header)
    return header


def _coefficient_bytes(image: Image.Image) -> int:
    """What libjpeg holds of a progressive JPEG's coefficients: two bytes a sample, the
    colour planes subsampled as the file says (4:2:0 is 1.5 samples a pixel, 4:4:4 three)."""
    if image.format not in DRAFT_FORMATS or not image.info.get("progressive"):
        return 0
    assert isinstance(image, JpegImageFile), "a JPEG or MPO opens as a JpegImageFile"
    chroma_share = CHROMA_SHARE.get(get_sampling(image), 1.0)
    bands = len(image.getbands())
    samples = 1 + (bands - 1) * chroma_share if bands == 3 else bands
    return math.ceil(COEFFICIENT_BYTES * samples * image.size[0] * image.size[1])


def load_artwork(path: Path, min_size: Size | None = None) -> Artwork:
    """Decode `path` once, no smaller than `min_size` where the file allows, at most 4000 px."""
    return decode_artwork(read_header(path), min_size)


def decode_artwork(header: ArtworkHeader, min_size: Size | None = None) -> Artwork:
    """`load_artwork` from a header already read (`read_header`)."""
    target = working_size(header.size, min_size)
    if decoded_by_vips(header, target):
        from mockups.artwork.vips import shrink_with_vips

        stored = shrink_with_vips(
            header.path,
            _stored(target, header.orientation),
            colour_managed=header.embedded_profile or header.mode == "CMYK",
        )
        image, decoder = _upright(stored, header.orientation), "libvips"
    else:
        image, decoder = _decode_with_pillow(header, target)
    info = ArtworkInfo(
        path=str(header.path),
        format=header.format,
        width=header.size[0],
        height=header.size[1],
        mode=header.mode,
        working_width=image.width,
        working_height=image.height,
        decoder=decoder,
    )
    return Artwork(image=image, info=info)


def decoded_by_vips(header: ArtworkHeader, target: Size | None = None) -> bool:
    """True when libvips decodes the artwork (shrinking it as it reads where it can).

    Any PNG or TIFF that can stream and is to be shrunk to `target` (the working size) is:
    Pillow would hold it decoded whole, premultiplied and resized at once (a 2500 x 2500
    RGBA PNG peaked 94 MB of heap in its intake, libvips 30 MB)."""
    if header.format in DRAFT_FORMATS:
        return target is not None and _draft_far_too_large(header, target)
    if header.keyed_16_bit_rgb or header.format in VIPS_WHOLE_FORMATS:
        return True
    if target is not None and target != header.size and _can_stream(header):
        return True
    return header.format in VIPS_FORMATS and header.megapixels > PILLOW_DECODE_MEGAPIXELS


def draft_size(header: ArtworkHeader, target: Size) -> Size:
    """The size Pillow's JPEG draft decodes at for `target` (as seen): the largest DCT scale
    that still covers it."""
    size = header.size
    fits = min(size[0] // target[0], size[1] // target[1])
    scale = next((s for s in JPEG_DRAFT_SCALES if fits >= s), 1)
    return (math.ceil(size[0] / scale), math.ceil(size[1] / scale))


def _draft_far_too_large(header: ArtworkHeader, target: Size) -> bool:
    width, height = draft_size(header, target)
    pixels = width * height
    return (
        pixels > PILLOW_DECODE_MEGAPIXELS * 1_000_000
        and pixels > DRAFT_SLACK * target[0] * target[1]
    )


def streams_through_vips(header: ArtworkHeader, target: Size | None = None) -> bool:
    """True when the artwork is shrunk by libvips while read, never held whole."""
    return decoded_by_vips(header, target) and _can_stream(header)


def _can_stream(header: ArtworkHeader) -> bool:
    return header.format in STREAMING_FORMATS and not header.interlaced


def vips_bytes(header: ArtworkHeader, target: Size | None = None) -> int:
    """What libvips holds while it reads the artwork, beyond the working image.

    Streaming, rows of the full width: measured with one libvips thread in a process like
    the command line's, 6.2-8.6 KB a column for RGBA PNGs 6000 and 12000 px wide shrunk to
    500 px, 11-12 KB shrunk to 4000 px (fewer rows are merged at once, so more are held);
    RGB about three quarters of that. Counted for the largest working size, 4000 px.
    Decoded whole (a WebP, an interlaced PNG, a GIF): the file and the whole image.
    A JPEG: a strip of rows, and a progressive one's coefficients.
    """
    if not decoded_by_vips(header, target):
        return 0
    if header.format in DRAFT_FORMATS:
        rows = header.stored_size[0] * _vips_bands(header.mode) * JPEG_STREAM_BYTES_PER_COLUMN_BAND
        return rows + header.coefficient_bytes
    if streams_through_vips(header, target):
        return header.stored_size[0] * _vips_bands(header.mode) * STREAM_BYTES_PER_COLUMN_BAND
    width, height = header.stored_size
    return header.path.stat().st_size + width * height * WHOLE_BYTES_PER_PIXEL


def _vips_bands(mode: str) -> int:
    return 4 if mode in {"P", "PA"} else Image.getmodebands(mode)


def _check_decodable(header: ArtworkHeader) -> None:
    """Refuses a large artwork that cannot be shrunk while read inside the memory budget."""
    if header.format in DRAFT_FORMATS or header.megapixels <= PILLOW_DECODE_MEGAPIXELS:
        return
    if not streams_through_vips(header):
        _check_whole_decode(header)
        return
    width = header.stored_size[0]
    needed = vips_bytes(header)
    if needed > MAX_STREAM_BUFFER_BYTES:
        widest = MAX_STREAM_BUFFER_BYTES * width // needed
        raise ArtworkError(
            f"{header.path.name}: at {width} px wide it needs about {needed / 2**20:.0f} MB of "
            f"row buffers to be read, over the {MAX_STREAM_BUFFER_BYTES / 2**20:.0f} MB the "
            f"memory budget holds; resize it to at most {widest} px wide"
        )


def _check_whole_decode(header: ArtworkHeader) -> None:
    if header.megapixels <= WHOLE_DECODE_MEGAPIXELS:
        return
    kind, fix = (
        ("an interlaced PNG", "re-save it without interlacing")
        if header.interlaced
        else (f"a {header.format} file", "save it as PNG or JPEG")
    )
    raise ArtworkError(_decoded_whole(header.path.name, kind, header.stored_size, fix))


def _check_webp_before_opening(path: Path) -> None:
    """Pillow decodes part of a WebP just to open it: its size is read from the file first."""
    size = read_webp_size(path) if path.is_file() else None
    if size is not None and size[0] * size[1] > WHOLE_DECODE_MEGAPIXELS * 1_000_000:
        fix = "save it as PNG or JPEG"
        raise ArtworkError(_decoded_whole(path.name, "a WEBP file", size, fix))


def _decoded_whole(name: str, kind: str, size: Size, fix: str) -> str:
    width, height = size
    return (
        f"{name}: {kind} is decoded whole, and at {width} x {height} "
        f"({width * height / 1e6:.0f} MP) that is over the {WHOLE_DECODE_MEGAPIXELS} megapixels "
        f"the memory budget holds; {fix}"
    )


def _open(path: Path) -> Image.Image:
    _check_webp_before_opening(path)
    try:
        image = open_image(path, ARTWORK_LIMITS)
    except ImageRefused as refused:
        raise ArtworkError(str(refused)) from None
    if image.format not in ACCEPTED_FORMATS:
        image.close()
        raise ArtworkError(
            f"{path.name}: {image.format} files are not accepted; use JPEG, PNG, WebP, TIFF or GIF"
        )
    return image


def _pillow_orientation(image: Image.Image, name: str) -> int:
    """The EXIF orientation of a non-PNG file, read without decoding pixels."""
    try:
        return _valid_orientation(image.getexif().get(ORIENTATION_TAG, 1))
    except (OSError, SyntaxError, ValueError, EOFError, struct.error) as error:
        raise ArtworkError(unreadable(name, error)) from None


def _exif_orientation(exif_data: bytes | None) -> int:
    """The orientation in a PNG's eXIf chunk; damaged or missing metadata reads as upright."""
    if not exif_data:
        return 1
    exif = Image.Exif()
    try:
        exif.load(exif_data)
    except (OSError, SyntaxError, ValueError, EOFError, struct.error):
        return 1
    return _valid_orientation(exif.get(ORIENTATION_TAG, 1))


def _valid_orientation(value: object) -> int:
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def working_size(size: Size, min_size: Size | None) -> Size:
    """The smallest size keeping the aspect ratio that covers `min_size`, within the 4000 px cap."""
    width, height = size
    scale = MAX_WORKING_SIDE / max(width, height)
    if min_size is not None:
        scale = min(scale, max(min_size[0] / width, min_size[1] / height))
    scale = min(1.0, scale)
    return (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale)))


def _decode_with_pillow(header: ArtworkHeader, target: Size) -> tuple[Image.Image, str]:
    image = _open(header.path)
    decoder = "pillow"
    try:
        if image.format in DRAFT_FORMATS:
            image.draft(None, _stored(target, header.orientation))
            scale = header.stored_size[0] // image.size[0]
            decoder = "pillow" if scale == 1 else f"pillow-draft-1/{scale}"
        image.load()
        srgb = to_srgb(image)
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        image.close()
        raise ArtworkError(unreadable(header.path.name, error)) from None
    if srgb is not image:
        image.close()
    srgb = _upright(srgb, header.orientation)
    if header.format not in DRAFT_FORMATS and srgb.size != target:
        # decoded whole: keep only the working size, as libvips does
        with srgb:
            srgb = srgb.resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    elif max(srgb.size) > MAX_WORKING_SIDE:
        srgb.thumbnail(
            (MAX_WORKING_SIDE, MAX_WORKING_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0
        )
    return srgb, decoder


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """`image` as stored turned as its orientation says it is meant to be seen."""
    method = UPRIGHT.get(orientation)
    if method is None:
        return image
    with image:
        return image.transpose(method)


def _stored(size: Size, orientation: int) -> Size:
    """A size in the file's stored orientation, from the same size as seen."""
    return (size[1], size[0]) if orientation in TRANSPOSING_ORIENTATIONS else size
