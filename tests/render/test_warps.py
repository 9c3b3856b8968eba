"""Cylinder wraps, fabric displacement, highlights, wrapped edges and colour variants."""

import numpy as np
from PIL import Image, ImageDraw

from mockups.render.compose import render_mockup
from mockups.templates.library import load_library, select_templates
from tests.conftest import gradient_artwork, write_template

CYLINDER = {
    "type": "cylinder",
    "center_x": 1500,
    "radius": 600,
    "top": 600,
    "bottom": 1400,
    "rim": 60,
    "arc_degrees": 160,
}


def render(artwork, template):
    return render_mockup(artwork, template).image()


def stripes(size=(1600, 800), period=100) -> Image.Image:
    """Vertical black and white stripes, with a red line down the middle."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for left in range(0, size[0], 2 * period):
        draw.rectangle((left, 0, left + period - 1, size[1]), fill="black")
    draw.rectangle((size[0] // 2 - 3, 0, size[0] // 2 + 3, size[1]), fill="red")
    return image


def red_columns(mockup: Image.Image, row: int) -> np.ndarray:
    pixels = np.asarray(mockup, dtype=int)[row]
    return np.nonzero((pixels[:, 0] > 180) & (pixels[:, 1] < 90) & (pixels[:, 2] < 90))[0]


def test_a_cylinder_keeps_the_centre_line_straight(template_factory):
    template = template_factory(placement=CYLINDER, scene_colour=(0, 0, 90))
    mockup = render(stripes(template.print_size), template)
    centres = [red_columns(mockup, row).mean() for row in range(700, 1300, 50)]
    assert max(centres) - min(centres) <= 1.0
    assert abs(np.mean(centres) - 1500) <= 2.0


def test_a_cylinder_compresses_the_print_toward_its_edges(template_factory):
    template = template_factory(placement=CYLINDER, scene_colour=(0, 0, 90))
    mockup = render(stripes(template.print_size), template)
    row = np.asarray(mockup.convert("L"), dtype=int)[1000]
    inside = row[900:2100]
    changes = np.nonzero(np.diff((inside > 127).astype(int)))[0]
    widths = np.diff(changes)
    assert len(widths) >= 8
    assert widths[len(widths) // 2] > 2 * widths[0]
    assert widths[len(widths) // 2] > 2 * widths[-1]


def test_the_cylinder_edges_rise_toward_the_silhouette(template_factory):
    template = template_factory(placement=CYLINDER, scene_colour=(0, 0, 0))
    mockup = np.asarray(render(Image.new("RGB", (900, 500), "white"), template).convert("L"))
    top_at_centre = np.argmax(mockup[:, 1500] > 127)
    top_near_edge = np.argmax(mockup[:, 2000] > 127)
    assert top_near_edge < top_at_centre - 10


QUAD = {"type": "perspective", "corners": [[800, 400], [2200, 450], [2150, 1600], [850, 1650]]}


def with_height_map(template_factory, height_map: Image.Image):
    return template_factory(
        placement=QUAD,
        displacement={"map": "height.png", "strength": 20},
        files={"height.png": height_map},
    )


def test_displacement_with_a_flat_map_changes_nothing(template_factory, tmp_path):
    plain = template_factory(placement=QUAD)
    flat = with_height_map(template_factory, Image.new("L", (3000, 2000), 128))
    artwork = gradient_artwork((900, 800))
    difference = np.abs(
        np.asarray(render(artwork, plain), dtype=int) - np.asarray(render(artwork, flat), dtype=int)
    )
    assert difference.mean() < 0.5
    assert np.percentile(difference, 99.9) <= 16


def test_folds_in_the_height_map_move_the_print(template_factory, tmp_path):
    plain = template_factory(placement=QUAD)
    columns = 128 + 100 * np.sin(np.arange(3000) * 2 * np.pi / 200)
    folds = Image.fromarray(np.tile(columns, (2000, 1)).astype(np.uint8))
    folded = with_height_map(template_factory, folds)
    artwork = stripes((900, 800), period=40)
    inside = (900, 500, 2100, 1500)
    moved = np.asarray(render(artwork, folded).crop(inside), dtype=int)
    still = np.asarray(render(artwork, plain).crop(inside), dtype=int)
    assert np.abs(moved - still).mean() > 20


def test_the_highlight_brightens_the_print_by_screening(template_factory):
    highlight = Image.new("L", (3000, 2000), 0)
    highlight.paste(128, (1400, 500, 1800, 1500))
    template = template_factory(highlight=highlight)
    mockup = render(Image.new("RGB", (800, 1000), (0, 0, 0)), template)
    assert mockup.getpixel((1200, 1000)) == (0, 0, 0)
    assert all(126 <= c <= 130 for c in mockup.getpixel((1600, 1000)))


def test_a_wrapped_edge_shows_the_print_border_mirrored(template_factory):
    edge = {
        "corners": [[1800, 500], [1880, 540], [1880, 1460], [1800, 1500]],
        "side": "right",
        "depth": 60,
    }
    template = template_factory(edge=edge, scene_colour=(0, 0, 0))
    artwork = Image.new("RGB", (800, 1000), "white")
    artwork.paste((255, 0, 0), (740, 0, 800, 1000))
    mockup = render(artwork, template)
    red, green, blue = mockup.getpixel((1840, 1000))
    assert red > 200 and green < 60 and blue < 60
    assert mockup.getpixel((1900, 1000)) == (0, 0, 0)


def test_a_colour_variant_changes_the_product_and_not_the_print(template_factory, tmp_path):
    product = Image.new("L", (3000, 2000), 0)
    product.paste(255, (600, 200, 2400, 1800))
    write_template(
        tmp_path / "shirts",
        template_id="shirt",
        scene_colour=(240, 240, 240),
        substrate=None,
        variants={"mask": "product.png", "colours": {"white": "#ffffff", "navy": "#1f2a44"}},
        files={"product.png": product},
    )
    library = load_library(tmp_path / "shirts")
    white, navy = select_templates(library, "shirt@white,shirt@navy")
    assert navy.slug == "shirt-navy" and navy.key == "shirt@navy"
    artwork = gradient_artwork((800, 1000))
    on_white, on_navy = render(artwork, white), render(artwork, navy)
    assert on_white.getpixel((700, 300)) == (240, 240, 240)
    assert on_navy.getpixel((700, 300)) != on_white.getpixel((700, 300))
    assert on_navy.getpixel((100, 100)) == on_white.getpixel((100, 100)), "outside the product"
    print_area = (1000, 500, 1800, 1500)
    assert np.array_equal(
        np.asarray(on_white.crop(print_area)), np.asarray(on_navy.crop(print_area))
    )
