"""Generate the built-in template scenes: `python -m mockups.scenes` rewrites mockups/library/.

No stock photos can be fetched here, so each scene is drawn: light falling across a wall or
a table, textures from seeded noise, soft contact shadows and perspective from a homography.
The same seed always draws the same files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from mockups.geometry import Quad, apply_perspective, perspective_coefficients, rect_quad
from mockups.templates import BUILTIN_DIR

SUPERSAMPLE = 2
THUMB_SIDE = 400


def noise(shape: tuple[int, int], scale: float, seed: int) -> np.ndarray:
    """Smooth value noise in [-1, 1]: random values on a coarse grid, upsampled bicubically."""
    rng = np.random.default_rng(seed)
    h, w = shape
    coarse = rng.uniform(-1, 1, (max(2, int(h / scale)), max(2, int(w / scale)))).astype(np.float32)
    return np.asarray(Image.fromarray(coarse, "F").resize((w, h), Image.Resampling.BICUBIC))


def light_falloff(shape: tuple[int, int], centre: tuple[float, float], spread: float) -> np.ndarray:
    """1.0 at `centre` (fractions of the frame) falling smoothly with distance."""
    h, w = shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.hypot(x / w - centre[0], y / h - centre[1])
    return 1.0 / (1.0 + (d / spread) ** 2)


def to_image(rgb: np.ndarray) -> Image.Image:
    return Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")


def wall(shape: tuple[int, int], colour: tuple[int, int, int], seed: int) -> np.ndarray:
    light = 0.78 + 0.3 * light_falloff(shape, (0.2, -0.1), 0.9)
    plaster = 1.0 + 0.012 * noise(shape, 3, seed) + 0.02 * noise(shape, 40, seed + 1)
    return np.asarray(colour, np.float32) * (light * plaster)[..., None]


def wood(shape: tuple[int, int], seed: int) -> np.ndarray:
    h, w = shape
    streaks = noise((h, max(2, w // 60)), 1.5, seed)
    streaks = np.asarray(Image.fromarray(streaks, "F").resize((w, h), Image.Resampling.BICUBIC))
    grain = 0.5 + 0.5 * np.sin(streaks * 9.0 + noise(shape, 200, seed + 1) * 2)
    tone = 0.85 + 0.1 * grain + 0.03 * noise(shape, 2, seed + 2)
    base = np.asarray((150, 104, 68), np.float32)
    light = 0.75 + 0.35 * light_falloff(shape, (0.35, 0.2), 0.8)
    return base * (tone * light)[..., None]


def soft_shadow(
    size: tuple[int, int], quad: Quad, offset: tuple[float, float], blur: float, strength: float
) -> np.ndarray:
    """A multiplier in (0, 1]: the quad's shadow, moved by `offset` and blurred."""
    shadow = Image.new("L", size, 0)
    moved = [(x + offset[0], y + offset[1]) for x, y in quad]
    ImageDraw.Draw(shadow).polygon(moved, fill=255)
    shadow = shadow.filter(ImageFilter.GaussianBlur(blur))
    return 1.0 - strength * np.asarray(shadow, np.float32) / 255.0


def polygon_mask(size: tuple[int, int], quad: Quad) -> Image.Image:
    """An antialiased mask of `quad`: drawn at SUPERSAMPLE times the size, then reduced."""
    big = Image.new("L", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), 0)
    ImageDraw.Draw(big).polygon([(x * SUPERSAMPLE, y * SUPERSAMPLE) for x, y in quad], fill=255)
    return big.reduce(SUPERSAMPLE)


def paint(canvas: np.ndarray, quad: Quad, colour: np.ndarray | tuple[float, ...]) -> None:
    """Fill `quad` on `canvas` (float RGB) with a colour or same-sized colours, antialiased."""
    h, w = canvas.shape[:2]
    alpha = np.asarray(polygon_mask((w, h), quad), np.float32)[..., None] / 255.0
    fill = np.asarray(colour, np.float32)
    canvas *= 1.0 - alpha
    canvas += alpha * fill


class Plane:
    """A flat rectangle in the scene seen in perspective: plane units map to scene pixels."""

    def __init__(self, width: float, height: float, corners: Quad) -> None:
        self.coefficients = perspective_coefficients(rect_quad(0, 0, width, height), corners)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return apply_perspective(self.coefficients, (x, y))

    def rect(self, left: float, top: float, width: float, height: float) -> Quad:
        return tuple(self.point(x, y) for x, y in rect_quad(left, top, width, height))


def shading_gradient(shape: tuple[int, int], centre: tuple[float, float], low: float) -> np.ndarray:
    """A multiply map in [low, 1] lit from `centre`, as 0..255 grey."""
    light = light_falloff(shape, centre, 0.9)
    light = (light - light.min()) / max(1e-6, float(light.max() - light.min()))
    return 255.0 * (low + (1.0 - low) * light)


