"""Raw Blender renders to a template folder: scene, print map, mask, shading, highlight.

Inputs (from `studio/render.py`): `beauty.npy` (linear RGB at half size, the print area
blank white), `matte.npy` (optional, quarter size: the same without gloss or glass),
`data.npy` (full size: RGB is the carrier's encoded (u, v, 1) premultiplied by its
coverage, alpha the product's coverage) and `shot.json`.

Display encoding is the sRGB curve: it is a power law, so the print's colour times the
encoded light is the encoded lit print, which is what `shading` multiplies. Exposure is set
so the print's median light shows a white print at WHITE_LEVEL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from mockups.templates.printmap import extrapolate, save_map, stored_map
from scenes.weave import Weave, plane_coordinates, plane_through, weave_light

WHITE_LEVEL = 0.80  # linear light on the print's median pixel (0.91 once encoded)
SOLID = 0.985  # coverage above which a pixel's print coordinate is trusted as rendered
MARGIN = 6  # px of extrapolated map round the covered pixels
THUMB_SIDE = 400
MAX_PRINT_SIDE = 2400


@dataclass
class Raw:
    beauty: np.ndarray
    matte: np.ndarray | None
    data: np.ndarray
    facts: dict


def load_raw(folder: Path) -> Raw:
    matte = folder / "matte.npy"
    return Raw(
        beauty=np.load(folder / "beauty.npy").astype(np.float32)[..., :3],
        matte=np.load(matte).astype(np.float32)[..., :3] if matte.exists() else None,
        data=np.load(folder / "data.npy").astype(np.float32),
        facts=json.loads((folder / "shot.json").read_text()),
    )


def encode_srgb(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)


def luminance(rgb: np.ndarray) -> np.ndarray:
    return rgb @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def resized(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A float image resampled to `size` (width, height), band by band, with LANCZOS."""
    bands = [
        np.asarray(Image.fromarray(rgb[..., band]).resize(size, Image.Resampling.LANCZOS))
        for band in range(rgb.shape[2])
    ]
    return np.dstack(bands)


def to_8bit(values: np.ndarray) -> np.ndarray:
    return np.round(np.clip(values, 0.0, 1.0) * 255).astype(np.uint8)


