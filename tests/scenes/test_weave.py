"""A fabric's threads in its template's shading: seen where they are wide enough, an even tone
where they are finer than a pixel, and carried by every built-in fabric template."""

from __future__ import annotations

import ast
import json

import numpy as np
import pytest
from PIL import Image, ImageFilter

from mockups.templates.model import BUILTIN_DIR
from scenes.blender.__main__ import SCENES, STUDIO
from scenes.blender.build import threads_on_print, woven
from scenes.weave import Weave, plane_coordinates, plane_through, weave_light

PLAIN = Weave("plain", threads_per_cm=10, depth=0.3)
THREAD_DETAIL = (
    2.5  # levels finer than a 2 px blur: woven 2.9-7.1 (lens-softened), grain alone 1.7-2.0
)
FABRIC_DETAIL = 2.5  # the same in a scene's JPEG, on the product round the print: < 1.5 smooth


def flat_map(width: int, height: int, print_cm: float, pixels_per_thread: float):
    """A print seen flat and square-on: `pixels_per_thread` scene pixels for each thread."""
    threads = print_cm * PLAIN.threads_per_cm
    span = threads * pixels_per_thread
    columns, rows = np.meshgrid(np.arange(width) + 0.5, np.arange(height) + 0.5)
    return columns / span, rows / span


@pytest.mark.parametrize("kind", ["plain", "jersey"])
def test_threads_many_pixels_wide_show_as_light_and_shadow(kind):
    u, v = flat_map(120, 120, print_cm=10, pixels_per_thread=12)
    light = weave_light(u, v, Weave(kind, PLAIN.threads_per_cm, PLAIN.depth), (10, 10))
    assert light.max() > 0.97
    assert light.min() < 1 - PLAIN.depth * 0.6
    assert light.std() > 0.03


def test_threads_nearing_the_pixel_pitch_soften_as_a_lens_softens_them():
    def contrast(pixels_per_thread: float) -> float:
        return float(weave_light(*flat_map(120, 120, 10, pixels_per_thread), PLAIN, (10, 10)).std())

    wide, three, two = contrast(12), contrast(3), contrast(2)
    assert 0.2 * wide < three < 0.6 * wide
    assert two < 0.05 * wide


def test_threads_finer_than_a_pixel_leave_an_even_tone_not_moire():
    u, v = flat_map(120, 120, print_cm=10, pixels_per_thread=0.37)
    light = weave_light(u, v, PLAIN, (10, 10))
    assert light.std() < 0.003


def test_the_print_is_darkened_alike_whether_its_threads_show_or_not():
    coarse = weave_light(*flat_map(160, 160, 10, pixels_per_thread=8), PLAIN, (10, 10))
    fine = weave_light(*flat_map(160, 160, 10, pixels_per_thread=0.3), PLAIN, (10, 10))
    assert fine.mean() == pytest.approx(coarse.mean(), abs=0.01)
    assert fine.mean() < 1 - PLAIN.depth * 0.2


def test_threads_follow_the_print_map_not_the_pixel_grid():
    u, v = flat_map(90, 90, 10, pixels_per_thread=6)
    straight = weave_light(u, v, PLAIN, (10, 10))
    shifted = weave_light(u + 1 / (10 * PLAIN.threads_per_cm) * 0.5, v, PLAIN, (10, 10))
    assert np.abs(straight - shifted).mean() > 0.02


def test_pixels_showing_no_print_are_left_as_they_were():
    u, v = flat_map(40, 40, 10, pixels_per_thread=6)
    u[:, :20] = np.nan
    light = weave_light(u, v, PLAIN, (10, 10))
    assert (light[:, :20] == 1.0).all()
    assert light[:, 25:].min() < 0.95


def test_an_unknown_weave_is_refused_with_the_kinds_there_are():
    with pytest.raises(ValueError, match="plain, jersey"):
        Weave("satin", 10, 0.2)


def test_the_plane_through_a_prints_coordinates_continues_them_beyond_it():
    columns, rows = np.meshgrid(np.arange(40, 80, dtype=float), np.arange(10, 30, dtype=float))
    u, v = 0.01 * columns - 0.002 * rows + 0.1, 0.003 * columns + 0.02 * rows - 0.3
    holed_u, holed_v = u.copy(), v.copy()
    holed_u[:, 25:] = np.nan  # a print seen only on its left
    plane = plane_through(holed_u, holed_v, origin=(40, 10))
    continued_u, continued_v = plane_coordinates(plane, (40, 10, 40, 20))
    assert np.allclose(continued_u, u) and np.allclose(continued_v, v)


