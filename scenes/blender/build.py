"""Raw Blender renders to a template folder: scene, print map, mask, reflection, safe area.

Inputs (from `studio/render.py`): `beauty.npy` (linear RGB, the print's carrier blank white),
`matte.npy` (optional, a sixth of the size: the same without gloss or glass), `data.npy`
(half size: RGB is the carrier's encoded (u, v, 1) premultiplied by its coverage, alpha the
product's coverage) and `shot.json` (with the camera's lens).

The beauty is developed as a camera would: exposed so the print's median light shows a white
print at WHITE_LEVEL (never clipping the carrier), darkened off axis by the lens's natural
falloff (cos^4 of the angle), encoded with the sRGB curve, sharpened as a camera's JPEGs are,
and given sensor grain seeded by the template's id. That scene
is also the template's shading: the print multiplies the blank product's own light, colour,
falloff and grain included, so an all-white artwork shows the product's rendered white. The
sRGB curve is close to a power law, so multiplying encoded values multiplies light.

Where the product reflects (glass, glaze, a gloss case), the beauty less the matte render is
the reflection, kept apart (`reflection.png`) so a dark print still shows it. The print's
ink black (`ink_black`) is set so an 18 % grey artwork prints the grey an 18 % grey card
shows in the same light while a white one prints the carrier's white; `safe` is the part of
the print the shot shows whole, for the artwork's fit.
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from mockups.render.backdrop import save_scene
from mockups.render.grain import grain_over
from mockups.templates.model import Grain
from mockups.templates.printmap import extrapolate, save_map, stored_map
from scenes.weave import Weave, plane_coordinates, plane_through, weave_light

WHITE_LEVEL = 0.80  # linear light on the print's median pixel (0.91 once encoded)
WHITE_HEADROOM = 0.92  # the print's brightest carrier light stays under it (245 once encoded)
BRIGHTEST = 99.5  # percentile of the carrier's light that counts as its brightest
GREY_CARD = 0.18  # the albedo an 18 % grey artwork prints as
SOLID = 0.985  # coverage above which a pixel's print coordinate is trusted as rendered
MARGIN = 6  # px of extrapolated map round the covered pixels
THUMB_SIDE = 400
MAX_PRINT_SIDE = 2400
GRAIN_LEVELS = 2.2  # sensor grain's spread in 8-bit levels, before JPEG takes some away
# (a scene's `TEMPLATE` may name its own `grain`: a brighter shot is taken at a lower ISO)
SHARPEN_RADIUS = 1.0  # px, and amount: the unsharp mask a camera gives its JPEGs
SHARPEN_AMOUNT = 0.6
REFLECTION_FLOOR = 0.01  # of the print's light: smaller differences are the matte's noise
# A glaze's coat or a frame's pane (IOR 1.5) passes 0.96 of the light each way seen square on:
# a white card under either renders at 0.92 of its bare self (measured in the studio's light)
PASSED = 0.92
SAFE_CELLS = 128  # at most, across and down the print, where its safe area is looked for
SAFE_SAMPLES = 9  # scene pixels a safe-area cell holds at least, on average
SAFE_STRETCH = 2.5  # a print seen this many times more obliquely than usual turns away


@dataclass
class Raw:
    beauty: np.ndarray
    matte: np.ndarray | None
    data: np.ndarray
    facts: dict


@dataclass(frozen=True)
class Camera:
    """How the scene's light becomes a photograph: exposure, the lens's falloff, grain."""

    gain: float
    falloff: np.ndarray  # per pixel, 1 on the lens's axis
    grain_seed: int


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
    if rgb.shape[1::-1] == tuple(size):
        return rgb
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
    """A layer stored cropped to the print's box: a third of the scene's pixels to decode on
    every render (a template layer may be the scene's size or its box's)."""
    return Image.fromarray(to_8bit(values))


# --- the camera -----------------------------------------------------------------------------


def lens_falloff(size: tuple[int, int], lens: dict) -> np.ndarray:
    """cos^4 of each pixel's angle off the lens's axis: the light a lens gives the corners
    of its frame (the natural vignetting no render has, its pinhole camera being ideal)."""
    width, height = size
    spans = {"HORIZONTAL": width, "VERTICAL": height}
    span = spans.get(lens["sensor_fit"], max(width, height))
    mm_per_pixel = lens["sensor_mm"] / span
    shift_x, shift_y = lens.get("shift", (0.0, 0.0))
    centre_x = width / 2 - shift_x * max(width, height)
    centre_y = height / 2 + shift_y * max(width, height)
    columns = (np.arange(width, dtype=np.float32) + 0.5 - centre_x) ** 2
    rows = (np.arange(height, dtype=np.float32) + 0.5 - centre_y) ** 2
    tangent_squared = (rows[:, None] + columns[None, :]) * (mm_per_pixel / lens["lens_mm"]) ** 2
    return (1.0 / (1.0 + tangent_squared) ** 2).astype(np.float32)


def grain_seed(template_id: str) -> int:
    return zlib.crc32(template_id.encode())


def develop(linear: np.ndarray, camera: Camera) -> np.ndarray:
    """Linear light (rows, columns, 3) to encoded values 0..1: exposed, lens falloff, sRGB
    curve."""
    return encode_srgb(linear * (camera.gain * camera.falloff)[..., None])


def sharpened(encoded: np.ndarray) -> np.ndarray:
    """An unsharp mask, as a camera sharpens the JPEGs it writes: the image plus
    SHARPEN_AMOUNT of its difference from its Gaussian blur (SHARPEN_RADIUS)."""
    return encoded + SHARPEN_AMOUNT * (encoded - _gaussian_blur(encoded, SHARPEN_RADIUS))


def _gaussian_blur(values: np.ndarray, sigma: float) -> np.ndarray:
    reach = math.ceil(3 * sigma)
    offsets = np.arange(-reach, reach + 1)
    weights = np.exp(-(offsets**2) / (2 * sigma**2))
    weights /= weights.sum()
    for axis in (0, 1):
        padded = np.pad(
            values, [(reach, reach) if a == axis else (0, 0) for a in range(values.ndim)], "edge"
        )
        values = sum(
            weight
            * np.take(padded, range(reach + offset, reach + offset + values.shape[axis]), axis=axis)
            for weight, offset in zip(weights, offsets, strict=True)
        )
    return values


def camera_for(raw: Raw, light: np.ndarray, solid: np.ndarray, size) -> Camera:
    """Exposure metered on the print through the lens: the median of a white print's light
    (the carrier's light over its albedo) falls at WHITE_LEVEL, moved by the shot's stops,
    unless that would clip the carrier's brightest light in any band: a photographer keeps
    the product's white off the sensor's ceiling (and a grey print would lose its light)."""
    facts = raw.facts
    falloff = lens_falloff(size, facts["camera"]) if "camera" in facts else np.ones(size[::-1])
    seen = light[solid] * falloff[solid][:, None]
    white = luminance(seen) / carrier_white(facts)
    gain = WHITE_LEVEL / max(1e-6, float(np.median(white))) * 2.0 ** facts["exposure"]
    brightest = float(np.percentile(seen.max(axis=1), BRIGHTEST))
    gain = min(gain, WHITE_HEADROOM / max(1e-6, brightest))
    return Camera(gain, falloff.astype(np.float32), grain_seed(facts["template"]["id"]))


def carrier_white(facts: dict) -> float:
    """The luminance of the print's carrier's albedo (one number in older raw renders)."""
    albedo = facts["carrier_albedo"]
    return (
        float(luminance(np.asarray(albedo, dtype=np.float32)))
        if isinstance(albedo, list)
        else albedo
    )


def ink_black(carrier_albedo: float) -> float:
    """The ink's black (a share of the carrier's white) that prints an 18 % grey artwork as
    an 18 % grey card: black + (1 - black) * 0.18 = 0.18 / albedo."""
    return (GREY_CARD / carrier_albedo - GREY_CARD) / (1 - GREY_CARD)


# --- fabric and gloss -----------------------------------------------------------------------


def woven(
    beauty: np.ndarray,
    product: np.ndarray,
    plane: np.ndarray,
    weave: Weave,
    print_cm: tuple[float, float],
) -> np.ndarray:
    """`beauty` with the product's own fabric carrying the print's threads: the print's
    coordinates run on across the product on `plane`."""
    rows = np.nonzero((product > 0).any(axis=1))[0]
    columns = np.nonzero((product > 0).any(axis=0))[0]
    if not len(rows):
        return beauty
    top, left = int(rows[0]), int(columns[0])
    height, width = int(rows[-1]) + 1 - top, int(columns[-1]) + 1 - left
    light = weave_light(*plane_coordinates(plane, (left, top, width, height)), weave, print_cm)
    part = (slice(top, top + height), slice(left, left + width))
    beauty[part] *= (1 + (in_linear_light(light) - 1) * product[part])[..., None]
    return beauty


def in_linear_light(light: np.ndarray) -> np.ndarray:
    """The threads' factors (`weave_light`'s, on encoded light) as factors on linear light:
    the print and the fabric round it must take the same, or the print's box shows."""
    return np.clip(light, 0, 1) ** 2.4


