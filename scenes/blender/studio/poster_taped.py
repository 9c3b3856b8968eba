"""A paper poster taped to a painted wall above an oak bench: tape at each corner holds it
flat there, the paper bowing a little between."""

from __future__ import annotations

import kit
import numpy as np
import props
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
PAPER = 0.0003  # the paper's face off the wall
TAPES = ((-1, 1, 38), (1, 1, -42), (-1, -1, -40), (1, -1, 35))  # corner, angle (degrees)
TAPE = (0.065, 0.019)


def lift(s, t):
    """How far the paper stands off the wall at (s, t), 0..1 across and up: nothing under the
    tapes, a soft bow between them, most along the free lower edge."""
    held = np.ones_like(s)
    for sx, tz, _angle in TAPES:
        cx, cz = (sx + 1) / 2, (tz + 1) / 2
        held *= 1 - np.exp(-(((s - cx) * WIDTH) ** 2 + ((t - cz) * HEIGHT) ** 2) / 0.045**2)
    bow = 0.003 * np.sin(np.pi * s) * np.sin(np.pi * t)
    edge = 0.004 * np.sin(np.pi * s) ** 1.5 * np.exp(-t / 0.12)
    return (bow + edge) * held


def poster_sheet(material, n=64):
    s, t = np.meshgrid(np.linspace(0, 1, n), np.linspace(0, 1, n))
    x = (s - 0.5) * WIDTH
    z = CENTRE_Z + (t - 0.5) * HEIGHT
    y = -PAPER - lift(s, t)
    vertices = np.stack([x, y, z], axis=-1).reshape(-1, 3)
    uvs = np.stack([s, t], axis=-1).reshape(-1, 2)
    return shapes.mesh_object("poster", vertices, shapes.grid_faces(n, n), uvs, material)


def tape(name, corner, angle_degrees, material, columns=24, rows=6):
    """A strip of paper tape across one of the poster's corners: on the paper over it, on
    the wall beyond its edge, stepping down the paper's thickness between."""
    sx, tz = corner
    cx, cz = sx * WIDTH / 2, CENTRE_Z + tz * HEIGHT / 2
    angle = np.radians(angle_degrees)
    a, b = np.meshgrid(np.linspace(-0.5, 0.5, columns) * TAPE[0],
                       np.linspace(-0.5, 0.5, rows) * TAPE[1])  # fmt: skip
    x = cx + a * np.cos(angle) - b * np.sin(angle)
    z = cz + a * np.sin(angle) + b * np.cos(angle)
    s, t = x / WIDTH + 0.5, (z - CENTRE_Z) / HEIGHT + 0.5
    on_paper = (s >= 0) & (s <= 1) & (t >= 0) & (t <= 1)
    y = np.where(on_paper, -PAPER - lift(np.clip(s, 0, 1), np.clip(t, 0, 1)), 0.0) - 0.00012
    vertices = np.stack([x, y, z], axis=-1).reshape(-1, 3)
    uvs = np.stack([a / TAPE[0] + 0.5, b / TAPE[1] + 0.5], axis=-1).reshape(-1, 2)
    return shapes.mesh_object(name, vertices, shapes.grid_faces(rows, columns), uvs, material)


def build() -> kit.Shot:
    kit.box("wall", (6.0, 0.1, 3.2), (0, 0.05, 1.6), kit.plaster("#c9cfc9"), bevel=0)
    floor = kit.wood(light="#c49a6c", dark="#8a6240", roughness=0.4, board=(1.4, 0.15), turn=90)
    kit.box("floor", (6.0, 4.0, 0.1), (0, -2.0, -0.05), floor, bevel=0)
    bench = kit.wood(light="#b88a5c", dark="#7d5634", roughness=0.36, board=(1.3, 0.18))
    kit.box("bench-top", (1.3, 0.36, 0.04), (0.1, -0.2, 0.84), bench, 0.006)
    for x in (-0.5, 0.7):
        kit.box("bench-leg", (0.04, 0.32, 0.82), (x, -0.2, 0.41), bench, 0.004)
    props.vase("vase", (-0.3, -0.2, 0.86), height=0.26, radius=0.075)
    books = [((0.24, 0.17, 0.03), "#9c4b3a"), ((0.22, 0.16, 0.025), "#2f3b4c"),
             ((0.2, 0.15, 0.035), "#d7c9a8")]  # fmt: skip
    props.stack("book", books, (0.45, -0.2, 0.86), turns=(4, -1, -6))
    sheet = poster_sheet(kit.carrier_white(texture="paper"))
    washi = kit.tape("#efe6cf")
    for index, (sx, tz, angle) in enumerate(TAPES):
        tape(f"tape{index}", (sx, tz), angle, washi)
    kit.hdri("interior", 0.9, key_from=320)
    kit.area_light("window", (2.4, -1.8, 2.2), (0, 0, 1.3), 1.8, 500, "#fff3e4", 1.4)
    kit.camera((-0.08, -1.5, 1.3), (0.0, 0, 1.3), lens=45, focus=sheet, fstop=4.0)
    return kit.Shot(carrier=sheet, print_size=(42, 59), map_reduction=2)
