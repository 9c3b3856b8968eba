"""Three test artworks for the contact sheets: a photo-like landscape, transparent line art and
a text poster. Drawn, not downloaded; seeded.

Usage: python docs/sample_artworks.py OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

SEED = 7


def ridge(rng: np.random.Generator, width: int, base: float, roughness: float) -> np.ndarray:
    """A mountain skyline: summed sine octaves with random phases."""
    xs = np.linspace(0, 1, width)
    height = np.full(width, base)
    for octave in range(1, 7):
        amplitude = roughness / octave**1.3
        height += amplitude * np.sin(2 * np.pi * (octave * 1.7 * xs + rng.random()))
    return height


def landscape(size=(2400, 3000)) -> Image.Image:
    """Dusk over layered hills and a lake: smooth gradients and fine detail, like a photo."""
    rng = np.random.default_rng(SEED)
    width, height = size
    ys = np.linspace(0, 1, height)[:, None]
    sky_top, sky_low = np.array([38, 52, 96]), np.array([246, 170, 120])
    sky = sky_top + (sky_low - sky_top) * (ys**1.6)[..., None]
    image = np.broadcast_to(sky, (height, width, 3)).copy()
    sun_x, sun_y = 0.62 * width, 0.5 * height
    yy, xx = np.mgrid[0:height, 0:width]
    glow = np.exp(-(((xx - sun_x) ** 2 + (yy - sun_y) ** 2) / (2 * (0.12 * width) ** 2)))
    image += glow[..., None] * np.array([60, 45, 20])
    horizon = 0.62
    layers = [((92, 80, 110), 0.50, 0.06), ((70, 62, 92), 0.55, 0.05), ((45, 42, 64), 0.6, 0.04)]
    for colour, base, rough in layers:
        top = ridge(rng, width, base, rough) * height
        under = yy > top[None, :]
        image[under] = np.array(colour) + rng.normal(0, 3, (under.sum(), 3))
    lake = yy > horizon * height
    mirrored = image[(2 * int(horizon * height) - yy[lake]).clip(0, height - 1), xx[lake]]
    image[lake] = mirrored * 0.75 + np.array([10, 16, 30])
    image += rng.normal(0, 2.5, image.shape)  # film grain
    picture = Image.fromarray(np.clip(image, 0, 255).astype(np.uint8))
    return picture.filter(ImageFilter.GaussianBlur(1.2))


def line_art(size=(2400, 3000)) -> Image.Image:
    """A botanical line drawing on a transparent background."""
    rng = np.random.default_rng(SEED)
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    width, height = size
    ink = (28, 38, 34, 255)
    stem = [
        (width * 0.5 + 120 * np.sin(t * 3), height * (0.9 - 0.75 * t))
        for t in np.linspace(0, 1, 60)
    ]
    draw.line(stem, fill=ink, width=14, joint="curve")
    for index in range(9):
        x, y = stem[6 + index * 6]
        side = -1 if index % 2 else 1
        length = 420 - index * 25
        tip = (x + side * length, y - length * 0.45)
        draw.line([(x, y), tip], fill=ink, width=10)
        leaf = [
            (x + side * length * t, y - length * 0.45 * t + np.sin(np.pi * t) * 90 * s)
            for s in (1, -1)
            for t in (np.linspace(0, 1, 30) if s == 1 else np.linspace(1, 0, 30))
        ]
        draw.line([*leaf, leaf[0]], fill=ink, width=9, joint="curve")
    for _ in range(3):
        cx, cy = width * (0.5 + rng.uniform(-0.1, 0.1)), height * 0.13
        radius = rng.uniform(120, 170)
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=ink, width=10)
    return image


def text_poster(size=(2400, 3000)) -> Image.Image:
    """Big type on colour blocks, the kind of artwork whose straight edges show every warp."""
    width, height = size
    image = Image.new("RGB", size, (241, 232, 214))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, int(height * 0.62), width, height), fill=(214, 84, 52))
    draw.ellipse(
        (width * 0.55, height * 0.08, width * 0.95, height * 0.08 + width * 0.4),
        fill=(240, 176, 60),
    )
    draw.text((150, 260), "GOOD", fill=(32, 36, 48), font_size=560)
    draw.text((150, 860), "DAYS", fill=(32, 36, 48), font_size=560)
    draw.text((150, int(height * 0.68)), "AHEAD · EST. 2026", fill=(250, 240, 226), font_size=150)
    for row in range(6):
        y = int(height * 0.80) + row * 70
        draw.line((150, y, width - 150, y), fill=(250, 240, 226), width=8)
    return image


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else ".")
    out.mkdir(parents=True, exist_ok=True)
    landscape().save(out / "photo.jpg", quality=92)
    line_art().save(out / "line-art.png")
    text_poster().save(out / "text-poster.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
