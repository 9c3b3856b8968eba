"""A finished mockup: the part of its scene the render drew, and the scene's JPEG beyond it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO

from PIL import Image

from mockups.geometry import Box, Size
from mockups.render.backdrop import MOCKUP_QUALITY, Backdrop, reduced

THUMBNAIL_SIDE = 600


@dataclass
class Mockup:
    """`drawn`: the mockup's pixels in `part` of its frame (`size`); beyond it, the mockup
    is `backdrop`, its scene's JPEG (None: `part` is the whole frame)."""

    drawn: Image.Image
    part: Box
    size: Size
    backdrop: Backdrop | None = None

    @classmethod
    def whole(cls, image: Image.Image) -> Mockup:
        return cls(image, Box(0, 0, *image.size), image.size)

    def crop(self, box: tuple[int, int, int, int]) -> Image.Image:
        """`box` of the frame, which must lie in `part`."""
        left, top = self.part.origin
        return self.drawn.crop((box[0] - left, box[1] - top, box[2] - left, box[3] - top))

    def paste(
        self, image: Image.Image, at: tuple[int, int], mask: Image.Image | None = None
    ) -> None:
        """`image` pasted at `at` of the frame, within `part`."""
        self.drawn.paste(image, (at[0] - self.part.left, at[1] - self.part.top), mask)

    def jpeg(self, icc_profile: bytes) -> bytes:
        """The mockup as a JPEG at MOCKUP_QUALITY, with `icc_profile`."""
        if self.backdrop is not None:
            return self.backdrop.spliced(self.part, self.drawn, icc_profile)
        encoded = BytesIO()
        self.drawn.save(encoded, "JPEG", quality=MOCKUP_QUALITY, icc_profile=icc_profile)
        return encoded.getvalue()

    def thumbnail(self) -> Image.Image:
        """The mockup reduced to THUMBNAIL_SIDE px or less (a new image: `drawn` may be
        encoded on another thread meanwhile)."""
        factor = thumbnail_factor(self.size)
        if self.backdrop is None:
            return self.drawn.reduce(factor) if factor > 1 else self.drawn.copy()
        thumbnail = reduced(self.backdrop, factor)
        # the cells of `factor` x `factor` px wholly in `part`, which covers every cell the
        # render drew in (`window.changed_box` widens the window by a cell)
        cells = Box(
            -(-self.part.left // factor) * factor,
            -(-self.part.top // factor) * factor,
            _cell_end(self.part.right, self.size[0], factor),
            _cell_end(self.part.bottom, self.size[1], factor),
        )
        with self.crop(cells.as_tuple()) as drawn_cells:
            thumbnail.paste(drawn_cells.reduce(factor), (cells.left // factor, cells.top // factor))
        return thumbnail

    def image(self) -> Image.Image:
        """The whole mockup, RGB, as a new image."""
        if self.backdrop is None:
            return self.drawn.copy()
        whole = self.backdrop.decoded(Box(0, 0, *self.size))
        whole.paste(self.drawn, self.part.origin)
        return whole


def thumbnail_factor(size: Size) -> int:
    """What a mockup of `size` is reduced by for its thumbnail."""
    return max(1, math.ceil(max(size) / THUMBNAIL_SIDE))


def _cell_end(end: int, side: int, factor: int) -> int:
    """The end of the last whole cell before `end`; the frame's edge ends a partial cell."""
    return side if end == side else end // factor * factor
