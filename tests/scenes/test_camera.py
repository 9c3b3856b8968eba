"""The build's camera: lens falloff, grain seeded per template, exposure that keeps the white."""

from __future__ import annotations

import math

import numpy as np

from mockups.render.grain import TILE, grain_over
from mockups.templates.model import Grain
from scenes.blender.build import GRAIN_LEVELS, grain_seed, lens_falloff

LENS = {"lens_mm": 50.0, "sensor_mm": 36.0, "sensor_fit": "HORIZONTAL", "shift": [0.0, 0.0]}


def test_the_lens_darkens_the_frame_towards_its_corners_by_cos4_of_the_angle():
    falloff = lens_falloff((360, 240), LENS)
    assert falloff[120, 180] > 0.999, "full light on the axis"
    corner_mm = math.hypot(17.95, 11.95)  # the corner pixel's centre, 0.1 mm a pixel
    expected = math.cos(math.atan(corner_mm / 50.0)) ** 4
    assert math.isclose(falloff[0, 0], expected, rel_tol=1e-3)
    assert math.isclose(falloff[-1, -1], expected, rel_tol=1e-3)
    assert falloff[0, 0] < 0.8, "a 50 mm lens on a full frame loses a fifth at the corners"


def test_a_shifted_lens_moves_the_brightest_point_off_the_frames_centre():
    falloff = lens_falloff((360, 240), {**LENS, "shift": [0.1, 0.0]})
    assert np.argmax(falloff[120]) < 180 - 30, "the axis lies left of the middle"


def sensor_grain(size: tuple[int, int], template_id: str) -> np.ndarray:
    return grain_over(Grain(GRAIN_LEVELS, grain_seed(template_id)), 0, 0, *size)


def test_the_grain_is_the_same_for_a_template_every_build_and_differs_between_templates():
    size = (96, 64)
    first = sensor_grain(size, "canvas")
    assert np.array_equal(first, sensor_grain(size, "canvas"))
    other = sensor_grain(size, "framed-wall")
    assert np.corrcoef(first.ravel(), other.ravel())[0, 1] < 0.1


def test_any_part_of_the_grain_is_that_part_of_the_whole_frames():
    whole = sensor_grain((1200, 700), "tote")
    part = grain_over(Grain(GRAIN_LEVELS, grain_seed("tote")), 610, 333, 200, 150)
    assert np.array_equal(part, whole[333:483, 610:810])

    def neighbours(column: int) -> float:
        left, right = whole[:, column, 0], whole[:, column + 1, 0]
        return float(np.corrcoef(left, right)[0, 1])

    softened = neighbours(100)  # demosaicing: a pixel's grain shared with its neighbour
    assert softened > 0.2
    assert abs(neighbours(TILE - 1) - softened) < 0.1, "no seam where the tile repeats"


def test_the_grain_spreads_a_level_or_two_mostly_shared_by_the_bands():
    grain = sensor_grain((256, 256), "mug")
    assert 1.0 <= float(grain.std()) <= 3.0, "levels before the JPEG takes a little away"
    red, green = grain[..., 0].ravel(), grain[..., 1].ravel()
    assert np.corrcoef(red, green)[0, 1] > 0.8, "a sensor's noise is mostly luminance"
