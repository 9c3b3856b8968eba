"""What the layers above a smart object do to the print, kept for the print's box only.

`shading` (multiplied into the print) and `highlight` (screened over it) are the template's
layers of those names. Normal layers above the print (a frame's edge, a hand, a plant) are
an overlay; the template format has no overlay layer, and needs none: `fold_overlay` writes
the overlay into the scene and cuts it out of the mask, which renders the same picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mockups.psd.blend import EPSILON, Pixels, as_float, as_uint8, bands, luminance

Box = tuple[int, int, int, int]


@dataclass
class PrintLight:
    """Accumulators over `box` (left, top, right, bottom in output pixels); None until used."""

    box: Box
    shading: np.ndarray | None = None
    highlight: np.ndarray | None = None
    overlay: np.ndarray | None = None
    overlay_alpha: np.ndarray | None = None
    used: set[str] = field(default_factory=set)

    @property
    def shape(self) -> tuple[int, int]:
        left, top, right, bottom = self.box
        return bottom - top, right - left

    def _regions(self, layer: Pixels):
        """Where `layer` meets the box, a band of rows at a time: (box slices, layer slices)."""
        left, top, right, bottom = self.box
        l_left, l_top, l_right, l_bottom = layer.box
        x0, y0 = max(left, l_left), max(top, l_top)
        x1, y1 = min(right, l_right), min(bottom, l_bottom)
        if x0 >= x1 or y0 >= y1:
            return
        for rows in bands(y1 - y0):
            inside = (
                slice(y0 - top + rows.start, y0 - top + rows.stop),
                slice(x0 - left, x1 - left),
            )
            source = (
                slice(y0 - l_top + rows.start, y0 - l_top + rows.stop),
                slice(x0 - l_left, x1 - l_left),
            )
            yield inside, source

    def darken(self, layer: Pixels) -> None:
        """A multiply-like layer: the print and anything laid over it get darker."""
        if self.shading is None:
            self.shading = np.full(self.shape, 255, np.uint8)
        for inside, source in self._regions(layer):
            self._darken(layer, inside, source)
        self.used.add("shading")

    def _darken(self, layer: Pixels, inside, source) -> None:
        shading = self.shading
        assert shading is not None, "darken() makes the shading first"
        s, a = as_float(layer.colour[source]), as_float(layer.alpha[source])
        factor = 1 - a[..., None] * (1 - s)
        shading[inside] = as_uint8(as_float(shading[inside]) * luminance(factor))
        if self.highlight is not None:
            self.highlight[inside] = as_uint8(as_float(self.highlight[inside]) * luminance(factor))
        if self.overlay is not None:
            self.overlay[inside] = as_uint8(as_float(self.overlay[inside]) * factor)

    def lighten(self, layer: Pixels) -> None:
        """A screen-like layer: light added over the print and anything laid over it."""
        if self.highlight is None:
            self.highlight = np.zeros(self.shape, np.uint8)
        for inside, source in self._regions(layer):
            self._lighten(layer, inside, source)
        self.used.add("highlight")

    def _lighten(self, layer: Pixels, inside, source) -> None:
        highlight = self.highlight
        assert highlight is not None, "lighten() makes the highlight first"
        glow = as_float(layer.colour[source]) * as_float(layer.alpha[source])[..., None]
        current = as_float(highlight[inside])
        grey = luminance(glow)
        highlight[inside] = as_uint8(current + grey - current * grey)
        if self.overlay is not None:
            assert self.overlay_alpha is not None, "cover() makes overlay and alpha together"
            premultiplied = as_float(self.overlay[inside])
            coverage = as_float(self.overlay_alpha[inside])[..., None]
            self.overlay[inside] = as_uint8(premultiplied + glow * (coverage - premultiplied))

    def cover(self, layer: Pixels) -> None:
        """A normal layer over the print: it hides the print where it is opaque."""
        if self.overlay is None:
            height, width = self.shape
            self.overlay = np.zeros((height, width, 3), np.uint8)
            self.overlay_alpha = np.zeros((height, width), np.uint8)
        for inside, source in self._regions(layer):
            self._cover(layer, inside, source)
        self.used.add("overlay")

    def _cover(self, layer: Pixels, inside, source) -> None:
        overlay, overlay_alpha = self.overlay, self.overlay_alpha
        assert overlay is not None and overlay_alpha is not None, "cover() makes them first"
        s, a = as_float(layer.colour[source]), as_float(layer.alpha[source])[..., None]
        premultiplied, coverage = as_float(overlay[inside]), as_float(overlay_alpha[inside])
        overlay[inside] = as_uint8(s * a + premultiplied * (1 - a))
        overlay_alpha[inside] = as_uint8(a[..., 0] + coverage * (1 - a[..., 0]))


def fold_overlay(
    scene: np.ndarray,
    coverage: np.ndarray,
    mask: np.ndarray,
    overlay: np.ndarray,
    overlay_alpha: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """The scene and mask that render an overlay above the print without an overlay layer.

    The engine draws `print * c + scene' * (1 - c)`, `c` the print's quad times the mask.
    With the print's coverage `m` (its quad times `mask`), an
    overlay of premultiplied colour `O` and alpha `a` over the print, and the scene `S`
    (the overlay already in it), the picture wanted is `O + (1 - a) * (print * m + B * (1 -
    m))`, with `S = O + (1 - a) * B` where the print is not. So `c = m * (1 - a)` and
    `scene' = (S * (1 - m) + O * m) / (1 - m * (1 - a))`, and the mask becomes `mask * (1 -
    a)`. All arrays cover the print's box.
    """
    new_scene = np.empty_like(scene)
    new_mask = np.empty_like(mask)
    for rows in bands(scene.shape[0]):
        m = as_float(coverage[rows])[..., None]
        a = as_float(overlay_alpha[rows])[..., None]
        s, o = as_float(scene[rows]), as_float(overlay[rows])
        c = m * (1 - a)
        folded = (s * (1 - m) + o * m) / np.maximum(1 - c, EPSILON)
        new_scene[rows] = np.where(1 - c > EPSILON, as_uint8(folded), scene[rows])
        new_mask[rows] = as_uint8(as_float(mask[rows]) * (1 - a[..., 0]))
    return new_scene, new_mask
