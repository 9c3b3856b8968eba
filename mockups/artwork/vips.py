"""Shrink a large artwork while streaming it through libvips: it is never decoded at full size."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from mockups.errors import ArtworkError
from mockups.geometry import Size
from mockups.memory import release_freed_memory


def shrink_with_vips(path: Path, target: Size, colour_managed: bool = True) -> Image.Image:
    """`path` shrunk to `target`, as stored (not EXIF-rotated), as 8-bit sRGB RGB or RGBA.

    `colour_managed`: converted to sRGB through the file's ICC profile (a CMYK file through
    libvips' own when it has none). A file with neither is sRGB already: libvips' transform
    from its assumed sRGB would change no byte, and took 2.2 of a 6000 x 4000 JPEG's 2.6 s.
    A truncated or damaged file is refused: by default libvips fills what it cannot read
    with whatever it has and renders on.
    """
    import pyvips

    pyvips.cache_set_max(0)
    # each libvips thread holds its own rows of the full width: one thread saves 20-35 MB on
    # a 9000 px wide RGBA PNG and costs about 0.2 s
    pyvips.concurrency_set(1)
    try:
        source = pyvips.Source.new_from_file(str(path))
        colour = {"output_profile": "srgb"} if colour_managed else {}
        image = pyvips.Image.thumbnail_source(
            source,
            target[0],
            height=target[1],
            # exactly the working size (never larger: intake asks for no more than the file
            # has), where keeping the aspect ratio would round a side one pixel short
            size="force",
            no_rotate=True,
            option_string="fail_on=truncated",
            **colour,
        )
        image = image.colourspace("srgb").cast("uchar")
        if image.bands not in (3, 4):
            image = image.extract_band(0, n=3)
        pixels = image.write_to_memory()
    except pyvips.Error as error:
        lines = [line.strip() for line in str(error).splitlines() if line.strip()]
        message = "; ".join(lines) or "unreadable"
        raise ArtworkError(f"{path.name}: the file is truncated or corrupt ({message})") from None
    mode = "RGBA" if image.bands == 4 else "RGB"
    size = (image.width, image.height)
    del image, source
    # libvips's row buffers are freed now, but glibc keeps them in its threads' arenas: hand
    # them back before the mockups need the memory
    release_freed_memory()
    result = Image.frombuffer(mode, size, pixels, "raw", mode, 0, 1)
    if mode == "RGBA" and result.getchannel("A").getextrema() == (255, 255):
        return result.convert("RGB")
    return result
