"""A printed throw pillow leaning into a linen sofa beside a plain one, window light."""

from __future__ import annotations

import cloth
import kit
import rooms

TEMPLATE = {
    "id": "pillow",
    "name": "Throw pillow on a sofa",
    "product": "pillow",
    "size": [3000, 2250],
    "fit": "cover",
    "substrate": "#ffffff",
    "weave": {"kind": "plain", "threads_per_cm": 8, "depth": 0.18},  # cotton
}


def build() -> kit.Shot:
    rooms.wall_and_floor(wall_colour="#d9d4ca")
    sofa = rooms.sofa(colour="#8e9488")
    # a smooth carrier: the template's "weave" puts the cotton's threads into the shading
    cotton = kit.linen("#e8e2d6", threads=500.0)
    front, back, piping = cloth.pillow("pillow", 0.45, 0.45, kit.carrier_white(roughness=0.9),
                                       cotton, seed=11)  # fmt: skip
    rooms.lean_on_sofa([front, back, piping], sofa, 0.18, lean=16, turn=-7, roll=-2)
    plain = kit.linen("#c9a27e", threads=420.0)
    rooms.lean_on_sofa(cloth.pillow("cushion", 0.5, 0.5, plain, plain, seed=4, puff=0.9), sofa,
                       -0.42, lean=18, turn=9, roll=3)  # fmt: skip
    kit.hdri("interior", 0.9, key_from=215)
    kit.area_light("window", (-2.6, -2.0, 2.0), (0.2, -0.6, 0.7), 2.0, 450, "#fff3e6", 1.6,
                   reflected=False)  # fmt: skip
    kit.camera((0.05, -1.95, 0.95), (0.14, -0.6, 0.7), lens=55, focus=front, fstop=3.5)
    return kit.Shot(carrier=front, print_size=(45, 45), product=[], map_reduction=2)
