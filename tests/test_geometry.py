import pytest

from mockups.geometry import (
    apply_perspective,
    bounding_box,
    contain_box,
    cover_crop,
    is_axis_aligned,
    is_convex_clockwise,
    perspective_coefficients,
    print_size,
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


def test_quads_must_turn_clockwise_on_screen():
    assert is_convex_clockwise(QUAD)
    assert not is_convex_clockwise(tuple(reversed(QUAD)))
    assert not is_convex_clockwise(((0, 0), (10, 0), (0, 10), (10, 10)))


def test_only_upright_rectangles_count_as_flat():
    assert is_axis_aligned(rect_quad(1, 2, 3, 4))
    assert not is_axis_aligned(QUAD)
