"""A framed print on a living-room wall above a linen sofa, window light from the left."""

from __future__ import annotations

import kit
import rooms
import shapes

TEMPLATE = {
    "id": "framed-wall",
    "name": "Framed print above a sofa",
    "product": "framed-print",
    "size": [3000, 2000],
    "fit": "cover",
    "substrate": "#ffffff",
}


def build() -> kit.Shot:
    rooms.wall_and_floor(wall_colour="#dcd6cb")
    rooms.sofa(colour="#9a9a8e")
    cover = kit.linen("#b4663f", weave=300)
    for part in shapes.pillow("pillow", 0.46, 0.46, 0.16, cover, cover, seed=5):
        part.location = (-0.62, -0.6, 0.73)
        part.rotation_euler = kit.radians(-16, 6, 12)
    carrier, pane = rooms.frame((0.0, 1.62), (0.5, 0.7), mat=0.07, finish="#2a2522")
    kit.world("#dde3ea", 0.12)
    kit.area_light(
        "window", (-3.2, -2.2, 2.3), (0, 0, 1.2), 2.4, 900, "#fff1df", 1.8, reflected=False
    )
    kit.area_light("fill", (2.5, -3.5, 1.8), (0, 0, 1.2), 3.0, 120, "#e8eefc", reflected=False)
    kit.camera((0.15, -3.35, 1.38), (0.05, 0, 1.3), lens=42, focus=carrier, fstop=5.6)
    return kit.Shot(carrier=carrier, print_size=(50, 70), glossy=[pane], exposure=0.0)
