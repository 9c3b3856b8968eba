"""Products people wear and use: t-shirt, mug, tote bag, throw pillow, phone case."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from mockups.scenes.draw import (
    SUPERSAMPLE,
    fabric,
    folds,
    grey,
    light_falloff,
    noise,
    paint_mask,
    relief_shading,
    rounded_rect,
    shadow_of,
    to_image,
    wall,
    wood,
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


def tshirt() -> dict:
    size = (2400, 3000)
    shape = (size[1], size[0])
    canvas = (
        fabric(shape, (214, 206, 192), seed=41)
        * (0.82 + 0.22 * light_falloff(shape, (0.3, 0.1), 0.8))[..., None]
    )
    outline = [
        (1010, 430), (660, 480), (250, 880), (400, 1210), (660, 1090), (645, 2760),
        (1755, 2760), (1740, 1090), (2000, 1210), (2150, 880), (1740, 480), (1390, 430),
        (1300, 515), (1200, 540), (1100, 515),
    ]  # fmt: skip
    shirt = polygon(size, outline, smooth=1.2)
    canvas *= shadow_of(shirt, (14, 22), 22, 0.35)[..., None]
    slanted = Image.fromarray(folds(shape, seed=45, along=2.5, across=150), "F").rotate(30)
    height = (
        0.35 * folds(shape, seed=42, along=2.5, across=140)
        + 0.35 * np.asarray(slanted)
        + 0.3 * noise(shape, 320, 43)
    )
    light = relief_shading(height * 24, 1.0)
    cloth = fabric(shape, (238, 238, 236), seed=44) * (light / 255.0)[..., None]
    cloth *= (0.9 + 0.12 * light_falloff(shape, (0.35, 0.2), 0.7))[..., None]
    paint_mask(canvas, shirt, cloth)
    collar = polygon(
        size,
        [
            (1010, 430),
            (1100, 515),
            (1200, 540),
            (1300, 515),
            (1390, 430),
            (1360, 425),
            (1290, 490),
            (1200, 510),
            (1110, 490),
            (1040, 425),
        ],
    )
    paint_mask(canvas, collar, (205, 205, 203))
    shading = light * (0.93 + 0.07 * light_falloff(shape, (0.35, 0.2), 0.7))
    displacement = grey(128 + 90 * np.clip(height, -1, 1))
    return {
        "id": "tshirt",
        "manifest": {
            "name": "T-shirt, flat lay",
            "product": "t-shirt",
            "size": list(size),
            "placement": {"type": "rect", "box": [840, 820, 720, 900]},
            "fit": "contain",
            "substrate": None,
            "displacement": {"map": "displacement.png", "strength": 10},
            "variants": {"mask": "product.png", "colours": SHIRT_COLOURS},
        },
        "scene": to_image(canvas),
        "shading": grey(shading),
        "displacement": displacement,
        "product": shirt,
    }


def mug() -> dict:
    size = (3000, 2000)
    shape = (size[1], size[0])
    canvas = wall(shape, (222, 216, 206), seed=51)
    canvas[1500:] = wood((shape[0] - 1500, size[0]), seed=52)
    centre, radius, top, bottom, rim = 1400.0, 520.0, 470.0, 1560.0, 70.0
    body = Image.new("L", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), 0)
    draw = ImageDraw.Draw(body)
    s = SUPERSAMPLE
    draw.rectangle(((centre - radius) * s, top * s, (centre + radius) * s, bottom * s), fill=255)
    draw.ellipse(
        ((centre - radius) * s, (bottom - rim) * s, (centre + radius) * s, (bottom + rim) * s),
        fill=255,
    )
    draw.ellipse(
        ((centre - radius) * s, (top - rim) * s, (centre + radius) * s, (top + rim) * s), fill=255
    )
    body = body.reduce(s)
    handle = Image.new("L", (size[0] * s, size[1] * s), 0)
    ImageDraw.Draw(handle).ellipse(
        (1770 * s, 700 * s, 2230 * s, 1380 * s), outline=255, width=95 * s
    )
    handle = handle.reduce(s)
    handle_only = Image.fromarray(
        np.where(np.asarray(body) > 0, 0, np.asarray(handle)).astype(np.uint8)
    )
    handle_front = Image.fromarray(
        np.where(
            (np.asarray(handle) > 0) & (np.arange(size[0])[None, :] > 1870), np.asarray(handle), 0
        ).astype(np.uint8)
    )
    shadow = Image.new("L", size, 0)
    ImageDraw.Draw(shadow).ellipse(
        (centre - radius - 40, bottom - 40, centre + radius + 200, bottom + 110), fill=255
    )
    canvas *= (
        1 - 0.45 * np.asarray(shadow.filter(ImageFilter.GaussianBlur(30)), np.float32) / 255
    )[..., None]
    xs = np.arange(size[0], dtype=np.float32)
    angle = np.arcsin(np.clip((xs - centre) / radius, -1, 1))
    lit = 0.62 + 0.38 * np.cos(angle + 0.55)
    lit_rows = np.tile(lit, (shape[0], 1)) * (0.97 + 0.03 * light_falloff(shape, (0.4, 0.3), 1.0))
    ceramic = np.asarray((244, 243, 240), np.float32) * lit_rows[..., None]
    paint_mask(canvas, body, ceramic)
    inside = Image.new("L", size, 0)
    ImageDraw.Draw(inside).ellipse(
        (centre - radius + 30, top - rim + 12, centre + radius - 30, top + rim - 12), fill=255
    )
    paint_mask(canvas, inside.filter(ImageFilter.GaussianBlur(1.5)), (150, 148, 144))
    handle_lit = (
        np.asarray((236, 235, 232), np.float32)
        * (0.78 + 0.2 * light_falloff(shape, (0.62, 0.4), 0.15))[..., None]
    )
    paint_mask(canvas, handle_only, handle_lit)
    shine = np.exp(-(((xs - (centre - 0.42 * radius)) / 38.0) ** 2))
    highlight = np.tile(220 * shine, (shape[0], 1)) * (np.asarray(body, np.float32) / 255)
    canvas += (highlight * 0.5)[..., None]
    product = Image.fromarray(np.maximum(np.asarray(body), np.asarray(handle)).astype(np.uint8))
    mask = Image.fromarray(
        np.where(
            np.asarray(handle_front) > 0, 255 - np.asarray(handle_front), np.asarray(body)
        ).astype(np.uint8)
    )
    return {
        "id": "mug",
        "manifest": {
            "name": "Ceramic mug on a table",
            "product": "mug",
            "size": list(size),
            "placement": {
                "type": "cylinder",
                "center_x": centre,
                "radius": radius,
                "top": 640,
                "bottom": 1400,
                "rim": 62,
                "arc_degrees": 150,
            },
            "fit": "contain",
            "substrate": None,
            "variants": {"mask": "product.png", "colours": MUG_COLOURS},
        },
        "scene": to_image(canvas),
        "mask": mask,
        "shading": grey(255 * np.clip(lit_rows / lit_rows.max(), 0, 1) ** 0.8),
        "highlight": grey(highlight * 0.6),
        "product": product,
    }


def tote() -> dict:
    size = (2400, 3000)
    shape = (size[1], size[0])
    canvas = wall(shape, (196, 204, 200), seed=61)
    bag = polygon(size, [(520, 900), (1880, 900), (1940, 2760), (460, 2760)], smooth=1)
    left_strap = polygon(size, [(690, 905), (780, 905), (1212, 215), (1176, 205)])
    right_strap = polygon(size, [(1620, 905), (1710, 905), (1224, 205), (1188, 215)])
    straps = Image.fromarray(np.maximum(np.asarray(left_strap), np.asarray(right_strap)))
    hook = Image.new("L", size, 0)
    ImageDraw.Draw(hook).ellipse((1150, 150, 1250, 250), fill=255)
    canvas *= shadow_of(bag, (18, 26), 26, 0.35)[..., None]
    canvas *= shadow_of(straps, (10, 14), 10, 0.3)[..., None]
    paint_mask(canvas, hook, (90, 88, 84))
    height = folds(shape, seed=62, along=3, across=160) * 0.5
    light = relief_shading(height * 18, 1.0)
    cloth = fabric(shape, (232, 220, 196), seed=63) * (light / 255)[..., None]
    cloth *= (0.86 + 0.16 * light_falloff(shape, (0.3, 0.2), 0.8))[..., None]
    paint_mask(canvas, bag, cloth)
    paint_mask(canvas, straps, fabric(shape, (222, 208, 182), seed=64))
    seam = polygon(size, [(540, 960), (1860, 960), (1860, 972), (540, 972)])
    paint_mask(canvas, seam, (190, 178, 154))
    return {
        "id": "tote",
        "manifest": {
            "name": "Canvas tote bag on a hook",
            "product": "tote-bag",
            "size": list(size),
            "placement": {
                "type": "perspective",
                "corners": [[760, 1250], [1640, 1250], [1664, 2420], [736, 2420]],
            },
            "fit": "contain",
            "substrate": None,
            "displacement": {"strength": 6},
        },
        "scene": to_image(canvas),
        "shading": grey(light * (0.9 + 0.1 * light_falloff(shape, (0.3, 0.2), 0.8))),
    }


def pillow() -> dict:
    size = (3000, 2400)
    shape = (size[1], size[0])
    canvas = fabric(shape, (120, 134, 150), seed=71)
    canvas *= (0.75 + 0.3 * light_falloff(shape, (0.3, 0.1), 0.8))[..., None]
    canvas[2020:] *= 0.82
    left, top, right, bottom = 760, 330, 2240, 1990
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]].astype(np.float32)
    u = (x - (left + right) / 2) / ((right - left) / 2)
    v = (y - (top + bottom) / 2) / ((bottom - top) / 2)
    pinch = 1 + 0.05 * (np.abs(u) * np.abs(v)) ** 2
    reach = (np.abs(u) ** 3.2 + np.abs(v) ** 3.2) / pinch
    outline = grey(255 * np.clip((1 - reach) * 90, 0, 1))
    canvas *= shadow_of(outline, (26, 36), 40, 0.5)[..., None]
    puff = np.clip(1 - reach, 0, 1) ** 0.35
    wrinkles = folds(shape, seed=72, along=2, across=90) * 0.05 * (1 - puff)
    height = puff + wrinkles
    light = relief_shading(height * 60, 1.0) * (0.74 + 0.26 * puff)
    cloth = fabric(shape, (240, 238, 234), seed=73) * (light / 255)[..., None]
    paint_mask(canvas, outline, cloth)
    return {
        "id": "pillow",
        "manifest": {
            "name": "Throw pillow on a sofa",
            "product": "pillow",
            "size": list(size),
            "placement": {"type": "rect", "box": [left, top, right - left, bottom - top]},
            "fit": "cover",
            "substrate": None,
            "displacement": {"map": "displacement.png", "strength": 5},
        },
        "scene": to_image(canvas),
        "mask": outline,
        "shading": grey(light),
        "displacement": grey(60 + 120 * np.clip(1 - reach, 0, 1) + 255 * wrinkles),
    }


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
