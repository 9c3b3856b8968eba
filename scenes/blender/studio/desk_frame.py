"""A small oak frame standing on a desk by a window, a lamp, books and a pencil cup beside it."""

from __future__ import annotations

import kit
import props
import rooms

TEMPLATE = {
    "id": "desk-frame",
    "name": "Photo frame on a desk by a window",
    "product": "desk-frame",
    "size": [3000, 2250],
    "fit": "cover",
    "substrate": "#ffffff",
}


def build() -> kit.Shot:
    desk = kit.wood(light="#c39a6b", dark="#8c6440", roughness=0.34, board=(1.6, 0.2))
    kit.box("desk", (1.6, 0.8, 0.035), (0, 0.15, -0.0175), desk, bevel=0.004)
    kit.box("wall", (4.0, 0.08, 2.0), (0, 0.6, 0.6), kit.plaster("#e8e4dc"), bevel=0)
    framed = rooms.frame((0.0, 0.0), (0.13, 0.18), mat=0.016, moulding=0.016, depth=0.018,
                         overlap=0.004, oak=("#c9a070", "#976c44"), lip=0.005,
                         rabbet=0.005)  # fmt: skip
    rooms.standing(framed, (0.02, 0.06, 0.0), 10, -8)
    props.stack("book", [((0.2, 0.14, 0.03), "#8f3f33"), ((0.19, 0.13, 0.022), "#e2d6bf")],
                (-0.3, 0.14, 0.0), turns=(8, 2))  # fmt: skip
    props.vase("pencil-cup", (0.24, 0.16, 0.0), height=0.1, radius=0.04, glaze="#3d4f5f",
               roughness=0.25)  # fmt: skip
    props.candle("candle", (0.36, 0.05, 0.0), radius=0.03, height=0.075)
    kit.cylinder("lamp-base", 0.07, 0.02, (0.5, 0.32, 0.01), kit.matte("#2b2b2b", 0.4))
    kit.cylinder("lamp-stem", 0.008, 0.42, (0.5, 0.32, 0.23), kit.matte("#2b2b2b", 0.4))
    kit.hdri("interior", 0.9, key_from=215)
    kit.area_light("window", (-1.3, -0.9, 0.8), (0, 0.1, 0.1), 1.4, 200, "#fff1df", 1.0,
                   reflected=False)  # fmt: skip
    kit.camera((0.07, -0.72, 0.3), (0.01, 0.05, 0.12), lens=55, focus=framed.carrier, fstop=3.5)
    return kit.Shot(carrier=framed.carrier, print_size=(13, 18), glossy=[framed.glass],
                    map_reduction=2)  # fmt: skip