def framed_wall() -> dict:
    size = (3000, 2250)
    shape = (size[1], size[0])
    canvas = wall(shape, (226, 220, 208), seed=11)
    canvas[1900:] = wood((shape[0] - 1900, size[0]), seed=12) * 0.9
    canvas[1880:1900] = (236, 232, 224)
    frame = Plane(1000, 1300, ((1030, 270), (2010, 330), (1990, 1660), (1020, 1700)))
    outer = frame.rect(0, 0, 1000, 1300)
    canvas *= soft_shadow(size, outer, (22, 30), 28, 0.45)[..., None]
    paint(canvas, outer, (38, 34, 31))
    paint(canvas, frame.rect(60, 60, 880, 1180), (246, 244, 238))
    paint(canvas, frame.rect(140, 140, 720, 1020), (214, 210, 202))
    print_quad = frame.rect(148, 148, 704, 1004)
    shading = np.full(shape, 255.0, np.float32)
    glass = shading_gradient(shape, (0.3, 0.0), 0.86)
    inner_shadow = soft_shadow(size, frame.rect(140, 120, 720, 40), (0, 0), 8, 0.25)
    shading = glass * inner_shadow
    return {
        "id": "framed-wall",
        "manifest": {
            "name": "Framed print on a wall",
            "product": "framed-print",
            "size": list(size),
            "placement": {
                "type": "perspective",
                "corners": [list(map(round2, p)) for p in print_quad],
            },
            "fit": "cover",
            "substrate": "#ffffff",
        },
        "scene": to_image(canvas),
        "shading": Image.fromarray(np.clip(shading, 0, 255).astype(np.uint8), "L"),
    }


def poster() -> dict:
    size = (2400, 3000)
    shape = (size[1], size[0])
    canvas = wall(shape, (150, 168, 150), seed=21)
    left, top, width, height = 500, 520, 1400, 1960
    border = 40
    sheet = rect_quad(left - border, top - border, width + 2 * border, height + 2 * border)
    canvas *= soft_shadow(size, sheet, (10, 16), 14, 0.35)[..., None]
    paint(canvas, sheet, (244, 243, 238))
    tape = [
        rect_quad(left + 80, top - 70, 220, 110),
        rect_quad(left + width - 300, top - 70, 220, 110),
    ]
    mask = np.full(shape, 255.0, np.float32)
    for strip in tape:
        paint(canvas, strip, (236, 228, 200))
        strip_mask = np.asarray(polygon_mask(size, strip), np.float32) / 255.0
        mask *= 1.0 - 0.7 * strip_mask
    ripple = np.sin(np.linspace(0, 5 * np.pi, shape[0], dtype=np.float32))[:, None]
    shading = shading_gradient(shape, (0.25, 0.05), 0.88) * (1.0 - 0.015 * (1 + ripple))
    return {
        "id": "poster",
        "manifest": {
            "name": "Poster taped to a wall",
            "product": "poster",
            "size": list(size),
            "placement": {"type": "rect", "box": [left, top, width, height]},
            "fit": "cover",
            "substrate": "#ffffff",
        },
        "scene": to_image(canvas),
        "mask": Image.fromarray(np.clip(mask, 0, 255).astype(np.uint8), "L"),
        "shading": Image.fromarray(np.clip(shading, 0, 255).astype(np.uint8), "L"),
    }


def greeting_card() -> dict:
    size = (3000, 2000)
    shape = (size[1], size[0])
    canvas = wood(shape, seed=31)
    table = Plane(1000, 1000, ((600, 250), (2550, 250), (2950, 1950), (150, 1950)))
    envelope = table.rect(560, 380, 360, 480)
    canvas *= soft_shadow(size, envelope, (6, 10), 10, 0.4)[..., None]
    paint(canvas, envelope, (196, 160, 118))
    card_plane = table.rect(150, 300, 450, 630)
    canvas *= soft_shadow(size, card_plane, (8, 12), 12, 0.5)[..., None]
    paint(canvas, card_plane, (250, 249, 246))
    shading = shading_gradient(shape, (0.35, 0.2), 0.84)
    return {
        "id": "greeting-card",
        "manifest": {
            "name": "Greeting card on a table",
            "product": "greeting-card",
            "size": list(size),
            "placement": {
                "type": "perspective",
                "corners": [list(map(round2, p)) for p in card_plane],
            },
            "fit": "cover",
            "substrate": "#ffffff",
        },
        "scene": to_image(canvas),
        "shading": Image.fromarray(np.clip(shading, 0, 255).astype(np.uint8), "L"),
    }


def round2(value: float) -> float:
    return round(value, 2)


SCENES: list[Callable[[], dict]] = [framed_wall, poster, greeting_card]


def write_template(spec: dict, root: Path) -> Path:
    folder = root / spec["id"]
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"format": 1, **spec["manifest"], "scene": "scene.jpg"}
    spec["scene"].save(folder / "scene.jpg", "JPEG", quality=88)
    for layer in ("mask", "shading"):
        if layer in spec:
            spec[layer].save(folder / f"{layer}.png", "PNG", optimize=True)
            manifest[layer] = f"{layer}.png"
    thumb = spec["scene"].copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    thumb.save(folder / "thumbnail.jpg", "JPEG", quality=85)
    manifest["thumbnail"] = "thumbnail.jpg"
    (folder / "template.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def main() -> None:
    for make in SCENES:
        print(write_template(make(), BUILTIN_DIR))


if __name__ == "__main__":
    main()
