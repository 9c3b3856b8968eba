"""Walking a PSD's layers bottom to top, each drawn once at the output scale and released.

Below the smart object a layer goes into the scene. Above it, a layer goes into the scene
too (it lies over the wall as over the print) and, by its blend mode, into the print's
light: darkening blends become `shading`, lightening ones `highlight`, normal ones an
overlay over the print. Layers clipped to the smart object act on the print alone. What
cannot be represented is said once per layer in `warnings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mockups.errors import printable
from mockups.psd.blend import BLENDS, Canvas, Pixels, blend_onto, multiply_alpha
from mockups.psd.light import PrintLight
from mockups.psd.read import Decoder

SHADING_MODES = {"multiply", "darken", "color burn", "linear burn", "darker color"}
HIGHLIGHT_MODES = {"screen", "lighten", "color dodge", "linear dodge", "lighter color"}
COVER_MODES = {"normal", "dissolve"}
# Drawn as the nearest mode the scene supports, and said so.
NEAREST_MODE = {
    "darker color": "darken",
    "lighter color": "lighten",
    "dissolve": "normal",
}
ADJUSTMENT_KINDS = {
    "brightnesscontrast",
    "curves",
    "exposure",
    "levels",
    "vibrance",
    "huesaturation",
    "colorbalance",
    "blackandwhite",
    "photofilter",
    "channelmixer",
    "colorlookup",
    "invert",
    "posterize",
    "threshold",
    "selectivecolor",
    "gradientmap",
}
FILL_KINDS = {"solidcolorfill", "patternfill", "gradientfill"}
# A blended (not pass-through) group is composed on a canvas of its own, as large as the
# scene: one such canvas at a time keeps the import within its budget.
MAX_ISOLATED_DEPTH = 1


def mode_name(blend_mode) -> str:
    """psd-tools' BlendMode as the words Photoshop's menu uses: "multiply", "soft light"."""
    return blend_mode.name.lower().replace("_", " ")


@dataclass
class LayerWalk:
    """The state of one walk: the scene being composed and what the print will receive."""

    decoder: Decoder
    smart_object: object
    light: PrintLight
    scene: Canvas
    print_mask: np.ndarray
    warnings: list[str] = field(default_factory=list)
    above: bool = False
    isolated_depth: int = 0

    def warn(self, layer, message: str) -> None:
        self.warnings.append(f"layer '{printable(layer.name)}': {message}")

    def walk(self, layers, canvas: Canvas, opacity: float) -> None:
        """Draw `layers` (bottom to top) onto `canvas`, clipping groups included."""
        base: Pixels | None = None
        base_is_print = False
        base_shown = True
        for layer in layers:
            if layer.clipping:
                if base_is_print:
                    self.clipped_to_print(layer, opacity)
                elif base_shown and layer.visible:
                    self.draw(layer, canvas, opacity, base)
                continue
            base_is_print = layer is self.smart_object
            base_shown = layer.visible or base_is_print
            drawn = self.draw(layer, canvas, opacity, None)
            base = drawn if drawn is not None and layer.has_clip_layers() else None

    def draw(self, layer, canvas: Canvas, opacity: float, clip: Pixels | None) -> Pixels | None:
        if layer is self.smart_object:
            self.take_print_mask(layer, opacity, clip)
            self.above = True
            return None
        if not layer.visible:
            return None
        if layer.is_group():
            return self.draw_group(layer, canvas, opacity)
        if layer.kind in ADJUSTMENT_KINDS:
            self.warn(layer, "adjustment layers are not imported; it is left out")
            return None
        pixels = self.decoder.layer_pixels(layer)
        if pixels is None:
            if layer.kind in FILL_KINDS:
                self.warn(layer, "a fill layer without pixels is not imported; rasterize it")
            return None
        self.note_unrepresented(layer)
        pixels = self.with_coverage(layer, pixels, opacity, clip)
        self.place(layer, pixels, layer.blend_mode, canvas)
        return pixels

    def draw_group(self, group, canvas: Canvas, opacity: float) -> Pixels | None:
        group_opacity = opacity * group.opacity / 255
        holds_print = any(child is self.smart_object for child in group.descendants())
        isolated = mode_name(group.blend_mode) != "pass through"
        if isolated and not holds_print and self.isolated_depth >= MAX_ISOLATED_DEPTH:
            self.warn(group, "a blended group inside another is drawn as pass through")
            isolated = False
        if holds_print or not isolated:
            if holds_print and isolated and mode_name(group.blend_mode) != "normal":
                self.warn(group, "the blend mode of the group holding the print is not kept")
            if group.has_mask():
                self.warn(group, "a group's mask is not imported")
            self.walk(group, canvas, group_opacity)
            return None
        inner = Canvas.transparent(*canvas.size)
        self.isolated_depth += 1
        try:
            self.walk(group, inner, 1.0)
        finally:
            self.isolated_depth -= 1
        pixels = _used_part(inner)
        del inner
        if pixels is None:
            return None
        pixels = self.with_coverage(group, pixels, opacity, None)
        self.place(group, pixels, group.blend_mode, canvas)
        return pixels

    def with_coverage(self, layer, pixels: Pixels, opacity: float, clip: Pixels | None) -> Pixels:
        """`pixels` with the layer's opacity, fill, mask and clipping base in their alpha."""
        alpha = pixels.alpha
        factor = opacity * (layer.opacity / 255) * (getattr(layer, "fill_opacity", 255) / 255)
        if factor < 1:
            alpha = multiply_alpha(alpha, float(factor))
        mask = self.decoder.mask_over(layer, pixels.box)
        if mask is not None:
            alpha = multiply_alpha(alpha, mask)
        if clip is not None:
            alpha = multiply_alpha(alpha, _alpha_over(clip, pixels.box))
        return pixels.with_alpha(alpha)

    def place(self, layer, pixels: Pixels, blend_mode, canvas: Canvas) -> None:
        mode = mode_name(blend_mode)
        drawn_as = NEAREST_MODE.get(mode, mode)
        if drawn_as not in BLENDS:
            self.warn(layer, f"blend mode '{mode}' is not supported; drawn as normal")
            drawn_as = "normal"
        blend_onto(canvas, pixels, drawn_as)
        if self.above and self.isolated_depth == 0:
            self.light_the_print(layer, pixels, mode)

    def light_the_print(self, layer, pixels: Pixels, mode: str) -> None:
        if mode in SHADING_MODES:
            self.light.darken(pixels)
        elif mode in HIGHLIGHT_MODES:
            self.light.lighten(pixels)
        elif mode in COVER_MODES:
            self.light.cover(pixels)
        else:
            self.warn(layer, f"blend mode '{mode}' above the print is kept in the scene only")

    def clipped_to_print(self, layer, opacity: float) -> None:
        """A layer clipped to the smart object: it lights the print and nothing else."""
        if not layer.visible:
            return
        mode = mode_name(layer.blend_mode)
        if (
            layer.is_group()
            or layer.kind in ADJUSTMENT_KINDS
            or mode not in (SHADING_MODES | HIGHLIGHT_MODES)
        ):
            self.warn(layer, f"clipped to the print with '{mode}': not imported")
            return
        pixels = self.decoder.layer_pixels(layer)
        if pixels is None:
            return
        self.note_unrepresented(layer)
        pixels = self.with_coverage(layer, pixels, opacity, None)
        if mode in SHADING_MODES:
            self.light.darken(pixels)
        else:
            self.light.lighten(pixels)

    def take_print_mask(self, layer, opacity: float, clip: Pixels | None) -> None:
        """The smart object's layer mask, clipping base and opacity: where the print shows."""
        if mode_name(layer.blend_mode) not in ("normal", "pass through"):
            self.warn(
                layer,
                f"the print's blend mode '{mode_name(layer.blend_mode)}' is laid on as normal",
            )
        mask = self.decoder.mask_over(layer, self.light.box)
        if mask is not None:
            self.print_mask = multiply_alpha(self.print_mask, mask)
        if clip is not None:
            self.print_mask = multiply_alpha(self.print_mask, _alpha_over(clip, self.light.box))
        factor = opacity * layer.opacity / 255
        if factor < 1:
            self.print_mask = multiply_alpha(self.print_mask, float(factor))
        if layer.has_effects():
            self.warn(layer, "the print's layer effects are not imported")

    def note_unrepresented(self, layer) -> None:
        if layer.has_effects():
            self.warn(layer, "layer effects (shadows, strokes, glows) are not imported")
        if layer.has_vector_mask() and not layer.has_mask():
            self.warn(layer, "a vector mask is not imported; rasterize it to a pixel mask")


