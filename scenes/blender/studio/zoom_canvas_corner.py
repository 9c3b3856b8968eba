"""A close-up of a gallery-wrapped canvas's top corner: the weave under the print, the print
running round the rounded edge and down the side, the wall beside it."""

from __future__ import annotations

import canvas_wrapped
import kit

TEMPLATE = {
    "id": "zoom-canvas-corner",
    "name": "Canvas corner, close up",
    "product": "canvas",
    "size": [3000, 2250],
    "fit": "cover",
    "substrate": "#ffffff",
    "close_up": True,  # shows a corner of the print placed as on the hero
    "weave": {"kind": "plain", "threads_per_cm": 6, "depth": 0.16},  # artist's canvas
}


def build() -> kit.Shot:
    canvas_wrapped.room()
    surface = canvas_wrapped.canvas(canvas_wrapped.stretched_canvas())
    w, h = canvas_wrapped.WIDTH / 2, canvas_wrapped.HEIGHT / 2
    corner = (w, -0.004 - canvas_wrapped.DEPTH, canvas_wrapped.CENTRE_Z + h)
    kit.hdri("interior", 0.9, key_from=330)
    kit.area_light("window", (3.4, -2.2, 2.4), (0, 0, 1.4), 2.6, 700, "#fff2e1", 1.8,
                   reflected=False)  # fmt: skip
    eye = (corner[0] + 0.2, corner[1] - 0.36, corner[2] + 0.12)
    target = (corner[0] - 0.06, corner[1] + 0.01, corner[2] - 0.06)
    kit.camera(eye, target, lens=60, focus=kit.marker("focus", corner), fstop=8.0)
    return kit.Shot(carrier=surface, print_size=(60, 80), map_reduction=2)
