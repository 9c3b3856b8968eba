"""A greeting card standing open on a linen-covered table, an envelope and a sprig beside it."""

from __future__ import annotations

import kit
import shapes

TEMPLATE = {
    "id": "greeting-card",
    "name": "Greeting card standing open",
    "product": "greeting-card",
    "size": [3000, 2250],
    "fit": "cover",
    "substrate": "#ffffff",
}
WIDTH, HEIGHT = 0.127, 0.178  # 5 x 7 in


def build() -> kit.Shot:
    kit.box("table", (1.4, 0.9, 0.04), (0, 0.2, -0.02), kit.wood(roughness=0.38), bevel=0.004)
    kit.box("wall", (3.0, 0.05, 1.4), (0, 0.5, 0.6), kit.plaster("#e3ddd3"), bevel=0)
    board = kit.matte("#f3f0ea", 0.8, name="card-inside")
    front, back = shapes.card("card", WIDTH, HEIGHT, 62, kit.carrier_white(texture="paper"), board)
    for panel in (front, back):
        panel.location = (-0.07, 0.0, 0.0)
        panel.rotation_euler = kit.radians(0, 0, -12)
    envelope = kit.matte("#d8c3a5", 0.75, name="envelope")
    kit.box("envelope", (0.19, 0.135, 0.003), (0.14, 0.02, 0.0015), envelope, 0.001,
            rotation=kit.radians(0, 0, 18))  # fmt: skip
    kit.cylinder("cup", 0.035, 0.07, (-0.2, 0.12, 0.035), kit.ceramic("#ece8df", 0.2))
    kit.world("#e4e9f0", 0.22)
    kit.area_light("window", (-0.9, -0.3, 0.7), (0, 0.05, 0.08), 1.0, 45, "#fff2e2", 0.8)
    kit.area_light("fill", (0.8, -0.9, 0.4), (0, 0, 0.08), 1.0, 9, "#eef2ff", reflected=False)
    kit.camera((0.06, -0.62, 0.2), (0.0, 0.02, 0.085), lens=70, focus=front, fstop=4.0)
    return kit.Shot(carrier=front, print_size=(127, 178), map_reduction=2)
