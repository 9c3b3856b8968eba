"""Products people wear and use: t-shirt, mug, tote bag, throw pillow, phone case."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from mockups.scenes.draw import (
    SUPERSAMPLE,
    grey,
    light_falloff,
    noise,
    paint_mask,
    rounded_rect,
    shadow_of,
    to_image,
)

SHIRT_COLOURS = {
    "white": "#ffffff",
    "heather": "#a7aaad",
    "black": "#2b2b2d",
    "navy": "#27324d",
    "sand": "#d9c9a8",
}
MUG_COLOURS = {"white": "#ffffff", "black": "#303032", "sage": "#b7c4ad"}


def polygon(size: tuple[int, int], points, smooth: float = 0) -> Image.Image:
    big = Image.new("L", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), 0)
    ImageDraw.Draw(big).polygon([(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in points], fill=255)
    mask = big.reduce(SUPERSAMPLE)
    return mask.filter(ImageFilter.GaussianBlur(smooth)) if smooth else mask


def phone_case() -> dict:
    size = (2400, 3000)
    shape = (size[1], size[0])
    marble = (
        232
        + 10 * noise(shape, 300, 81)
        + 6 * np.abs(noise(shape, 40, 82))
        - 14 * np.abs(noise(shape, 12, 83)) ** 6
    )
    canvas = np.repeat(marble[..., None], 3, axis=2) * np.asarray((1.0, 0.99, 0.97), np.float32)
    canvas *= (0.85 + 0.18 * light_falloff(shape, (0.3, 0.1), 0.9))[..., None]
    case_box = (780, 520, 1620, 2360)
    case = rounded_rect(size, case_box, 150)
    canvas *= shadow_of(case, (18, 28), 24, 0.4)[..., None]
    paint_mask(canvas, case, (248, 248, 247))
    inner_box = (800, 540, 1600, 2340)
    camera = rounded_rect(size, (850, 600, 1190, 940), 80)
    canvas *= shadow_of(camera, (6, 10), 8, 0.45)[..., None]
    paint_mask(canvas, camera, (40, 40, 44))
    for lx, ly in ((940, 690), (1100, 690), (940, 850)):
        lens = rounded_rect(size, (lx - 55, ly - 55, lx + 55, ly + 55), 55)
        paint_mask(canvas, lens, (18, 18, 22))
    print_mask = Image.fromarray(
        np.minimum(np.asarray(rounded_rect(size, inner_box, 135)), 255 - np.asarray(camera)).astype(
            np.uint8
        )
    )
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    band = np.exp(-(((x - 0.55 * y - 160) / 160.0) ** 2))
    gloss = band * 120 * (np.asarray(print_mask, np.float32) / 255)
    edge_light = 255 * (0.9 + 0.1 * light_falloff(shape, (0.3, 0.1), 0.9))
    return {
        "id": "phone-case",
        "manifest": {
            "name": "Phone case on marble",
            "product": "phone-case",
            "size": list(size),
            "placement": {
                "type": "rect",
                "box": [
                    inner_box[0],
                    inner_box[1],
                    inner_box[2] - inner_box[0],
                    inner_box[3] - inner_box[1],
                ],
            },
            "fit": "cover",
            "substrate": "#ffffff",
        },
        "scene": to_image(canvas),
        "mask": print_mask,
        "shading": grey(edge_light),
        "highlight": grey(gloss),
    }