def test_the_product_round_the_print_takes_the_threads_and_nothing_else_does():
    beauty = np.full((60, 80, 3), 0.7)
    product = np.zeros((60, 80))
    product[10:50, 20:60] = 1.0
    threads = 10 * PLAIN.threads_per_cm  # a 10 cm print, six pixels a thread
    plane = np.array([[1 / (6 * threads), 0, 0], [0, 1 / (6 * threads), 0]])
    result = woven(beauty.copy(), product, plane, PLAIN, (10, 10))
    assert (result[product == 0] == 0.7).all()
    fabric = result[10:50, 20:60, 0]
    assert fabric.std() > 0.02 and fabric.min() < 0.7 * (1 - PLAIN.depth * 0.6)


def test_the_print_and_the_fabric_round_it_take_the_same_threads_light():
    """A print's box must not show on a blank product: the threads darken the carrier under
    the print as much as the product's own fabric beside it."""
    threads = 10 * PLAIN.threads_per_cm  # a 10 cm print, six pixels a thread
    plane = np.array([[1 / (6 * threads), 0, 0], [0, 1 / (6 * threads), 0]])
    u, v = plane_coordinates(plane, (0, 0, 120, 60))
    product = np.ones((60, 120))
    fabric = woven(np.ones((60, 120, 3)), product, plane, PLAIN, (10, 10))
    carrier = threads_on_print(np.ones((60, 120, 3)), product, weave_light(u, v, PLAIN, (10, 10)))
    assert carrier.mean() < 1 - PLAIN.depth * 0.3
    assert fabric.mean() == pytest.approx(carrier.mean(), abs=0.002)


def scene_specs() -> dict[str, dict]:
    """Each scene script's TEMPLATE, its constant entries, read from its source (the scripts
    run only in Blender)."""
    specs = {}
    for scene in SCENES:
        tree = ast.parse((STUDIO / f"{scene}.py").read_text())
        for node in tree.body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "TEMPLATE":
                assert isinstance(node.value, ast.Dict)
                spec = {}
                for key, value in zip(node.value.keys, node.value.values, strict=True):
                    try:
                        spec[ast.literal_eval(key)] = ast.literal_eval(value)
                    except ValueError:
                        continue
                specs[spec["id"]] = spec
    return specs


def thread_detail(template_id: str) -> float:
    folder = BUILTIN_DIR / template_id
    manifest = json.loads((folder / "template.json").read_text())
    with Image.open(folder / manifest["shading"]) as shading, Image.open(folder / "mask.png") as m:
        shading = shading.convert("L")
        if shading.size != m.size:  # the scene itself, lighting the print: its print's box
            left, top, width, height = manifest["placement"]["box"]
            shading = shading.crop((left, top, left + width, top + height))
        smooth = shading.filter(ImageFilter.GaussianBlur(2))
        covered = np.asarray(m.convert("L")) > 250
    detail = np.asarray(shading, dtype=float) - np.asarray(smooth, dtype=float)
    return float(detail[covered].std())


@pytest.mark.parametrize("template_id", sorted(scene_specs()))
def test_a_built_in_template_has_threads_in_its_shading_exactly_when_its_scene_has_a_weave(
    template_id,
):
    woven = "weave" in scene_specs()[template_id]
    assert (thread_detail(template_id) > THREAD_DETAIL) == woven


def test_the_fabric_products_are_woven():
    woven = {spec["product"] for spec in scene_specs().values() if "weave" in spec}
    assert woven >= {"tote", "pillow", "t-shirt", "canvas"}


def manifest_of(template_id: str) -> dict:
    return json.loads((BUILTIN_DIR / template_id / "template.json").read_text())


def fabric_detail(template_id: str) -> float:
    """Detail finer than a 2 px blur in the scene, on the product outside the print's box."""
    folder = BUILTIN_DIR / template_id
    manifest = manifest_of(template_id)
    with (
        Image.open(folder / manifest["scene"]) as scene,
        Image.open(folder / manifest["variants"]["mask"]) as product,
    ):
        grey = scene.convert("L")
        smooth = grey.filter(ImageFilter.GaussianBlur(2))
        fabric = np.asarray(product.convert("L")) > 250
    left, top, width, height = manifest["placement"]["box"]
    fabric[top : top + height, left : left + width] = False
    detail = np.asarray(grey, dtype=float) - np.asarray(smooth, dtype=float)
    return float(detail[fabric].std())


@pytest.mark.parametrize(
    "template_id", [key for key in sorted(scene_specs()) if "variants" in manifest_of(key)]
)
def test_a_products_own_fabric_round_the_print_has_threads_exactly_when_its_print_has(
    template_id,
):
    woven_scene = "weave" in scene_specs()[template_id]
    assert (fabric_detail(template_id) > FABRIC_DETAIL) == woven_scene
