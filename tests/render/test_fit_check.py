"""Warnings for artworks that print badly: too small for the prints, or a shape `cover` crops."""

from __future__ import annotations

import re

import pytest

from mockups.render.compose import EDGE_SLACK
from mockups.render.fit_check import MAX_ENLARGEMENT, fit_warnings
from mockups.templates.library import load_library

CONTAIN_TEMPLATES = {"mug", "tote", "tshirt"}


@pytest.fixture(scope="module")
def built_ins():
    return list(load_library().values())


def print_card(template_factory, template_id: str, box: list[int], fit: str = "cover"):
    """A template whose print is `box`'s width and height."""
    placement = {"type": "rect", "box": box}
    return template_factory(template_id=template_id, placement=placement, fit=fit)


@pytest.mark.parametrize("size", [(1, 1), (14, 25)])
def test_a_tiny_artwork_is_warned_about_on_every_template_with_the_size_it_needs(built_ins, size):
    warnings = fit_warnings(size, built_ins)
    enlarged = [w for w in warnings if "enlarged" in w]
    assert len(enlarged) == 1 and "\n" not in enlarged[0]
    assert f"{size[0]} x {size[1]} px" in enlarged[0]
    assert all(t.id in enlarged[0] for t in built_ins)
    needed = re.search(r"at least (\d+) x (\d+) px", enlarged[0])
    suggested = (int(needed.group(1)), int(needed.group(2)))
    assert not [w for w in fit_warnings(suggested, built_ins) if "enlarged" in w]


def test_a_large_artwork_of_the_prints_shape_gets_no_warning(built_ins):
    assert fit_warnings((4000, 5000), built_ins) == []
    assert fit_warnings((1200, 1500), built_ins) == []


def test_a_wide_logo_is_warned_about_on_the_templates_that_cover_only(built_ins):
    (warning,) = fit_warnings((4000, 1000), built_ins)
    assert "4:1" in warning and "'contain'" in warning and "width" in warning
    named = set(re.search(r" on (.+); choose", warning).group(1).split(", "))
    assert named == {t.id for t in built_ins if t.fit == "cover" and not hides_sides(t)}
    assert not named & CONTAIN_TEMPLATES


def hides_sides(template) -> bool:
    """Whether the shot hides the print's left or right edge (a frame's mat over it): its
    safe area then bounds a wide artwork, which is fitted whole between them."""
    if template.safe is None:
        return False
    left, _top, right, _bottom = template.safe
    return left > EDGE_SLACK or right < 1 - EDGE_SLACK


def test_choosing_contain_for_the_run_silences_the_crop_warning(built_ins):
    assert fit_warnings((4000, 1000), built_ins, fit="contain") == []


def test_choosing_cover_for_the_run_applies_to_templates_that_contain_too(built_ins):
    (warning,) = fit_warnings((4000, 1000), built_ins, fit="cover")
    # portrait prints keep a fifth of a 4:1 logo; the mug's wide print keeps 45 % of it
    assert "tote" in warning and "tshirt" in warning and "mug" not in warning


def test_enlarging_up_to_the_limit_is_not_warned_about_and_past_it_is(template_factory):
    card = print_card(template_factory, "card", [1000, 500, 900, 900])
    at_limit = round(900 / MAX_ENLARGEMENT)
    assert fit_warnings((at_limit, at_limit), [card]) == []
    (warning,) = fit_warnings((at_limit - 5, at_limit - 5), [card])
    assert "blurry" in warning and "card" in warning


def test_templates_are_named_worst_first(template_factory):
    small = print_card(template_factory, "small-print", [1000, 500, 400, 400])
    large = print_card(template_factory, "large-print", [1000, 200, 1600, 1600])
    (warning,) = fit_warnings((100, 100), [small, large])
    assert warning.index("large-print") < warning.index("small-print")
    assert "enlarged up to 16x" in warning


def test_a_tall_artwork_on_a_wide_print_is_said_to_lose_its_height(template_factory):
    banner = print_card(template_factory, "banner", [100, 500, 2800, 700])
    (warning,) = fit_warnings((1000, 1500), [banner])
    assert "1:1.5" in warning and "of its height" in warning
