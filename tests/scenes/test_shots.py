"""The built-in library's shots: a hero per product first, then the shots a seller adds."""

from __future__ import annotations

from mockups.templates.library import BUILT_IN, library_entries
from scenes.blender.__main__ import SCENES, STUDIO

PRODUCTS = {
    "canvas",
    "desk-frame",
    "framed-print",
    "greeting-card",
    "mug",
    "phone-case",
    "pillow",
    "poster",
    "tote",
    "t-shirt",
}


def built_ins():
    return {e.id: e.template for e in library_entries() if e.source == BUILT_IN}


def test_every_scene_script_is_in_the_build_and_the_library_has_fifteen():
    scripts = {path.stem for path in STUDIO.glob("*.py")}
    helpers = {"kit", "rooms", "shapes", "props", "cloth", "intersections", "render"}
    assert scripts - helpers == set(SCENES)
    assert len(built_ins()) >= 15


def test_a_listing_s_first_ten_are_the_ten_products_heroes():
    first_ten = list(built_ins().values())[:10]
    assert {template.product for template in first_ten} == PRODUCTS


def test_the_library_has_a_scale_shot_and_two_close_ups_after_the_heroes():
    ids = list(built_ins())
    for extra in ("wall-scale", "zoom-canvas-corner", "zoom-frame-corner"):
        assert ids.index(extra) >= 10, f"{extra} would push a product out of a listing"
    assert "50 x 70 cm" in built_ins()["wall-scale"].name


def test_a_close_up_places_the_artwork_as_on_the_whole_print_not_in_the_corner_it_shows():
    for close_up in ("zoom-canvas-corner", "zoom-frame-corner"):
        assert built_ins()[close_up].safe is None, close_up
