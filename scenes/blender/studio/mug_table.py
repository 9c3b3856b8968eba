"""A glazed mug on an oak table by a window: handle in front of the print's edge, glaze gloss."""

from __future__ import annotations

import kit
import shapes

TEMPLATE = {"id": "mug", "name": "Ceramic mug on a table", **shapes.MUG_PRODUCT}


def build() -> kit.Shot:
    kit.box("table", (1.6, 1.0, 0.04), (0, 0.2, -0.02), kit.wood(roughness=0.35), bevel=0.006)
    kit.box("wall", (3.0, 0.05, 1.5), (0, 0.75, 0.5), kit.plaster("#d5d8cf"), bevel=0)
    wall, parts = shapes.mug((0.0, 0.0, 0.0), handle_degrees=62.0)
    napkin = kit.linen("#cbbfae", weave=900)
    kit.box("napkin", (0.22, 0.16, 0.004), (-0.15, 0.1, 0.002), napkin, 0.002, 2,
            rotation=kit.radians(0, 0, 14))  # fmt: skip
    jar = kit.cylinder("jar", 0.05, 0.16, (0.2, 0.32, 0.08), kit.ceramic("#7e8f83", 0.3))
    jar.scale = (1, 1, 1)
    kit.box("book", (0.2, 0.14, 0.025), (-0.24, 0.36, 0.0125), kit.matte("#3c4a5c", 0.7), 0.003)
    kit.world("#e3e8ef", 0.25)
    kit.area_light("window", (-0.9, 0.6, 0.7), (0, 0, 0.05), 1.2, 60, "#fff2e2", 0.9)
    kit.area_light("softbox", (-0.5, -0.7, 0.45), (0, 0, 0.05), 0.8, 24, "#ffffff", 0.6)
    kit.area_light("fill", (0.8, -0.6, 0.3), (0, 0, 0.05), 1.0, 6, "#eef2ff", reflected=False)
    kit.camera((0.02, -0.58, 0.17), (0.0, 0.0, 0.048), lens=85, focus=wall, fstop=3.2)
    return shapes.mug_shot(wall, parts)
