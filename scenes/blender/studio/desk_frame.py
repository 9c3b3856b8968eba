"""A small oak frame standing on a desk by a window, a lamp, books and a pencil cup beside it."""

from __future__ import annotations

import bpy
import kit
import rooms

TEMPLATE = {
    "id": "desk-frame",
    "name": "Photo frame on a desk by a window",
    "product": "desk-frame",
    "size": [3000, 2250],
    "fit": "cover",
    "substrate": "#ffffff",
}


def standing(objects, location, tilt_degrees, turn_degrees):
    """Parent `objects` (built against a wall at y = 0) to a pivot that stands them up."""
    pivot = bpy.data.objects.new("frame-pivot", None)
    bpy.context.collection.objects.link(pivot)
    for obj in objects:
        obj.parent = pivot
    pivot.location = location
    pivot.rotation_euler = kit.radians(-tilt_degrees, 0, turn_degrees)
    return pivot


def build() -> kit.Shot:
    desk = kit.wood(light="#c39a6b", dark="#8c6440", roughness=0.34)
    kit.box("desk", (1.6, 0.8, 0.035), (0, 0.15, -0.0175), desk, bevel=0.004)
    kit.box("wall", (4.0, 0.08, 2.0), (0, 0.6, 0.6), kit.plaster("#e8e4dc"), bevel=0)
    before = set(bpy.data.objects)
    carrier, pane = rooms.frame((0.0, 0.13), (0.13, 0.18), mat=0.016, moulding=0.016,
                                depth=0.018, overlap=0.004, mitred=True,
                                oak=("#c9a070", "#976c44"))  # fmt: skip
    parts = [obj for obj in bpy.data.objects if obj not in before]
    standing(parts, (0.02, 0.06, 0.0), 10, -8)
    for index, (height, colour) in enumerate(((0.03, "#8f3f33"), (0.022, "#e2d6bf"))):
        place = (-0.27, 0.12, 0.015 + index * 0.027)
        turn = kit.radians(0, 0, 8 - index * 6)
        kit.box(
            f"book{index}", (0.2, 0.14, height), place, kit.matte(colour, 0.7), 0.003, rotation=turn
        )
    kit.cylinder("pencil-cup", 0.035, 0.1, (0.24, 0.16, 0.05), kit.ceramic("#3d4f5f", 0.25))
    kit.cylinder("lamp-base", 0.07, 0.02, (0.45, 0.3, 0.01), kit.matte("#2b2b2b", 0.4))
    kit.cylinder("lamp-stem", 0.008, 0.42, (0.45, 0.3, 0.22), kit.matte("#2b2b2b", 0.4))
    kit.world("#e4eaf2", 0.25)
    kit.area_light(
        "window", (-1.3, -0.9, 0.8), (0, 0.1, 0.1), 1.4, 260, "#fff1df", 1.0, reflected=False
    )
    kit.area_light("fill", (0.9, -1.2, 0.6), (0, 0, 0.1), 1.5, 25, "#e8eefc", reflected=False)
    kit.camera((0.07, -0.72, 0.3), (0.01, 0.05, 0.12), lens=55, focus=carrier, fstop=3.5)
    return kit.Shot(carrier=carrier, print_size=(13, 18), glossy=[pane], map_reduction=2)
