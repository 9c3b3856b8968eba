"""Templates from a photo of a blank product: the photo's own light shades the print."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mockups.authoring.photo import CustomTemplate, photo_light, save_custom_template
from mockups.errors import TemplateError
from mockups.render.compose import render_mockup

QUAD = ((1000.0, 500.0), (2000.0, 500.0), (2000.0, 1500.0), (1000.0, 1500.0))


def folded_shirt(path, size=(3000, 2000)):
    """Light grey fabric, a dark fold down the middle of the print area, a bright sheen."""
    photo = Image.new("RGB", size, (200, 200, 200))
    photo.paste((100, 100, 100), (1450, 500, 1550, 1500))
    photo.paste((250, 250, 250), (1100, 600, 1200, 700))
    photo.save(path)
    return path


def test_photo_light_turns_darker_folds_into_shading_and_sheen_into_highlight(tmp_path):
    with Image.open(folded_shirt(tmp_path / "shirt.png")) as photo:
        light = photo_light(photo.convert("RGB"), QUAD, strength=1.0)
    assert light.shading.getpixel((1500, 1000)) == round(100 / 200 * 255)
    assert light.shading.getpixel((1300, 1000)) == 255, "plain fabric leaves the print as is"
    assert light.highlight.getpixel((1150, 650)) == round((250 - 200) / 55 * 255)
    assert light.highlight.getpixel((1300, 1000)) == 0
    assert light.shading.getpixel((100, 100)) == 255, "outside the print area"


def test_light_strength_scales_the_shading_from_none(tmp_path):
    with Image.open(folded_shirt(tmp_path / "shirt.png")) as photo:
        half = photo_light(photo.convert("RGB"), QUAD, strength=0.5)
        none = photo_light(photo.convert("RGB"), QUAD, strength=0.0)
    assert abs(half.shading.getpixel((1500, 1000)) - round(0.75 * 255)) <= 1
    assert np.asarray(none.shading).min() == 255 and np.asarray(none.highlight).max() == 0


def test_a_photo_template_with_light_prints_the_fold_onto_the_artwork(tmp_path):
    spec = CustomTemplate(
        name="Folded shirt",
        product="tshirt",
        scene=folded_shirt(tmp_path / "shirt.png"),
        corners=QUAD,
        light=1.0,
    )
    template = save_custom_template(spec, tmp_path / "mine")
    assert template.shading is not None and template.highlight is not None
    artwork = Image.new("RGB", (800, 800), (40, 160, 220))
    rendered = render_mockup(artwork, template)
    assert rendered.backdrop is not None, "the photo is saved as a scene to splice into"
    mockup = rendered.image()
    fold, flat = mockup.getpixel((1500, 1000)), mockup.getpixel((1300, 1000))
    assert abs(flat[2] - 220) <= 3
    assert abs(fold[2] - 220 * 100 / 200) <= 4


def test_crossed_corners_are_refused_in_one_line_before_the_photo_is_read(tmp_path):
    crossed = ((1000.0, 500.0), (2000.0, 1500.0), (2000.0, 500.0), (1000.0, 1500.0))
    spec = CustomTemplate(
        name="Crossed", product="poster", scene=tmp_path / "never-read.png", corners=crossed
    )
    with pytest.raises(TemplateError) as refused:
        save_custom_template(spec, tmp_path / "mine")
    assert str(refused.value).startswith("The print's corners: the corners cross")
    assert not (tmp_path / "mine").exists()