def _alpha_over(pixels: Pixels, box: tuple[int, int, int, int]) -> np.ndarray:
    """`pixels`' alpha over `box`, transparent where it does not reach."""
    left, top, right, bottom = box
    out = np.zeros((bottom - top, right - left), np.uint8)
    p_left, p_top, p_right, p_bottom = pixels.box
    x0, y0, x1, y1 = max(left, p_left), max(top, p_top), min(right, p_right), min(bottom, p_bottom)
    if x0 < x1 and y0 < y1:
        out[y0 - top : y1 - top, x0 - left : x1 - left] = pixels.alpha[
            y0 - p_top : y1 - p_top, x0 - p_left : x1 - p_left
        ]
    return out


def _used_part(canvas: Canvas) -> Pixels | None:
    """The part of a group's canvas that holds anything, as pixels to place (views of the
    canvas: a copy would hold a second scene-sized canvas while it is made)."""
    rows = np.flatnonzero(canvas.alpha.any(axis=1))
    if rows.size == 0:
        return None
    columns = np.flatnonzero(canvas.alpha.any(axis=0))
    y0, y1, x0, x1 = rows[0], rows[-1] + 1, columns[0], columns[-1] + 1
    return Pixels(int(x0), int(y0), canvas.colour[y0:y1, x0:x1], canvas.alpha[y0:y1, x0:x1])
