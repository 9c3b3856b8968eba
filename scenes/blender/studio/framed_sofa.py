"""A framed 50 x 70 cm print on a living-room wall above a linen sofa, cushions leaning on its
back, window light from the left."""

from __future__ import annotations

import cloth
import kit
import rooms

TEMPLATE = {
    "id": "framed-wall",
    "name": "Framed print above a sofa",
    "product": "framed-print",
    "size": [3000, 2000],
    "fit": "cover",
    "substrate": "#ffffff",
}
FRAME_CENTRE = (0.0, 1.55)


def living_room(sofa_colour="#a9a595"):
    """The wall, floor and sofa both sofa scenes share, with two stuffed cushions on it."""
    rooms.wall_and_floor(wall_colour="#ddd6ca")
    sofa = rooms.sofa(colour=sofa_colour)
    rust = kit.linen("#a65a36", threads=420.0)
    oat = kit.linen("#d9cfbd", threads=420.0)
    left = cloth.pillow("cushion-rust", 0.45, 0.45, rust, rust, seed=5)
    right = cloth.pillow("cushion-oat", 0.5, 0.5, oat, oat, seed=8, puff=0.9)
    rooms.lean_on_sofa(left, sofa, -0.55, lean=17, turn=8, roll=4)
    rooms.lean_on_sofa(right, sofa, 0.62, lean=15, turn=-6, roll=-3)
    return sofa


def build() -> kit.Shot:
    living_room()
    framed = rooms.frame(FRAME_CENTRE, (0.5, 0.7), mat=0.07, finish="#2a2522")
    kit.hdri("interior", 0.9, key_from=215)
    kit.area_light("window", (-3.0, -2.0, 2.2), (0, 0, 1.3), 2.0, 500, "#fff3e6", 1.6,
                   reflected=False)  # fmt: skip
    kit.camera((0.12, -2.8, 1.4), (0.03, 0, 1.42), lens=45, focus=framed.carrier, fstop=5.6)
    return kit.Shot(carrier=framed.carrier, print_size=(50, 70), glossy=[framed.glass])