def threads_on_print(beauty_box: np.ndarray, coverage: np.ndarray, light: np.ndarray) -> np.ndarray:
    """The print's carrier in `beauty_box` taking the threads `light` gives (encoded factors,
    so raised to 2.4 on linear light), where the carrier covers each pixel."""
    beauty_box *= (1 + (in_linear_light(light) - 1) * coverage)[..., None]
    return beauty_box


def reflection_of(beauty: np.ndarray, matte: np.ndarray, white: float) -> np.ndarray:
    """What the product reflects (linear): the beauty above the light a coat or a pane lets
    through of the matte render (PASSED), less a floor (REFLECTION_FLOOR of the print's
    `white` light) under which a difference is the renders' noise."""
    return np.maximum(beauty - PASSED * matte - REFLECTION_FLOOR * white, 0.0)


# --- the print's safe area ------------------------------------------------------------------


def safe_area(u: np.ndarray, v: np.ndarray) -> list[float] | None:
    """Left, top, right, bottom (fractions of the print) of the largest upright rectangle of
    the print that the shot shows whole: every cell of it seen (no hole, nothing in front)
    and none seen far more obliquely than the print's median (turning away round a mug).

    `u`, `v`: the print coordinate each solid pixel shows, NaN elsewhere."""
    stretch = np.abs(_jacobian(u, v))
    known = np.isfinite(u) & np.isfinite(v) & np.isfinite(stretch)
    inside = known & (u >= 0) & (u < 1) & (v >= 0) & (v < 1)
    usual = float(np.median(stretch[inside])) if inside.any() else 0.0
    upright = inside & (stretch <= SAFE_STRETCH * usual)
    cells = int(min(SAFE_CELLS, math.sqrt(upright.sum() / SAFE_SAMPLES)))
    if cells < 4:
        return None
    seen = np.zeros((cells, cells), dtype=bool)
    seen[(v[upright] * cells).astype(int), (u[upright] * cells).astype(int)] = True
    top, left, bottom, right = largest_rectangle(seen)
    if right - left < 3 or bottom - top < 3:
        return None
    # a rectangle's border cells may be seen only in part: keep inside them
    fractions = (left + 1, top + 1, right - 1, bottom - 1)
    return [round(cell / cells, 4) for cell in fractions]


