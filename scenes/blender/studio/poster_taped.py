"""A paper poster taped to a painted wall above an oak bench, its lower corners curling."""

from __future__ import annotations

import kit
import numpy as np
import shapes

TEMPLATE = {
    "id": "poster",
    "name": "Poster taped to a wall",
    "product": "poster",
    "size": [2400, 3000],
    "fit": "cover",
    "substrate": "#ffffff",
}
WIDTH, HEIGHT = 0.42, 0.594  # A2
CENTRE_Z = 1.45


def poster_sheet(material, n=48):
    s, t = np.meshgrid(np.linspace(0, 1, n), np.linspace(0, 1, n))
    curl = 0.028 * np.exp(-(s**2 + t**2) / 0.012) + 0.022 * np.exp(-((1 - s) ** 2 + t**2) / 0.01)
    bow = 0.005 * np.sin(np.pi * s) * np.sin(np.pi * t) ** 2
    x = (s - 0.5) * WIDTH
    z = CENTRE_Z + (t - 0.5) * HEIGHT
    y = -0.0012 - curl - bow
    vertices = np.stack([x, y, z], axis=-1).reshape(-1, 3)
    uvs = np.stack([s, t], axis=-1).reshape(-1, 2)
    return shapes.mesh_object("poster", vertices, shapes.grid_faces(n, n), uvs, material)


def build() -> kit.Shot:
    kit.box("wall", (6.0, 0.1, 3.2), (0, 0.05, 1.6), kit.plaster("#c9cfc9", scale=55), bevel=0)
    planks = kit.wood(light="#c49a6c", dark="#8a6240", roughness=0.4, grain=(0.6, 10.0, 1.0))
    kit.box("floor", (6.0, 4.0, 0.1), (0, -2.0, -0.05), planks, bevel=0)
    bench = kit.wood(light="#b88a5c", dark="#7d5634", roughness=0.36)
    kit.box("bench-top", (1.3, 0.36, 0.04), (0.1, -0.2, 0.84), bench, 0.006)
    for x in (-0.5, 0.7):
        kit.box("bench-leg", (0.04, 0.32, 0.82), (x, -0.2, 0.41), bench, 0.004)
    kit.cylinder("vase", 0.07, 0.26, (-0.3, -0.2, 0.99), kit.ceramic("#d9d3c7", 0.35))
    books = ((0.03, "#9c4b3a"), (0.025, "#2f3b4c"), (0.035, "#d7c9a8"))
    z = 0.86
    for index, (height, colour) in enumerate(books):
        size = (0.24 - index * 0.02, 0.17, height)
        turn = kit.radians(0, 0, 4 - index * 5)
        material = kit.matte(colour, 0.7)
        kit.box(f"book{index}", size, (0.45, -0.2, z + height / 2), material, 0.003, rotation=turn)
        z += height
    sheet = poster_sheet(kit.carrier_white(texture="paper"))
    tape = kit.Nodes("tape").set(Base_Color=(*kit.srgb("#efe6cf"), 1), Roughness=0.45,
                                 Transmission_Weight=0.3).material  # fmt: skip
    for index, (x, z, angle) in enumerate(
        ((-0.5, 0.5, 38), (0.5, 0.5, -42), (-0.5, -0.5, -40), (0.5, -0.5, 35))
    ):
        lift = 0.012 if z < 0 else 0.0
        kit.box(f"tape{index}", (0.09, 0.0006, 0.028),
                (x * WIDTH, -0.0025 - lift * 0.2, CENTRE_Z + z * HEIGHT),
                tape, bevel=0, rotation=kit.radians(0, angle, 0))  # fmt: skip
    kit.world("#e6ebf0", 0.2)
    kit.area_light("window", (2.4, -1.8, 2.2), (0, 0, 1.3), 1.8, 700, "#fff3e4", 1.4)
    kit.area_light("fill", (-2.5, -3.0, 1.6), (0, 0, 1.2), 2.5, 90, "#e9eefb", reflected=False)
    kit.camera((-0.08, -1.5, 1.3), (0.0, 0, 1.3), lens=45, focus=sheet, fstop=4.0)
    return kit.Shot(carrier=sheet, print_size=(42, 59), map_reduction=2)
