"""A canvas tote hanging by its straps from an oak peg rail: the cloth's own weight sags its
mouth and drapes its body, the print follows every fold."""

from __future__ import annotations

import cloth
import kit

TEMPLATE = {
    "id": "tote",
    "name": "Tote bag hanging on a peg",
    "product": "tote",
    "size": [2400, 3000],
    "fit": "contain",
    "substrate": None,
    "weave": {"kind": "plain", "threads_per_cm": 7, "depth": 0.22},  # cotton canvas
    "colours": {"natural": "#efe5d0", "white": "#ffffff", "black": "#2e2d2c"},
}
BAG = cloth.Tote(size=(0.38, 0.42), top_centre=(0.0, -0.05, 1.42))
PRINT = (0.26, 0.3)  # width, height of the print, its top 7 cm below the mouth
PRINT_TOP = -0.07
RAIL_Z = 1.72
PEG = (0.0, -0.05, RAIL_Z, 0.012)  # x, y (the straps' middle), z, radius


def print_uv(x, z):
    return (x + PRINT[0] / 2) / PRINT[0], (z - (PRINT_TOP - PRINT[1])) / PRINT[1]


def rail(oak):
    kit.box("rail", (1.6, 0.02, 0.09), (0, -0.01, RAIL_Z), oak, 0.004)
    for x in (-0.45, 0.0, 0.45):
        peg = kit.cylinder(f"peg{x:+.2f}", PEG[3], 0.07, (x, -0.055, RAIL_Z), oak, vertices=48)
        peg.rotation_euler = kit.radians(90, 0, 0)
        knob = kit.cylinder(f"knob{x:+.2f}", PEG[3] + 0.003, 0.008, (x, -0.094, RAIL_Z), oak,
                            vertices=48)  # fmt: skip
        knob.rotation_euler = kit.radians(90, 0, 0)


def build() -> kit.Shot:
    wall = kit.box("wall", (5.0, 0.1, 3.0), (0, 0.05, 1.5), kit.plaster("#d3d8d2"), bevel=0)
    floor = kit.wood(light="#b8906a", dark="#7c583a", roughness=0.4, board=(1.3, 0.14), turn=90)
    kit.box("floor", (5.0, 3.0, 0.1), (0, -1.5, -0.05), floor, bevel=0)
    rail(kit.wood(light="#c9a172", dark="#936b45", roughness=0.4, board=(1.6, 0.09)))
    natural = "#efe5d0"
    materials = (
        kit.carrier_white(roughness=0.95, texture="canvas"),
        kit.stitched_canvas(natural, rows=()),
        kit.stitched_canvas(natural, rows=(0.8,), uv_map="seams"),
        kit.webbing(natural),
    )
    front, back, parts = cloth.tote("tote", BAG, print_uv, materials, PEG, colliders=[wall])
    kit.hdri("interior", 1.0, key_from=220)
    kit.camera((0.06, -1.5, 1.4), (0.0, 0, 1.38), lens=50, focus=front, fstop=4.0)
    product = [front, back, *parts]
    return kit.Shot(carrier=front, print_size=(26, 30), product=product, map_reduction=2)
