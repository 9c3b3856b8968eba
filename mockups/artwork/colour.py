"""Bring any decoded image to 8-bit sRGB, keeping its transparency: RGB, or RGBA when it has any."""

from __future__ import annotations

import struct
from functools import cache
from io import BytesIO

import numpy as np
from PIL import Image, ImageCms

ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}
SIXTEEN_BIT_MODES = {"I;16", "I;16B", "I;16L", "I;16N", "I"}
FIXED_PROFILE_DATE = (2026, 1, 1, 0, 0, 0)


@cache
def srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@cache
def srgb_icc_bytes() -> bytes:
    """The sRGB profile embedded in every mockup, with a fixed creation date.

    LittleCMS stamps the current time into the profile header (bytes 24-35), which would
    make the same mockup differ byte for byte between processes.
    """
    profile = bytearray(srgb_profile().tobytes())
    profile[24:36] = struct.pack(">6H", *FIXED_PROFILE_DATE)
    return bytes(profile)


def to_srgb(image: Image.Image) -> Image.Image:
    """`image` as RGB or RGBA in sRGB, converted through its ICC profile if it has one.

    An RGB or RGBA image already in sRGB is returned as it is, not copied.
    """
    icc = image.info.get("icc_profile") or b""
    foreign_profile = bool(icc) and not _is_srgb(icc)
    if image.mode == "RGBA" and not foreign_profile and _has_translucency(image):
        return image
    alpha = _alpha_channel(image)
    colour = _colour_channels(image)
    if foreign_profile:
        colour = _through_profile(colour, icc)
    elif colour.mode != "RGB":
        colour = colour.convert("RGB")
    if alpha is None or alpha.getextrema() == (255, 255):
        return colour
    colour.putalpha(alpha)
    return colour


def _has_translucency(image: Image.Image) -> bool:
    """Whether an RGBA image's alpha is below 255 anywhere."""
    extrema = image.getextrema()  # one (low, high) per band
    return len(extrema) == 4 and extrema[3] != (255, 255)


def _alpha_channel(image: Image.Image) -> Image.Image | None:
    if image.mode in ALPHA_MODES:
        return image.convert("RGBA" if image.mode in {"RGBa", "PA"} else image.mode).getchannel("A")
    if image.mode == "P" and "transparency" in image.info:
        return image.convert("RGBA").getchannel("A")
    if image.mode in {"RGB", "L"} and "transparency" in image.info:
        return image.convert("RGBA").getchannel("A")
    if image.mode in SIXTEEN_BIT_MODES and isinstance(image.info.get("transparency"), int):
        return _keyed_alpha(image, image.info["transparency"])
    return None


def _keyed_alpha(image: Image.Image, transparent_value: int) -> Image.Image:
    """The alpha of a 16-bit grey image whose tRNS chunk names one value as transparent."""
    values = np.asarray(image)
    return Image.fromarray(np.where(values == transparent_value, np.uint8(0), np.uint8(255)))


def _colour_channels(image: Image.Image) -> Image.Image:
    """The colour part of `image` as L, RGB or CMYK, 8 bits a channel."""
    mode = image.mode
    if mode in SIXTEEN_BIT_MODES:
        return _high_byte(image)
    if mode == "F":
        return image.point(lambda value: value * 255).convert("L")
    if mode in {"L", "RGB", "CMYK"}:
        return image
    if mode in {"LA", "La", "1"}:
        return image.convert("L")
    return image.convert("RGB")


def _high_byte(image: Image.Image) -> Image.Image:
    """16-bit grey as 8-bit, scaled (not clipped): the top 8 bits of each value."""
    values = np.asarray(image)
    return Image.fromarray(np.clip(values >> 8, 0, 255).astype(np.uint8))


def _is_srgb(icc: bytes) -> bool:
    try:
        profile = ImageCms.ImageCmsProfile(BytesIO(icc))
        return "srgb" in ImageCms.getProfileDescription(profile).lower()
    except (OSError, ImageCms.PyCMSError):
        return True


def _through_profile(image: Image.Image, icc: bytes) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image,
            source,
            srgb_profile(),
            outputMode="RGB",
            renderingIntent=ImageCms.Intent.PERCEPTUAL,
        )
    except (OSError, ImageCms.PyCMSError):
        # A broken embedded profile: the plain conversion is better than refusing the artwork.
        return image.convert("RGB")
    assert converted is not None, "profileToProfile returns a new image unless inPlace"
    return converted
