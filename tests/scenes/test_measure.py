"""The measures behind the README's template table: the grain taken out as Pillow would."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageFilter

from scenes.measure import without_grain


@pytest.mark.parametrize("size", [(37, 23), (3, 3), (1, 5)])
def test_the_grain_is_taken_out_by_pillows_own_3x3_median(size):
    noise = np.random.default_rng(7).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    image = Image.fromarray(noise, "RGB")
    expected = image.filter(ImageFilter.MedianFilter(3))
    assert np.array_equal(np.asarray(without_grain(image)), np.asarray(expected))
