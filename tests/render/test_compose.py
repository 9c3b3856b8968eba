"""Placing a print in a scene: geometry, fit, transparency, mask and shading."""

import numpy as np
import pytest
from PIL import Image

from mockups.render.compose import render_mockup
from tests.conftest import corner_marked_artwork, gradient_artwork

PERSPECTIVE = [[700.5, 300.25], [2100.0, 420.0], [2000.0, 1700.0], [800.0, 1800.75]]


def render(artwork, template):
    return render_mockup(artwork, template).image()


def bright_pixels(image: Image.Image) -> np.ndarray:
    """(x, y) of every pixel brighter than mid-grey."""
    grey = np.asarray(image.convert("L"))
    ys, xs = np.nonzero(grey > 127)
    return np.column_stack([xs, ys]).astype(float)


def shoelace_area(corners) -> float:
    xs = np.array([c[0] for c in corners])
    ys = np.array([c[1] for c in corners])
    return 0.5 * abs(np.dot(xs, np.roll(ys, 1)) - np.dot(ys, np.roll(xs, 1)))


def test_a_perspective_print_lands_on_the_template_corners(template_factory):
    template = template_factory(placement={"type": "perspective", "corners": PERSPECTIVE})
    mockup = render(Image.new("RGB", (500, 600), "white"), template)
    bright = bright_pixels(mockup)
    for corner in PERSPECTIVE:
        nearest = np.min(np.hypot(*(bright - np.array(corner) + 0.5).T))
        assert nearest <= 2.0, f"corner {corner} is {nearest:.1f} px from the print"
    assert len(bright) == pytest.approx(shoelace_area(PERSPECTIVE), rel=0.01)


def test_the_print_is_not_mirrored_or_rotated(template_factory):
    template = template_factory(placement={"type": "perspective", "corners": PERSPECTIVE})
    mockup = np.asarray(render(corner_marked_artwork(), template)).astype(int)
    marks = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0)}
    for (name, colour), corner in zip(marks.items(), PERSPECTIVE, strict=True):
        ys, xs = np.nonzero(np.abs(mockup - colour).sum(axis=2) < 60)
        centre = (xs.mean(), ys.mean())
        distances = [np.hypot(centre[0] - c[0], centre[1] - c[1]) for c in PERSPECTIVE]
        assert int(np.argmin(distances)) == PERSPECTIVE.index(corner), name


def test_the_print_edge_is_antialiased_not_stair_stepped(template_factory):
    template = template_factory(placement={"type": "perspective", "corners": PERSPECTIVE})
    grey = np.asarray(render(Image.new("RGB", (500, 600), "white"), template).convert("L"))
    row = grey[1000, 600:900]
    assert np.any((row > 20) & (row < 235)), "an edge pixel is partly covered"


def test_a_flat_print_covering_its_box_is_placed_pixel_for_pixel(template_factory):
    template = template_factory(placement={"type": "rect", "box": [1000, 500, 800, 1000]})
    artwork = gradient_artwork((800, 1000))
    mockup = render(artwork, template)
    assert np.array_equal(np.asarray(mockup.crop((1000, 500, 1800, 1500))), np.asarray(artwork))
    assert mockup.getpixel((999, 499)) == (0, 0, 0)


def test_cover_fills_the_print_area_and_crops_the_overflow(template_factory):
    template = template_factory(fit="cover")
    mockup = render(Image.new("RGB", (2000, 500), "white"), template)
    assert mockup.crop((1000, 500, 1800, 1500)).convert("L").getextrema() == (255, 255)


def test_contain_keeps_the_whole_artwork_on_the_substrate(template_factory):
    template = template_factory(fit="contain", substrate="#ff0000")
    mockup = render(Image.new("RGB", (800, 400), "white"), template)
    assert mockup.getpixel((1400, 600)) == (255, 0, 0), "above the artwork: substrate"
    assert mockup.getpixel((1400, 1000)) == (255, 255, 255), "the artwork itself"


def transparent_half_artwork() -> Image.Image:
    image = Image.new("RGBA", (800, 1000), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 400, 1000))
    return image


def test_transparent_areas_show_the_paper_substrate(template_factory):
    template = template_factory(substrate="#ffffff", scene_colour=(0, 128, 0))
    mockup = render(transparent_half_artwork(), template)
    assert mockup.getpixel((1200, 1000)) == (0, 0, 255)
    assert mockup.getpixel((1600, 1000)) == (255, 255, 255)


def test_without_a_substrate_transparent_areas_show_the_product(template_factory):
    template = template_factory(substrate=None, scene_colour=(0, 128, 0))
    mockup = render(transparent_half_artwork(), template)
    assert mockup.getpixel((1200, 1000)) == (0, 0, 255)
    assert mockup.getpixel((1600, 1000)) == (0, 128, 0)


def test_the_mask_hides_the_print_where_the_scene_is_in_front(template_factory):
    mask = Image.new("L", (3000, 2000), 255)
    mask.paste(0, (1000, 500, 1400, 1500))
    template = template_factory(mask=mask, scene_colour=(10, 20, 30))
    mockup = render(Image.new("RGB", (800, 1000), "white"), template)
    assert mockup.getpixel((1200, 1000)) == (10, 20, 30)
    assert mockup.getpixel((1600, 1000)) == (255, 255, 255)


def test_shading_multiplies_the_print(template_factory):
    shading = Image.new("L", (3000, 2000), 255)
    shading.paste(128, (1400, 500, 1800, 1500))
    template = template_factory(shading=shading)
    mockup = render(Image.new("RGB", (800, 1000), (200, 100, 50)), template)
    assert mockup.getpixel((1200, 1000)) == (200, 100, 50)
    assert mockup.getpixel((1600, 1000)) == (100, 50, 25)
