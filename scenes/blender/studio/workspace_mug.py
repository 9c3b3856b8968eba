"""A mug on a work desk beside a laptop and a notebook, seen from above: the morning coffee shot."""

from __future__ import annotations

import math

import kit
import shapes

TEMPLATE = {"id": "workspace-mug", "name": "Mug on a work desk", **shapes.MUG_PRODUCT}


def build() -> kit.Shot:
    desk = kit.wood(light="#d2b48f", dark="#a07a55", roughness=0.3, grain=(0.8, 12.0, 1.0))
    kit.box("desk", (1.8, 1.0, 0.04), (0, 0.25, -0.02), desk, bevel=0.006)
    aluminium = kit.matte("#5e6166", 0.35, name="aluminium")
    kit.box("laptop", (0.34, 0.24, 0.014), (-0.3, 0.2, 0.007), aluminium, 0.006,
            rotation=kit.radians(0, 0, 12))  # fmt: skip
    kit.box("notebook", (0.15, 0.21, 0.012), (0.21, 0.12, 0.006), kit.matte("#2f4a3c", 0.75),
            0.002, rotation=kit.radians(0, 0, -18))  # fmt: skip
    pencil = kit.cylinder("pencil", 0.0035, 0.17, (0.2, -0.03, 0.0035), kit.matte("#d9a441", 0.5))
    pencil.rotation_euler = kit.radians(90, 0, 70)
    wall, parts = shapes.mug((0.0, 0.0, 0.0), facing=-math.pi / 2 - 0.25, handle_degrees=55.0)
    kit.world("#e9edf2", 0.3)
    kit.area_light("window", (-0.8, 0.9, 0.9), (0, 0, 0.05), 1.4, 32, "#fff1dc", 1.0)
    kit.area_light("fill", (0.7, -0.7, 0.5), (0, 0, 0.05), 1.0, 22, "#eef2ff", reflected=False)
    kit.camera((0.1, -0.5, 0.3), (0.0, 0.02, 0.045), lens=75, focus=wall, fstop=2.8)
    return shapes.mug_shot(wall, parts)