def print_coordinates(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(u, v) per pixel where the carrier fully covers it, NaN elsewhere."""
    coverage = data[..., 2]
    solid = coverage > SOLID
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(solid, (data[..., 0] / coverage - 0.25) * 2, np.nan)
        v = np.where(solid, (data[..., 1] / coverage - 0.25) * 2, np.nan)
    return u, v


def print_region(data: np.ndarray) -> np.ndarray:
    """Pixels where the print itself shows: covered, with (u, v) inside the print."""
    coverage = data[..., 2]
    covered = coverage > 1 / 255
    with np.errstate(divide="ignore", invalid="ignore"):
        u = (data[..., 0] / coverage - 0.25) * 2
        v = (data[..., 1] / coverage - 0.25) * 2
    inside = (u > -0.01) & (u < 1.01) & (v > -0.01) & (v < 1.01)
    return covered & inside


def map_box(region: np.ndarray) -> tuple[int, int, int, int]:
    """left, top, width, height round the print's pixels, grown by MARGIN, in the scene: the
    smaller the box, the less every mockup holds (a shirt's print is on its chest only)."""
    rows = np.nonzero(region.any(axis=1))[0]
    columns = np.nonzero(region.any(axis=0))[0]
    height, width = region.shape
    left, top = max(0, columns[0] - MARGIN), max(0, rows[0] - MARGIN)
    right, bottom = min(width, columns[-1] + 1 + MARGIN), min(height, rows[-1] + 1 + MARGIN)
    return int(left), int(top), int(right - left), int(bottom - top)


def print_pixels(u: np.ndarray, v: np.ndarray, aspect: float) -> tuple[int, int]:
    """The print's pixel size: one print pixel per scene pixel where it is seen largest."""
    densest = []
    for values in (u, v):
        gradients = np.hypot(*np.gradient(values))
        finite = gradients[np.isfinite(gradients) & (gradients > 0)]
        densest.append(1.0 / np.percentile(finite, 2))
    height = max(densest[1], densest[0] / aspect)
    height = min(height, MAX_PRINT_SIDE / max(1.0, aspect))
    return max(1, round(height * aspect)), max(1, round(height))


def box_layer(values: np.ndarray) -> Image.Image:
    """A greyscale layer stored cropped to the print's box: a third of the scene's pixels to
    decode on every render (a template layer may be the scene's size or its box's)."""
    return Image.fromarray(to_8bit(values))


def woven(
    beauty: np.ndarray,
    product: np.ndarray,
    plane: np.ndarray,
    weave: Weave,
    print_cm: tuple[float, float],
) -> np.ndarray:
    """`beauty` with the product's own fabric carrying the print's threads: the print's
    coordinates run on across the product on `plane` (under the print, the print covers it)."""
    rows = np.nonzero((product > 0).any(axis=1))[0]
    columns = np.nonzero((product > 0).any(axis=0))[0]
    if not len(rows):
        return beauty
    top, left = int(rows[0]), int(columns[0])
    height, width = int(rows[-1]) + 1 - top, int(columns[-1]) + 1 - left
    light = weave_light(*plane_coordinates(plane, (left, top, width, height)), weave, print_cm)
    part = (slice(top, top + height), slice(left, left + width))
    beauty[part] *= (1 + (light - 1) * product[part])[..., None]
    return beauty


def build(raw_folder: Path, out_root: Path) -> Path:
    raw = load_raw(raw_folder)
    facts = raw.facts
    spec = facts["template"]
    size = tuple(facts.get("size", raw.data.shape[1::-1]))  # smaller than the spec's in tests
    if raw.data.shape[1::-1] != size:
        raw.data = resized(raw.data, size)
    coverage = np.clip(raw.data[..., 2], 0, 1)
    folder = out_root / spec["id"]
    folder.mkdir(parents=True, exist_ok=True)
    albedo = facts["carrier_albedo"]
    light = raw.matte if raw.matte is not None else raw.beauty
    light_full = resized(light, size) / albedo
    seen = coverage > SOLID
    gain = WHITE_LEVEL / max(1e-6, float(np.median(luminance(light_full)[seen])))
    gain *= 2.0 ** facts["exposure"]

    factor = facts["map_reduction"]
    box = map_box(print_region(raw.data))
    left, top, width, height = box
    window = (slice(top, top + height), slice(left, left + width))
    u, v = print_coordinates(raw.data[window])
    aspect = facts["print_size"][0] / facts["print_size"][1]
    pixels = print_pixels(u, v, aspect)
    weave = Weave(**spec["weave"]) if "weave" in spec else None
    product = np.clip(raw.data[..., 3], 0, 1)

    beauty = resized(raw.beauty, size) * gain
    if weave is not None and facts["has_product"]:  # the fabric round the print
        plane = plane_through(u, v, origin=(left, top))
        beauty = woven(beauty, product, plane, weave, facts["print_size"])
    scene = to_8bit(encode_srgb(beauty))
    Image.fromarray(scene).save(folder / "scene.jpg", "JPEG", quality=90)

    steps = MARGIN + 2 * factor
    u, v = extrapolate(u, steps), extrapolate(v, steps)
    save_map(stored_map(u, v, factor), folder / "printmap.png")
    box_layer(coverage[window]).save(folder / "mask.png", optimize=True)

    shading = encode_srgb(luminance(light_full[window]) * gain)
    if weave is not None:  # the fabric's threads, where the print map puts them
        shading = shading * weave_light(u, v, weave, facts["print_size"])
    box_layer(shading).save(folder / "shading.png", optimize=True)
    manifest = {
        "format": 1,
        "name": spec["name"],
        "product": spec["product"],
        "size": list(size),
        "scene": "scene.jpg",
        "placement": {
            "type": "uvmap",
            "map": "printmap.png",
            "box": list(box),
            "print": list(pixels),
        },
        "fit": spec.get("fit", "cover"),
        "substrate": spec.get("substrate", "#ffffff"),
        "mask": "mask.png",
        "shading": "shading.png",
    }
    if raw.matte is not None:
        lit = encode_srgb(luminance(beauty[window]))
        matte = np.clip(shading, 0, 0.999)
        highlight = np.clip((lit - matte) / (1 - matte), 0, 1)
        box_layer(highlight).save(folder / "highlight.png", optimize=True)
        manifest["highlight"] = "highlight.png"
    if facts["has_product"] and "colours" in spec:
        Image.fromarray(to_8bit(product)).save(folder / "product.png", optimize=True)
        manifest["variants"] = {"mask": "product.png", "colours": spec["colours"]}
    thumbnail = Image.fromarray(scene)
    thumbnail.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    thumbnail.save(folder / "thumbnail.jpg", "JPEG", quality=85)
    manifest["thumbnail"] = "thumbnail.jpg"
    (folder / "template.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder
