"""A framed print leaning on a picture ledge, a plant and books beside it, window light."""

from __future__ import annotations

import bpy
import kit
import rooms
from desk_frame import standing

TEMPLATE = {
    "id": "wall-ledge",
    "name": "Framed print leaning on a ledge",
    "product": "framed-print",
    "size": [3000, 2250],
    "fit": "cover",
    "substrate": "#ffffff",
}
LEDGE_TOP = 1.0


def build() -> kit.Shot:
    kit.box("wall", (4.0, 0.05, 2.4), (0, 0.125, 1.2), kit.plaster("#d9dfd8"), bevel=0)
    oak = kit.wood(light="#caa57a", dark="#94704c", roughness=0.4)
    kit.box("ledge", (1.4, 0.09, 0.025), (0, 0.055, LEDGE_TOP - 0.0125), oak, bevel=0.003)
    kit.box("lip", (1.4, 0.012, 0.03), (0, 0.016, LEDGE_TOP), oak, bevel=0.002)
    before = set(bpy.data.objects)
    carrier, pane = rooms.frame((0.0, 0.276), (0.3, 0.4), mat=0.05, moulding=0.022,
                                depth=0.022, finish="#efece6", overlap=0.005,
                                mitred=True)  # fmt: skip
    parts = [obj for obj in bpy.data.objects if obj not in before]
    standing(parts, (-0.08, 0.03, LEDGE_TOP), 7, 3)
    frame_right = 0.14  # the frame's outer edge, standing

    def keep_clear(points):
        return bool(
            (points[:, 0] > frame_right + 0.03).all()
            and (points[:, 1] < 0.097).all()  # the wall
            and (points[:, 2] > LEDGE_TOP + 0.015).all()
        )

    rooms.potted_plant((0.33, 0.058, LEDGE_TOP), rooms.Plant(keep_clear=keep_clear))
    for index, (height, colour) in enumerate(((0.028, "#2e3d52"), (0.02, "#e3d9c6"))):
        place = (-0.42, 0.055, LEDGE_TOP + 0.014 + index * 0.025)
        turn = kit.radians(0, 0, 4 - index * 7)
        kit.box(f"book{index}", (0.16, 0.08, height), place, kit.matte(colour, 0.7), 0.003,
                rotation=turn)  # fmt: skip
    kit.world("#e3e9ef", 0.22)
    kit.area_light(
        "window", (-2.0, -1.6, 1.9), (0, 0, 1.2), 1.8, 420, "#fff1df", 1.2, reflected=False
    )
    kit.area_light("fill", (1.6, -2.0, 1.4), (0, 0, 1.2), 2.0, 60, "#e8eefc", reflected=False)
    kit.camera((0.22, -1.75, 1.2), (-0.04, 0.05, 1.24), lens=50, focus=carrier, fstop=4.0)
    return kit.Shot(carrier=carrier, print_size=(30, 40), glossy=[pane], map_reduction=2)
