import pytest

from mockups.geometry import (
    apply_perspective,
    bounding_box,
    contain_box,
    cover_crop,
    is_axis_aligned,
    perspective_coefficients,
    print_size,
    quad_problem,
    rect_quad,
)

QUAD = ((100.0, 50.0), (900.0, 120.0), (880.0, 700.0), (80.0, 760.0))


def test_perspective_coefficients_map_each_output_corner_to_its_source_corner():
    source = rect_quad(0, 0, 400, 300)
    coefficients = perspective_coefficients(QUAD, source)
    for output_corner, source_corner in zip(QUAD, source, strict=True):
        x, y = apply_perspective(coefficients, output_corner)
        assert x == pytest.approx(source_corner[0], abs=1e-6)
        assert y == pytest.approx(source_corner[1], abs=1e-6)


def test_collinear_corners_are_refused_as_degenerate():
    with pytest.raises(ValueError, match="degenerate"):
        perspective_coefficients(((0, 0), (1, 1), (2, 2), (3, 3)), rect_quad(0, 0, 1, 1))


def test_print_size_is_the_longest_pair_of_opposite_edges():
    assert print_size(QUAD) == (804, 711)  # ceil of 803.06 and 710.28
    assert print_size(rect_quad(10, 20, 300, 400)) == (300, 400)


def test_cover_crop_keeps_the_target_aspect_and_is_centred():
    left, top, right, bottom = cover_crop((1000, 1000), (200, 100))
    assert (right - left) / (bottom - top) == pytest.approx(2.0)
    assert (left, right) == (0.0, 1000.0)
    assert top == pytest.approx(1000 - bottom)


def test_contain_box_fits_inside_and_is_centred():
    box = contain_box((1000, 500), (400, 400))
    assert box.size == (400, 200)
    assert (box.left, box.top) == (0, 100)


def test_bounding_box_is_clipped_to_the_scene():
    box = bounding_box(((-5.5, 10.2), (50.1, 10.2), (50.1, 40.7), (-5.5, 40.7)), (30, 30))
    assert box.as_tuple() == (0, 10, 30, 30)


def test_a_convex_clockwise_quad_can_hold_a_print():
    assert quad_problem(QUAD) is None
    assert quad_problem(rect_quad(0, 0, 10, 10)) is None


@pytest.mark.parametrize(
    ("quad", "problem"),
    [
        (tuple(reversed(QUAD)), "the corners run anticlockwise"),
        (((0, 0), (10, 0), (0, 10), (10, 10)), "the corners cross (edges 2-3 and 4-1)"),
        (((0, 0), (10, 10), (10, 0), (0, 10)), "the corners cross (edges 1-2 and 3-4)"),
        (((0, 0), (10, 0), (10, 10), (10.5, 10)), "corners 3 and 4 are on the same spot"),
        (((0, 0), (1, 1), (2, 2), (3, 3)), "corners 4, 1 and 2 lie almost on one line"),
        (((0, 0), (10, 0), (20, 0.5), (0, 10)), "corners 1, 2 and 3 lie almost on one line"),
        (((0, 0), (10, 0), (3, 3), (0, 10)), "corner 3 bends inward"),
    ],
)
def test_a_crossed_mirrored_folded_or_flat_quad_is_refused_with_its_reason(quad, problem):
    found = quad_problem(quad)
    assert found is not None and found.startswith(problem)
    assert "\n" not in found


def test_only_upright_rectangles_count_as_flat():
    assert is_axis_aligned(rect_quad(1, 2, 3, 4))
    assert not is_axis_aligned(QUAD)
