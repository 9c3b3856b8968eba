"""The framed 50 x 70 cm print of framed-wall seen with the whole room: a 2.2 m sofa of real
proportions below it, a side table and a plant, so a buyer sees the print's size."""

from __future__ import annotations

import framed_sofa
import kit
import props
import rooms

TEMPLATE = {
    "id": "wall-scale",
    "name": "Framed 50 x 70 cm print above a sofa, to scale",
    "product": "framed-print",
    "size": [3000, 2000],
    "fit": "cover",
    "substrate": "#ffffff",
}


def side_table(x, y):
    """A round oak side table on three legs; returns the height of its top."""
    top_z = 0.55
    oak = kit.wood(light="#c49a6c", dark="#8a6240", board=(0.5, 0.12))
    kit.cylinder("side-table", 0.22, 0.025, (x, y, top_z - 0.0125), oak, vertices=96)
    for index in range(3):
        import math

        angle = math.radians(90 + 120 * index)
        leg = kit.cylinder(f"side-table-leg{index}", 0.014, top_z - 0.025,
                           (x + 0.13 * math.cos(angle), y + 0.13 * math.sin(angle),
                            (top_z - 0.025) / 2), oak, vertices=24)  # fmt: skip
        del leg
    return top_z


def build() -> kit.Shot:
    sofa = framed_sofa.living_room()
    framed = rooms.frame(framed_sofa.FRAME_CENTRE, (0.5, 0.7), mat=0.07, finish="#2a2522")
    top = side_table(1.45, -0.45)
    props.vase("vase", (1.4, -0.48, top), height=0.2, radius=0.06)
    props.stack("book", [((0.2, 0.14, 0.028), "#7d8a6a"), ((0.18, 0.13, 0.022), "#d6c7a5")],
                (1.52, -0.36, top), turns=(20, 8))  # fmt: skip

    def clear_of_the_wall(points):  # and of the sofa's arm, and the floor
        beside = (points[:, 0] < -1.13) | (points[:, 2] > 0.66)
        return bool((points[:, 1] < -0.01).all() and (points[:, 2] > 0.01).all() and beside.all())

    plant = rooms.Plant(
        pot_radius=0.16,
        pot_height=0.36,
        leaves=60,
        reach=(0.3, 0.75),
        leaf_length=(0.16, 0.26),
        seed=3,
        keep_clear=clear_of_the_wall,
    )
    rooms.potted_plant((-1.55, -0.4, 0.0), plant)
    del sofa
    kit.hdri("interior", 0.9, key_from=215)
    kit.area_light("window", (-3.4, -2.4, 2.2), (0, 0, 1.2), 2.4, 450, "#fff3e6", 1.8,
                   reflected=False)  # fmt: skip
    kit.camera((0.2, -4.6, 1.25), (0.0, 0.0, 1.05), lens=32, focus=framed.carrier, fstop=8.0)
    return kit.Shot(carrier=framed.carrier, print_size=(50, 70), glossy=[framed.glass])
