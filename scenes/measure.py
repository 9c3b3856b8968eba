"""How much a mockup looks photographed, in 8-bit levels: the measures behind the README's
template table and the tests on the built-in library, so both read the same figures.

- `white_difference`: an all-white artwork against the product's own rendered white (the
  scene, where the print goes): mean signed difference over the print.
- `flat_noise`: the grain of flat areas (a wall, a tabletop): the spread of each band in the
  blocks that are least structured once their grain is taken out.
- `halving_loss`: the detail a mockup holds above half its size: with the grain taken out by
  a 3x3 median, how far halving and enlarging it again moves its pixels.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from mockups.artwork.colour import srgb_icc_bytes
from mockups.render.compose import render_mockup
from mockups.render.mockup import Mockup

BLOCK = 16  # px side of the blocks flat noise is read in
FLATTEST = 0.2  # the share of blocks, least structured first, that count as flat
UNCLIPPED = (8, 247)  # a block whose mean lies outside cannot show its grain
# exchanges (smaller first) after which the fifth of nine values is their median
MEDIAN_OF_NINE = (
    (1, 2), (4, 5), (7, 8), (0, 1), (3, 4), (6, 7), (1, 2), (4, 5), (7, 8), (0, 3),
    (5, 8), (4, 7), (3, 6), (1, 4), (2, 5), (4, 7), (4, 2), (6, 4), (4, 2),
)  # fmt: skip


@dataclass(frozen=True)
class Figures:
    """One template's row of the README's table, in levels."""

    white_difference: float
    flat_noise: float
    halving_loss: float


def figures(template, artwork: Image.Image) -> Figures:
    """The table's figures for `template`, read from mockups as a run writes them (JPEG):
    an all-white artwork's against the scene over the print, the grain and the detail of a
    mockup of `artwork`."""
    mockup = as_written(render_mockup(artwork, template))
    white = Image.new("RGB", artwork.size, (255, 255, 255))
    white_mockup = as_written(render_mockup(white, template))
    with Image.open(template.scene) as scene:
        difference = white_difference(white_mockup, scene, print_region(template))
    return Figures(difference, *grain_and_detail(mockup))


def grain_and_detail(mockup: Image.Image) -> tuple[float, float]:
    """`flat_noise` and `halving_loss` of a mockup, its grain taken out once for both."""
    clean = without_grain(mockup)
    return flat_noise(mockup, clean), halving_loss(mockup, clean)


def as_written(mockup: Mockup) -> Image.Image:
    """`mockup` as the JPEG a run writes it to."""
    return Image.open(io.BytesIO(mockup.jpeg(srgb_icc_bytes()))).convert("RGB")


def white_difference(mockup: Image.Image, scene: Image.Image, region: np.ndarray) -> float:
    """Mean of mockup minus scene over `region` (a boolean mask), averaged over the bands."""
    return float(np.mean(_levels(mockup)[region] - _levels(scene)[region]))


def band_means(image: Image.Image, region: np.ndarray) -> np.ndarray:
    """Each band's mean level over `region`."""
    return _levels(image)[region].mean(axis=0)


def flat_noise(image: Image.Image, clean: Image.Image | None = None) -> float:
    """Median spread (standard deviation about a fitted plane) of a band in the flattest
    blocks, averaged over the bands. The blocks are chosen by their structure once the grain
    is taken out by a 3x3 median (as `halving_loss` takes it out), so the grain itself does
    not decide which blocks count as flat, while a texture of threads or pores, which the
    median keeps, does not count as grain. `clean`: `without_grain(image)`, when made
    already."""
    sharp = _levels(image)
    smoothed = _levels(clean if clean is not None else without_grain(image))
    structure = _plane_residual_spread(smoothed).mean(axis=-1)
    means = _blocks(sharp).mean(axis=(1, 3)).mean(axis=-1)
    usable = (means > UNCLIPPED[0]) & (means < UNCLIPPED[1])
    if not usable.any():
        return 0.0
    order = np.argsort(np.where(usable, structure, np.inf), axis=None)
    flattest = order[: max(1, int(usable.sum() * FLATTEST))]
    spread = _plane_residual_spread(sharp)  # (rows, columns, bands)
    per_block = spread.reshape(-1, spread.shape[-1])[flattest]
    return float(np.median(per_block, axis=0).mean())


