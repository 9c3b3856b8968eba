"""A print lit by its scene: colour light, an ink's black, reflections in linear light, and
an artwork fitted inside the part of the print the shot shows whole (its safe area)."""

import numpy as np
import pytest
from PIL import Image

from mockups.geometry import Box
from mockups.memory import LARGE_BLOCK_BYTES
from mockups.render import compose
from mockups.render.compose import (
    BLEED,
    COMPOSITE_ROWS,
    Lighting,
    artwork_placement,
    composite,
    fit_print,
    render_mockup,
)
from mockups.render.grain import TILE
from mockups.render.inklight import LINEAR, encode_srgb, ink_curve, lit_with_reflection

BOX = [1000, 500, 800, 1000]  # the rect placement write_template gives
INSIDE = (1400, 1000)


def render(artwork, template):
    return render_mockup(artwork, template).image()


def warm_scene(size=(3000, 2000)) -> Image.Image:
    """A scene whose light is warm on the left half and cool on the right."""
    scene = Image.new("RGB", size, (230, 200, 160))
    scene.paste((150, 180, 220), (size[0] // 2, 0, size[0], size[1]))
    return scene


def test_a_template_lit_by_its_scene_gives_the_print_its_colour_light(template_factory):
    template = template_factory(
        files={"scene.png": warm_scene()},
        shading="scene.png",
        placement={"type": "rect", "box": [1000, 500, 1000, 1000]},
    )
    assert template.lit_by_scene
    mockup = render(Image.new("RGB", (800, 800), (255, 255, 255)), template)
    assert mockup.getpixel((1200, 1000)) == (230, 200, 160), "a white print shows the light"
    assert mockup.getpixel((1800, 1000)) == (150, 180, 220)
    grey = render(Image.new("RGB", (800, 800), (128, 128, 128)), template)
    assert grey.getpixel((1200, 1000)) == (115, 100, 80), "grey takes the warm light's colour"


def test_a_colour_variant_tints_the_product_not_the_print_its_light_comes_from(
    template_factory,
):
    product = Image.new("L", (3000, 2000), 255)
    template = template_factory(
        scene_colour=(240, 240, 240),
        files={"product.png": product},
        shading="scene.png",
        variants={"mask": "product.png", "colours": {"white": "#ffffff", "navy": "#202840"}},
    )
    navy = render(Image.new("RGB", (800, 1000), (255, 255, 255)), template.with_variant("navy"))
    assert navy.getpixel(INSIDE) == (240, 240, 240), "the print is lit by the untinted light"
    assert navy.getpixel((200, 200)) == (30, 37, 60), "the shirt round it is navy"


def test_a_colour_shading_multiplies_each_band_by_its_own(template_factory):
    shading = Image.new("RGB", (3000, 2000), (255, 128, 64))
    template = template_factory(shading=shading)
    mockup = render(Image.new("RGB", (800, 1000), (200, 200, 200)), template)
    assert mockup.getpixel(INSIDE) == (200, 100, 50)


def test_the_ink_black_lifts_the_prints_black_and_keeps_its_white(template_factory):
    template = template_factory(ink_black=0.04)
    black = render(Image.new("RGB", (800, 1000), (0, 0, 0)), template)
    white = render(Image.new("RGB", (800, 1000), (255, 255, 255)), template)
    assert black.getpixel(INSIDE) == (56, 56, 56), "4 % of white, encoded"
    assert white.getpixel(INSIDE) == (255, 255, 255)


def test_an_ink_prints_18_percent_grey_as_a_grey_card_against_the_carriers_white():
    albedo = 0.86
    black = (0.18 / albedo - 0.18) / (1 - 0.18)
    grey = ink_curve(black)[118] / 255
    reflectance = ((grey + 0.055) / 1.055) ** 2.4
    assert reflectance == pytest.approx(0.18 / albedo, abs=0.003)


def test_a_reflection_crosses_a_dark_print_in_linear_light():
    light = Image.new("L", (4, 4), 200)
    reflection = Image.new("L", (4, 4), 0)
    reflection.paste(60, (0, 0, 2, 4))
    for level in (0, 90, 255):
        lit = lit_with_reflection(Image.new("L", (4, 4), level), light, reflection, 0.0)
        above, under = LINEAR[60], LINEAR[200]
        expected = 255 * encode_srgb(LINEAR[level] * (under - above) + above)
        assert lit.getpixel((0, 0)) == pytest.approx(expected, abs=1)
        plain = round(level * 200 / 255)
        assert lit.getpixel((3, 0)) == pytest.approx(plain, abs=1), "no reflection: multiply"
    white = lit_with_reflection(Image.new("L", (4, 4), 255), light, reflection, 0.0)
    assert white.getpixel((0, 0)) == 200, "a white print shows the light whole"


def test_a_weak_reflection_adds_little_to_a_mid_grey_print():
    """Added in encoded terms a 1 % veil on a pane would lift grey by about 25 levels."""
    light, veil = Image.new("L", (2, 2), 220), Image.new("L", (2, 2), 25)
    grey = lit_with_reflection(Image.new("L", (2, 2), 118), light, veil, 0.0)
    assert grey.getpixel((0, 0)) - round(118 * 220 / 255) <= 4


def noise(mode: str, size: tuple[int, int], seed: int) -> Image.Image:
    bands = len(mode)
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], bands), np.uint8)
    return Image.fromarray(pixels.squeeze(), mode)