def _jacobian(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Print area per scene pixel (its determinant of d(u, v) / d(column, row))."""
    u_row, u_column = np.gradient(u)
    v_row, v_column = np.gradient(v)
    return u_column * v_row - u_row * v_column


def largest_rectangle(cells: np.ndarray) -> tuple[int, int, int, int]:
    """top, left, bottom, right (exclusive) of the largest all-True rectangle in `cells`:
    row by row, the runs of True ending in each cell make a histogram whose largest
    rectangle a stack of (start, height) finds."""
    runs = np.zeros(cells.shape[1] + 1, dtype=int)  # a zero at the end empties the stack
    best, found = 0, (0, 0, 0, 0)
    for row in range(cells.shape[0]):
        runs[:-1] = np.where(cells[row], runs[:-1] + 1, 0)
        stack: list[tuple[int, int]] = []
        for column, height in enumerate(runs.tolist()):
            start = column
            while stack and stack[-1][1] >= height:
                start, tall = stack.pop()
                if tall * (column - start) > best:
                    best = tall * (column - start)
                    found = (row + 1 - tall, start, row + 1, column)
            stack.append((start, height))
    return found


# --- the template ---------------------------------------------------------------------------


@dataclass
class Layout:
    """Where the print lies in the frame, read from the data render at the template's size."""

    size: tuple[int, int]
    data: np.ndarray
    coverage: np.ndarray  # the print's carrier
    product: np.ndarray  # the product, its carrier included
    box: tuple[int, int, int, int]  # left, top, width, height round the print
    u: np.ndarray  # print coordinates over the box where the carrier is solid, else NaN
    v: np.ndarray

    @property
    def window(self) -> tuple[slice, slice]:
        left, top, width, height = self.box
        return slice(top, top + height), slice(left, left + width)

    @property
    def solid(self) -> np.ndarray:
        return self.coverage > SOLID


def layout_of(raw: Raw) -> Layout:
    size = tuple(raw.facts.get("size", raw.data.shape[1::-1]))  # smaller than the spec's in tests
    data = resized(raw.data, size)
    box = map_box(print_region(data))
    left, top, width, height = box
    u, v = print_coordinates(data[top : top + height, left : left + width])
    coverage, product = np.clip(data[..., 2], 0, 1), np.clip(data[..., 3], 0, 1)
    return Layout(size, data, coverage, product, box, u, v)


@dataclass
class Darkroom:
    """What every render of a scene goes through to become its photograph: the fabric's
    threads on its light (None: no fabric), then the camera, then the grain."""

    camera: Camera
    threads: np.ndarray | None
    grain: Grain

    def photograph(self, linear: np.ndarray) -> np.ndarray:
        """An 8-bit RGB photograph of a linear render at the template's size."""
        if self.threads is not None:
            linear = linear * self.threads[..., None]
        height, width = linear.shape[:2]
        grain = grain_over(self.grain, 0, 0, width, height)
        return to_8bit(sharpened(develop(linear, self.camera)) + grain / 255)


def darkroom_for(raw: Raw, layout: Layout, u: np.ndarray, v: np.ndarray) -> Darkroom:
    """`u`, `v`: the print coordinates run on past the print's edge (the print map's)."""
    facts = raw.facts
    light = raw.matte if raw.matte is not None else raw.beauty
    camera = camera_for(raw, resized(light, layout.size), layout.solid, layout.size)
    spec = facts["template"]
    grain = Grain(spec.get("grain", GRAIN_LEVELS), camera.grain_seed)
    if "weave" not in spec:
        return Darkroom(camera, None, grain)
    weave = Weave(**spec["weave"])
    threads = np.ones(layout.size[::-1], dtype=np.float32)
    if facts["has_product"]:  # the product's own fabric beyond its carrier (a collar)
        left, top = layout.box[:2]
        plane = plane_through(layout.u, layout.v, origin=(left, top))
        beyond = layout.product * (1 - layout.coverage)
        threads = woven(threads[..., None], beyond, plane, weave, facts["print_size"])[..., 0]
    # the whole carrier, not the print's box only: a shirt's front runs on past its print
    (rows, columns), carrier_u, carrier_v = carrier_coordinates(layout, u, v)
    on_carrier = weave_light(carrier_u, carrier_v, weave, facts["print_size"])
    threads[rows, columns] = threads_on_print(
        threads[rows, columns][..., None], layout.coverage[rows, columns], on_carrier
    )[..., 0]
    return Darkroom(camera, threads, grain)


def carrier_coordinates(
    layout: Layout, u: np.ndarray, v: np.ndarray
) -> tuple[tuple[slice, slice], np.ndarray, np.ndarray]:
    """The print coordinates over all of the carrier (its UVs run on past the print), in the
    part of the frame it covers; in the print's box, `u` and `v` (run on past its edge)."""
    all_u, all_v = print_coordinates(layout.data)
    rows_of, columns_of = layout.window
    known_u, known_v = all_u[rows_of, columns_of], all_v[rows_of, columns_of]
    all_u[rows_of, columns_of] = np.where(np.isnan(known_u), u, known_u)
    all_v[rows_of, columns_of] = np.where(np.isnan(known_v), v, known_v)
    known = np.isfinite(all_u) & np.isfinite(all_v)
    rows, columns = np.nonzero(known.any(axis=1))[0], np.nonzero(known.any(axis=0))[0]
    part = (slice(rows[0], rows[-1] + 1), slice(columns[0], columns[-1] + 1))
    return part, all_u[part], all_v[part]


def build(raw_folder: Path, out_root: Path) -> Path:
    raw = load_raw(raw_folder)
    facts = raw.facts
    spec = facts["template"]
    layout = layout_of(raw)
    size, window = layout.size, layout.window
    folder = out_root / spec["id"]
    folder.mkdir(parents=True, exist_ok=True)
    factor = facts["map_reduction"]
    aspect = facts["print_size"][0] / facts["print_size"][1]
    pixels = print_pixels(layout.u, layout.v, aspect)
    steps = MARGIN + 2 * factor
    u, v = extrapolate(layout.u, steps), extrapolate(layout.v, steps)
    darkroom = darkroom_for(raw, layout, u, v)
    beauty = resized(raw.beauty, size)
    scene = darkroom.photograph(beauty)
    save_scene(Image.fromarray(scene), folder / "scene.jpg")

    save_map(stored_map(u, v, factor), folder / "printmap.png")
    box_layer(layout.coverage[window]).save(folder / "mask.png", optimize=True)
    manifest = {
        "format": 1,
        "name": spec["name"],
        "product": spec["product"],
        "size": list(size),
        "scene": "scene.jpg",
        "placement": {
            "type": "uvmap",
            "map": "printmap.png",
            "box": list(layout.box),
            "print": list(pixels),
        },
        "fit": spec.get("fit", "cover"),
        "substrate": spec.get("substrate", "#ffffff"),
        "mask": "mask.png",
        "shading": "scene.jpg",
        "ink_black": round(ink_black(carrier_white(facts)), 4),
        "grain": {"levels": darkroom.grain.levels, "seed": darkroom.grain.seed},
    }
    # a close-up shows a corner of the print as the hero places it: no safe area to fit to
    safe = None if spec.get("close_up") else safe_area(layout.u, layout.v)
    if safe is not None:
        manifest["safe"] = safe
    if raw.matte is not None:
        matte = resized(raw.matte, size)
        white = float(np.median(luminance(matte)[layout.solid]))
        reflection = reflection_of(beauty[window], matte[window], white)
        reflection *= (layout.coverage[window] > 0)[..., None]  # kept only where the print is
        encoded = to_8bit(develop(reflection, camera_in(darkroom.camera, window)))
        if encoded.any():
            Image.fromarray(encoded).save(folder / "reflection.png", optimize=True)
            manifest["reflection"] = "reflection.png"
    if facts["has_product"] and "colours" in spec:
        Image.fromarray(to_8bit(layout.product)).save(folder / "product.png", optimize=True)
        manifest["variants"] = {"mask": "product.png", "colours": spec["colours"]}
    thumbnail = Image.fromarray(scene)
    thumbnail.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    thumbnail.save(folder / "thumbnail.jpg", "JPEG", quality=85)
    manifest["thumbnail"] = "thumbnail.jpg"
    (folder / "template.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def camera_in(camera: Camera, window: tuple[slice, slice]) -> Camera:
    """The same camera over a window of its frame."""
    return Camera(camera.gain, camera.falloff[window], camera.grain_seed)
