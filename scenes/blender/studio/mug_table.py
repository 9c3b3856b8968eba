"""A glazed mug on an oak table by a window: handle in front of the print's edge, glaze gloss,
books and a candle behind it."""

from __future__ import annotations

import kit
import props
import shapes

TEMPLATE = {"id": "mug", "name": "Ceramic mug on a table", **shapes.MUG_PRODUCT}


def build() -> kit.Shot:
    table = kit.wood(roughness=0.35, board=(1.6, 0.2))
    kit.box("table", (1.6, 1.0, 0.04), (0, 0.2, -0.02), table, bevel=0.004)
    kit.box("wall", (3.0, 0.05, 1.5), (0, 0.75, 0.5), kit.plaster("#d5d8cf"), bevel=0)
    wall, parts = shapes.mug((0.0, 0.0, 0.0), handle_degrees=62.0)
    napkin = kit.linen("#cbbfae", threads=900.0)
    kit.box("napkin", (0.22, 0.16, 0.004), (-0.2, 0.1, 0.002), napkin, 0.0015, 2,
            rotation=kit.radians(0, 0, 14))  # fmt: skip
    props.stack("book", [((0.24, 0.17, 0.032), "#3c4a5c"), ((0.21, 0.15, 0.024), "#b9a27d")],
                (-0.22, 0.38, 0.0), turns=(6, -4))  # fmt: skip
    props.candle("candle", (0.17, 0.36, 0.0), radius=0.04, height=0.11)
    kit.hdri("interior", 0.9, key_from=200)
    kit.area_light("window", (-0.9, 0.6, 0.7), (0, 0, 0.05), 1.2, 40, "#fff2e2", 0.9)
    eye = (0.02, -0.58, 0.17)
    focus = kit.marker("focus", shapes.mug_front(eye, 0.048))
    kit.camera(eye, (0.0, 0.0, 0.048), lens=85, focus=focus, fstop=11.0)
    return shapes.mug_shot(wall, parts)