def composited(rows: int, beside: bool, monkeypatch) -> bytes:
    """A scene-lit print with a glass reflection whose outline steps across the strips and a
    camera's grain, composited `rows` rows a strip (on two threads `beside`)."""
    monkeypatch.setattr(compose, "COMPOSITE_ROWS", rows)
    scene = noise("RGB", (700, 900), 1)
    reflection = Image.new("L", (500, 700), 0)
    for step in range(7):  # a pane whose right edge moves every 100 rows
        reflection.paste(noise("L", (150 + 50 * step, 100), 2 + step), (0, 100 * step))
    light = Lighting(
        Box(100, 120, 600, 820),
        shading=scene,
        shading_origin=(100, 120),
        highlight=noise("L", (500, 700), 10),
        reflection=reflection,
    )
    placed = noise("RGBA", (500, 700), 11)
    grain = np.random.default_rng(13).normal(0, 2, (3, TILE, TILE)).astype(np.float32)
    composite(scene, placed, light, noise("L", (500, 700), 12), 0.04, grain, beside)
    return scene.tobytes()


def test_a_print_is_lit_the_same_whatever_its_strips_and_threads(monkeypatch):
    """The strips read the scene's light from rows the other thread never writes, and a
    reflection is lit in linear light over its whole box, not a box per strip."""
    laid = composited(256, False, monkeypatch)
    assert composited(64, False, monkeypatch) == laid
    assert composited(256, True, monkeypatch) == laid
    assert composited(100, True, monkeypatch) == laid


@pytest.mark.parametrize(
    "width, beside, full_strips", [(1400, False, True), (3000, False, False), (12000, True, False)]
)
def test_a_wide_print_is_composited_in_strips_under_the_mmap_threshold(
    width, beside, full_strips, monkeypatch
):
    """Each strip's RGBA copy stays a heap block (under glibc's mmap threshold, which
    `return_large_blocks_at_once` sets), however wide the print: a fixed row count would
    make a 12000 px print's every copy of a strip 6 MB."""
    laid = []
    real = compose._composite_strip

    def recorded(*args):
        laid.append(args[-1])
        return real(*args)

    monkeypatch.setattr(compose, "_composite_strip", recorded)
    height = 300
    scene = noise("RGB", (width + 20, height + 20), 1)
    light = Lighting(Box(10, 10, 10 + width, 10 + height))
    composite(scene, noise("RGBA", (width, height), 2), light, beside=beside)
    assert sorted(laid)[0][0] == 0 and max(bottom for _, bottom in laid) == height
    assert all((bottom - top) * width * 4 <= LARGE_BLOCK_BYTES for top, bottom in laid)
    assert (max(bottom - top for top, bottom in laid) == COMPOSITE_ROWS) == full_strips


@pytest.mark.parametrize("fit", ["cover", "contain"])
def test_a_safe_area_reaching_the_prints_edges_leaves_the_plain_fit(fit):
    x, y, width, height = artwork_placement((800, 1000), (600, 600), fit, (0.01, 0, 0.99, 1))
    scale = max(600 / 800, 600 / 1000) if fit == "cover" else min(600 / 800, 600 / 1000)
    assert width == pytest.approx(800 * scale) and height == pytest.approx(1000 * scale)
    assert x + width / 2 == pytest.approx(300) and y + height / 2 == pytest.approx(300)


def test_an_artwork_keeps_all_but_its_bleed_inside_the_safe_area():
    safe = (0.05, 0.3, 0.95, 0.95)  # a phone case below its camera block
    print_size = (745, 1510)
    x, y, width, height = artwork_placement((2400, 3000), print_size, "cover", safe)
    left, top = x + BLEED * width, y + BLEED * height
    right, bottom = x + (1 - BLEED) * width, y + (1 - BLEED) * height
    assert left >= safe[0] * 745 - 1e-6 and right <= safe[2] * 745 + 1e-6
    assert top >= safe[1] * 1510 - 1e-6 and bottom <= safe[3] * 1510 + 1e-6
    assert width < 745 * 1.01, "a cover would have cropped a third of the artwork's width"


def test_a_fitted_print_holds_the_artwork_where_its_placement_says():
    artwork = Image.new("RGB", (400, 500), (20, 20, 20))
    fitted = fit_print(artwork, (300, 600), "cover", (255, 255, 255), (0.0, 0.4, 1.0, 1.0))
    x, y, width, height = artwork_placement((400, 500), (300, 600), "cover", (0.0, 0.4, 1.0, 1.0))
    dark = np.argwhere(np.asarray(fitted.convert("L")) < 128)
    assert dark.min(axis=0) == pytest.approx([max(0, y), max(0, x)], abs=1)
    assert dark.max(axis=0) + 1 == pytest.approx([min(600, y + height), min(300, x + width)], abs=1)
    assert fitted.getpixel((150, 10)) == (255, 255, 255), "the substrate above the art"
