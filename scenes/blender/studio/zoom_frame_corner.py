"""A close-up of the framed print's top corner on the living-room wall: the moulding's
profile, the mat's bevelled window and white core, the window reflected in the glass."""

from __future__ import annotations

import framed_sofa
import kit
import rooms

TEMPLATE = {
    "id": "zoom-frame-corner",
    "name": "Framed print corner, close up",
    "product": "framed-print",
    "size": [3000, 2250],
    "fit": "cover",
    "substrate": "#ffffff",
    "close_up": True,  # shows a corner of the print placed as on the hero
}


def build() -> kit.Shot:
    rooms.wall_and_floor(wall_colour="#ddd6ca")
    framed = rooms.frame(framed_sofa.FRAME_CENTRE, (0.5, 0.7), mat=0.07,
                         oak=("#c9a070", "#976c44"))  # fmt: skip
    x, z = framed_sofa.FRAME_CENTRE
    corner = (x + framed.outer[0] / 2 - 0.05, -0.02, z + framed.outer[1] / 2 - 0.05)
    kit.hdri("interior", 0.9, key_from=215)
    kit.area_light("window", (-3.0, -2.0, 2.2), (0, 0, 1.3), 2.0, 500, "#fff3e6", 1.6)
    eye = (corner[0] - 0.12, corner[1] - 0.42, corner[2] - 0.1)
    target = (corner[0] + 0.015, corner[1], corner[2] + 0.005)
    kit.camera(eye, target, lens=70, focus=kit.marker("focus", corner), fstop=5.6)
    return kit.Shot(carrier=framed.carrier, print_size=(50, 70), glossy=[framed.glass])
