"""A greeting card standing open on an oak table, an envelope, a cup and a candle beside it."""

from __future__ import annotations

import kit
import props
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
STOCK = 0.00045  # 350 gsm card


def envelope(location, turn_degrees):
    """A kraft envelope lying flat, its flap folded under: a thin paper sleeve."""
    paper = kit.paper("#d8c3a5", 700.0)
    sleeve = kit.box("envelope", (0.19, 0.135, 0.0012), (0, 0, 0.0006), paper, 0.0004, 1)
    flap = shapes.prism("envelope-flap", [(-0.0675, 0.0012), (0.0675, 0.0012), (0.0, 0.0017)],
                        0.19, paper)  # fmt: skip
    pivot = props.pivot("envelope-place", location, turn_degrees)
    for part in (sleeve, flap):
        part.parent = pivot


def build() -> kit.Shot:
    table = kit.wood(roughness=0.38, board=(1.4, 0.18))
    kit.box("table", (1.4, 0.9, 0.04), (0, 0.2, -0.02), table, bevel=0.004)
    kit.box("wall", (3.0, 0.05, 1.4), (0, 0.675, 0.6), kit.plaster("#e3ddd3"), bevel=0)
    front, stock = shapes.folded_card("card", WIDTH, HEIGHT, 62, STOCK,
                                      kit.carrier_white(texture="paper"),
                                      kit.paper("#f3f0ea", 900.0))  # fmt: skip
    for part in (front, stock):
        part.location = (-0.07, 0.0, 0.0)
        part.rotation_euler = kit.radians(0, 0, -12)
    envelope((0.14, 0.02, 0.0), 18)
    props.vase("cup", (-0.2, 0.14, 0.0), height=0.075, radius=0.04, glaze="#ece8df",
               roughness=0.2)  # fmt: skip
    props.candle("candle", (0.2, 0.2, 0.0), radius=0.03, height=0.08)
    kit.hdri("interior", 0.9, key_from=210)
    kit.area_light("window", (-0.9, -0.3, 0.7), (0, 0.05, 0.08), 1.0, 30, "#fff2e2", 0.8)
    kit.camera((0.06, -0.62, 0.2), (0.0, 0.02, 0.085), lens=70, focus=front, fstop=8.0)
    return kit.Shot(carrier=front, print_size=(127, 178), map_reduction=2)
