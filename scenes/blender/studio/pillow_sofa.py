"""A printed throw pillow leaning into the corner of a linen sofa, a knit throw beside it."""

from __future__ import annotations

import kit
import rooms
import shapes

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
    rooms.sofa(colour="#8e9488")
    # a smooth carrier: a cotton weave is finer than the beauty pass's pixels on this pillow,
    # and came out of the denoiser as fingerprint-like moire in the print's shading; the
    # template's "weave" puts threads into the shading when the scene is built instead
    front, back = shapes.pillow(
        "pillow", 0.45, 0.45, 0.17,
        kit.carrier_white(roughness=0.9), kit.linen("#e8e2d6", weave=500),
        seed=11,
    )  # fmt: skip
    for part in (front, back):
        part.location = (0.5, -0.6, 0.73)
        part.rotation_euler = kit.radians(-14, -4, -8)
    throw = kit.linen("#c9a27e", weave=180)
    kit.box("throw", (0.5, 0.5, 0.05), (-0.15, -0.55, 0.53), throw, 0.02, 4, subdivide=2,
            rotation=kit.radians(0, 0, 8))  # fmt: skip
    kit.world("#dde3ea", 0.14)
    kit.area_light("window", (-2.6, -2.0, 2.0), (0.5, -0.6, 0.7), 2.2, 700, "#fff1df", 1.6)
    kit.area_light("fill", (2.6, -2.8, 1.4), (0.5, -0.6, 0.7), 2.5, 70, "#e8eefc", reflected=False)
    kit.camera((0.3, -1.95, 0.98), (0.48, -0.6, 0.72), lens=55, focus=front, fstop=3.5)
    return kit.Shot(carrier=front, print_size=(45, 45), product=[], map_reduction=2)