def halving_loss(image: Image.Image, clean: Image.Image | None = None) -> float:
    """Mean absolute difference, in levels, between the image with its grain taken out
    (3x3 median; `clean`, when made already) and that image halved and enlarged back with
    Lanczos."""
    clean = clean if clean is not None else without_grain(image)
    half = clean.resize((clean.width // 2, clean.height // 2), Image.Resampling.LANCZOS)
    back = half.resize(clean.size, Image.Resampling.LANCZOS)
    return float(np.mean(np.abs(_levels(back) - _levels(clean))))


def without_grain(image: Image.Image) -> Image.Image:
    """`image` with its grain taken out: a 3x3 median of each band, its edge pixels repeated
    outwards, as Pillow's `MedianFilter(3)` makes it, six times as fast (2.4 CPU s of a
    3000 x 2250 mockup). Paeth's network of 19 exchanges leaves the median of nine values in
    the fifth, each exchange two passes over the image."""
    levels = np.asarray(image.convert("RGB"))
    height, width = levels.shape[:2]
    padded = np.pad(levels, ((1, 1), (1, 1), (0, 0)), mode="edge")
    values = [padded[dy : dy + height, dx : dx + width] for dy in range(3) for dx in range(3)]
    for low, high in MEDIAN_OF_NINE:
        values[low], values[high] = (
            np.minimum(values[low], values[high]),
            np.maximum(values[low], values[high]),
        )
    return Image.fromarray(values[4], "RGB")


def _levels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.float32)


def _blocks(levels: np.ndarray) -> np.ndarray:
    """(rows, BLOCK, columns, BLOCK, bands) view of the whole blocks of `levels`."""
    rows, columns = levels.shape[0] // BLOCK, levels.shape[1] // BLOCK
    cropped = levels[: rows * BLOCK, : columns * BLOCK]
    return cropped.reshape(rows, BLOCK, columns, BLOCK, levels.shape[2])


def _plane_residual_spread(levels: np.ndarray) -> np.ndarray:
    """(rows, columns, bands): each block's standard deviation about its best-fitting plane
    (its mean and its slopes across and down). The mean and the two ramps are orthogonal
    over a block, so the residual's sum of squares is the centred one less each ramp's
    share, without making the residual itself."""
    blocks = _blocks(levels).astype(np.float64)
    count = BLOCK * BLOCK
    total = blocks.sum(axis=(1, 3))
    squares = np.einsum("rbcdk,rbcdk->rck", blocks, blocks)
    ramp = np.arange(BLOCK, dtype=np.float64) - (BLOCK - 1) / 2
    norm = float((ramp**2).sum() * BLOCK)
    down = np.einsum("rbcdk,b->rck", blocks, ramp)
    across = np.einsum("rbcdk,d->rck", blocks, ramp)
    residual = squares - total**2 / count - down**2 / norm - across**2 / norm
    return np.sqrt(np.maximum(residual, 0.0) / count)


# --- what of the print a template shows -----------------------------------------------------

STUDIO_WHITE = 0.86  # the albedo the studio renders a print's carrier with (kit.CARRIER_ALBEDO)
GREY_CARD = 0.18
VISIBLE_CELLS = 64  # across and down the print


def carrier_albedo(ink_black: float) -> float:
    """The carrier's albedo a template's `ink_black` was set for: the build sets it so that
    black + (1 - black) x 0.18 = 0.18 / albedo (a rendered grey card checks it in the scene
    tests; the library's tests read it back to know the card's grey)."""
    return GREY_CARD / (ink_black + (1 - ink_black) * GREY_CARD)


def grey_card(scene_levels: np.ndarray, white_albedo: float = STUDIO_WHITE) -> np.ndarray:
    """The levels an 18 % grey card shows where a rendered white of `white_albedo` shows
    `scene_levels`: the same light, scaled in linear terms."""
    linear = _decode(scene_levels / 255) * (GREY_CARD / white_albedo)
    return 255 * _encode(linear)


def print_region(template, inset: float = 0.0) -> np.ndarray:
    """Scene pixels (the template's size) where the print shows whole: its mask at 255 and,
    on a print map, a print coordinate inside the print (a carrier may run on past it, as a
    shirt round its chest print), `inset` (a fraction of the print) in from its edges."""
    left, top, width, height = _box(template)
    region = np.zeros(template.size[::-1], dtype=bool)
    shown = np.ones((height, width), dtype=bool)
    if template.mask is not None:
        with Image.open(template.mask) as mask:
            grey = mask.convert("L")
            if grey.size != (width, height):
                grey = grey.crop((left, top, left + width, top + height))
            shown = np.asarray(grey) == 255
    if template.uvmap is not None:
        u, v = print_coordinates(template)
        low, high = inset, 1 - inset
        shown &= (u > low) & (u < high) & (v > low) & (v < high)
    region[top : top + height, left : left + width] = shown
    return region


def reflecting_region(template) -> np.ndarray:
    """Scene pixels where the template's reflection (glass, glaze) shows more than a trace:
    a grey card's gloss is not a print's, so a card's grey is compared off it."""
    left, top, width, height = _box(template)
    reflecting = np.zeros(template.size[::-1], dtype=bool)
    with Image.open(template.reflection) as reflection:
        layer = reflection.convert("L")
        if layer.size != (width, height):
            layer = layer.crop((left, top, left + width, top + height))
        reflecting[top : top + height, left : left + width] = np.asarray(layer) > 4
    return reflecting


def print_coordinates(template) -> tuple[np.ndarray, np.ndarray]:
    """u and v (0 to 1 across and down the print) of every pixel of a print map's box, each
    reduced map pixel standing for the block it covers."""
    import pyvips

    width, height = template.uvmap.box[2:]
    stored = pyvips.Image.new_from_file(str(template.uvmap.path)).numpy().astype(np.float64)
    factor = -(-width // stored.shape[1])
    uv = np.repeat(np.repeat(stored, factor, axis=0), factor, axis=1)[:height, :width]
    uv = -0.5 + uv / 65535 * 2.0
    return uv[..., 0], uv[..., 1]


def visible_cells(template) -> np.ndarray:
    """VISIBLE_CELLS x VISIBLE_CELLS booleans over the print (rows down it): True where some
    scene pixel that shows the print whole shows a point of the cell (a print map's
    template)."""
    left, top, width, height = template.uvmap.box
    shown = print_region(template)[top : top + height, left : left + width]
    u, v = (values[shown] for values in print_coordinates(template))
    cells = np.zeros((VISIBLE_CELLS, VISIBLE_CELLS), dtype=bool)
    cells[(v * VISIBLE_CELLS).astype(int), (u * VISIBLE_CELLS).astype(int)] = True
    return cells


def cells_under(
    cells: np.ndarray, left: float, top: float, right: float, bottom: float
) -> np.ndarray:
    """The cells a rectangle of the print (fractions) touches."""
    count = cells.shape[0]
    first = [int(np.floor(max(0.0, value) * count)) for value in (left, top)]
    last = [int(np.ceil(min(1.0, value) * count)) for value in (right, bottom)]
    return cells[first[1] : max(first[1] + 1, last[1]), first[0] : max(first[0] + 1, last[0])]


def _box(template) -> tuple[int, int, int, int]:
    from mockups.geometry import bounding_box

    box = bounding_box(template.quad, template.size)
    return box.left, box.top, box.width, box.height


def _decode(encoded: np.ndarray) -> np.ndarray:
    return np.where(encoded <= 0.04045, encoded / 12.92, ((encoded + 0.055) / 1.055) ** 2.4)


def _encode(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
