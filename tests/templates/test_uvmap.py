"""The `uvmap` placement: a stored per-pixel print map, rendered by libvips' mapim."""

from __future__ import annotations

import numpy as np
import pytest
import pyvips
from PIL import Image

from mockups.errors import TemplateError
from mockups.render.compose import render_mockup
from mockups.templates.model import load_template
from mockups.templates.uvmap import ENCODED_LOW, MAX_VALUE, SPAN
from tests.conftest import corner_marked_artwork, gradient_artwork, write_template

BOX = (1000, 500, 80, 100)
PRINT = (80, 100)
RED, GREEN, BLUE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)


def encoded(values: np.ndarray) -> np.ndarray:
    return np.round((values - ENCODED_LOW) / SPAN * MAX_VALUE).clip(0, MAX_VALUE).astype(np.uint16)


def print_map(box_size=BOX[2:], factor=1, flip=False, margin=0.0, coverage=None) -> np.ndarray:
    """u, v at each map pixel's centre for a print filling the box (shrunk by `margin`)."""
    width, height = -(-box_size[0] // factor), -(-box_size[1] // factor)
    xs = ((np.arange(width) + 0.5) * factor) / box_size[0]
    ys = ((np.arange(height) + 0.5) * factor) / box_size[1]
    u, v = np.meshgrid(xs, ys)
    u, v = (u - margin) / (1 - 2 * margin), (v - margin) / (1 - 2 * margin)
    if flip:
        u = 1 - u
    bands = [encoded(u), encoded(v)]
    if coverage is not None:
        bands.append(np.full_like(bands[0], round(coverage * MAX_VALUE)))
    return np.dstack(bands)


def uv_template(tmp_path, stored: np.ndarray, box=BOX, print_=PRINT, **fields):
    placement = {"type": "uvmap", "map": "printmap.png", "box": list(box), "print": list(print_)}
    folder = write_template(tmp_path, placement=placement, **fields)
    image = pyvips.Image.new_from_array(stored).copy(interpretation="rgb16")
    image.pngsave(str(folder / "printmap.png"), bitdepth=16)
    return load_template(folder)


def render(template, artwork) -> Image.Image:
    return render_mockup(artwork, template).image()


def colour_at(image: Image.Image, x: int, y: int) -> np.ndarray:
    return np.array(image.getpixel((BOX[0] + x, BOX[1] + y)), dtype=int)


def test_an_identity_map_lays_the_print_in_its_box_unchanged(tmp_path):
    artwork = gradient_artwork(PRINT)
    mockup = render(uv_template(tmp_path, print_map()), artwork)
    left, top, width, height = BOX
    placed = np.asarray(mockup.crop((left, top, left + width, top + height)), dtype=int)
    assert np.abs(placed - np.asarray(artwork, dtype=int)).max() <= 2


def test_a_mirrored_map_mirrors_the_print(tmp_path):
    mockup = render(uv_template(tmp_path, print_map(flip=True)), corner_marked_artwork(PRINT))
    assert tuple(colour_at(mockup, 3, 3)) == GREEN
    assert tuple(colour_at(mockup, 76, 3)) == RED
    assert tuple(colour_at(mockup, 76, 96)) == YELLOW
    assert tuple(colour_at(mockup, 3, 96)) == BLUE


def test_a_map_stored_at_a_quarter_size_renders_like_the_full_map(tmp_path):
    artwork = gradient_artwork(PRINT)
    full = render(uv_template(tmp_path / "full", print_map()), artwork)
    quarter = render(uv_template(tmp_path / "quarter", print_map(factor=4)), artwork)
    difference = np.abs(np.asarray(full, dtype=int) - np.asarray(quarter, dtype=int))
    assert difference.max() <= 3


def test_the_scene_shows_past_the_print_edges_which_are_antialiased(tmp_path):
    margin = 0.2 + 0.4 / BOX[2]  # edges between pixels, at the box's own scale
    template = uv_template(tmp_path, print_map(margin=margin), print_=(48, 60))
    mockup = render(template, Image.new("RGB", (48, 60), (255, 255, 255)))
    assert tuple(colour_at(mockup, 40, 2)) == (0, 0, 0), "the map's margin shows the scene"
    assert tuple(colour_at(mockup, 40, 50)) == (255, 255, 255)
    row = [int(colour_at(mockup, x, 50)[0]) for x in range(8, 24)]
    steps = [value for value in row if 20 < value < 235]
    assert steps, f"the print's left edge has no blended pixel: {row}"
    assert row == sorted(row), "the edge rises from scene to print without ringing"


def test_a_coverage_band_blends_the_print_with_the_scene(tmp_path):
    template = uv_template(tmp_path, print_map(coverage=0.5), scene_colour=(0, 0, 0))
    mockup = render(template, Image.new("RGB", PRINT, (200, 200, 200)))
    assert np.abs(colour_at(mockup, 40, 50) - 100).max() <= 2


def test_shading_and_mask_apply_to_a_mapped_print(tmp_path):
    shading = Image.new("L", (3000, 2000), 128)
    mask = Image.new("L", (3000, 2000), 255)
    mask.paste(0, (BOX[0], BOX[1], BOX[0] + 40, BOX[1] + 100))
    template = uv_template(tmp_path, print_map(), shading=shading, mask=mask)
    mockup = render(template, Image.new("RGB", PRINT, (200, 200, 200)))
    assert tuple(colour_at(mockup, 20, 50)) == (0, 0, 0), "masked out: the scene"
    assert np.abs(colour_at(mockup, 60, 50) - 100).max() <= 2, "multiplied by the shading"


def test_a_print_map_of_the_wrong_size_is_named(tmp_path):
    with pytest.raises(TemplateError, match="field 'placement.map': printmap.png is 30 x 30"):
        uv_template(tmp_path, print_map(box_size=(30, 30)))


def test_a_missing_print_map_is_named(tmp_path):
    placement = {"type": "uvmap", "map": "gone.png", "box": list(BOX), "print": list(PRINT)}
    with pytest.raises(TemplateError, match="field 'placement.map': gone.png not found"):
        load_template(write_template(tmp_path, placement=placement))


def test_a_uvmap_without_its_print_size_is_refused_by_the_schema(tmp_path):
    placement = {"type": "uvmap", "map": "printmap.png", "box": list(BOX)}
    with pytest.raises(TemplateError, match="field 'placement'"):
        load_template(write_template(tmp_path, placement=placement))


def test_a_uvmap_template_reports_its_placement_and_print_size(tmp_path):
    template = uv_template(tmp_path, print_map(), print_=(160, 200))
    assert template.placement == "uvmap"
    assert template.print_size == (160, 200)
    assert not template.is_flat
