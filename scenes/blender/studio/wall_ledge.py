"""A framed print leaning on a picture ledge against the wall, a plant and books beside it,
window light."""

from __future__ import annotations

import kit
import props
import rooms

TEMPLATE = {
    "id": "wall-ledge",
    "name": "Framed print leaning on a ledge",
    "product": "framed-print",
    "size": [3000, 2250],
    "fit": "cover",
    "substrate": "#ffffff",
}
LEDGE_TOP = 1.0
WALL_Y = 0.1  # the wall's face
LIP = (0.01, 0.022)  # the ledge's lip, front to back (y)
MOULDING_DEPTH = 0.022


def build() -> kit.Shot:
    kit.box("wall", (4.0, 0.05, 2.4), (0, WALL_Y + 0.025, 1.2), kit.plaster("#d9dfd8"), bevel=0)
    oak = kit.wood(light="#caa57a", dark="#94704c", roughness=0.4, board=(1.4, 0.09))
    kit.box("ledge", (1.4, WALL_Y - LIP[0], 0.025), (0, (WALL_Y + LIP[0]) / 2, LEDGE_TOP - 0.0125),
            oak, bevel=0.003)  # fmt: skip
    kit.box("lip", (1.4, LIP[1] - LIP[0], 0.02), (0, sum(LIP) / 2, LEDGE_TOP + 0.01), oak,
            bevel=0.002)  # fmt: skip
    framed = rooms.frame((0.0, 0.0), (0.3, 0.4), mat=0.05, moulding=0.022,
                         depth=MOULDING_DEPTH, finish="#efece6", overlap=0.005)  # fmt: skip
    # the frame's foot 4 mm behind the lip, its top against the wall
    foot_y = LIP[1] + 0.004 + MOULDING_DEPTH
    tilt = rooms.lean_angle(framed, MOULDING_DEPTH, WALL_Y - foot_y)
    rooms.standing(framed, (-0.08, foot_y, LEDGE_TOP), tilt)
    frame_right = -0.08 + framed.outer[0] / 2

    def keep_clear(points):
        return bool(
            (points[:, 0] > frame_right + 0.03).all()
            and (points[:, 1] < WALL_Y - 0.003).all()
            and (points[:, 2] > LEDGE_TOP + 0.015).all()
        )

    rooms.potted_plant((0.33, 0.058, LEDGE_TOP), rooms.Plant(keep_clear=keep_clear))
    props.stack("book", [((0.16, 0.062, 0.028), "#2e3d52"), ((0.15, 0.058, 0.02), "#e3d9c6")],
                (-0.42, 0.061, LEDGE_TOP), turns=(2, -2))  # fmt: skip
    kit.hdri("interior", 0.9, key_from=220)
    kit.area_light("window", (-2.0, -1.6, 1.9), (0, 0, 1.2), 1.8, 300, "#fff1df", 1.2,
                   reflected=False)  # fmt: skip
    kit.camera((0.22, -1.75, 1.2), (-0.04, 0.05, 1.24), lens=50, focus=framed.carrier, fstop=4.0)
    return kit.Shot(carrier=framed.carrier, print_size=(30, 40), glossy=[framed.glass],
                    map_reduction=2)  # fmt: skip
