"""A canvas tote hanging by its straps from an oak peg rail, soft drapes the print follows."""

from __future__ import annotations

import bpy
import kit
import numpy as np
import shapes

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
WIDTH, HEIGHT = 0.38, 0.42
TOP = 1.42  # z of the bag's mouth
PRINT = (0.26, 0.3)
PEG = (0.0, -0.05, 1.72)


def drape(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """How far the front stands off the back: a stuffed middle, folds falling from the straps."""
    across = 1 - (x / (WIDTH / 2)) ** 2
    down = np.clip(-y / HEIGHT, 0, 1)
    bulge = 0.028 * across**0.7 * np.sin(np.pi * np.clip(down * 0.9 + 0.05, 0, 1)) ** 0.6
    folds = np.zeros_like(x)
    for strap_x in (-0.09, 0.09):
        for offset, depth in ((-0.03, 0.005), (0.025, 0.004), (0.0, -0.003)):
            line = x - strap_x - offset * (1 + 2 * down)
            folds += depth * np.exp(-((line / 0.014) ** 2)) * np.exp(-down / 0.35)
    return bulge + folds + 0.002


def bag_panel(name, height, material, uv):
    outline = np.array(
        [(-WIDTH / 2, 0.0), (WIDTH / 2, 0.0), (WIDTH / 2, -HEIGHT), (-WIDTH / 2, -HEIGHT)]
    )
    dense = []
    for start, end in zip(outline, np.roll(outline, -1, axis=0), strict=True):
        steps = int(np.hypot(*(end - start)) / 0.004)
        dense.extend(start + (end - start) * t for t in np.linspace(0, 1, steps, endpoint=False))
    panel = shapes.outline_sheet(name, np.array(dense), 0.005, height, uv, material)
    panel.rotation_euler = kit.radians(90, 0, 0)
    panel.location = (0, -0.012, TOP)
    return panel


def strap(name, start, material):
    curve = bpy.data.curves.new(name, "CURVE")
    curve.dimensions = "3D"
    curve.bevel_depth = 0.006
    spline = curve.splines.new("BEZIER")
    spline.bezier_points.add(1)
    for point, (co, handle) in zip(
        spline.bezier_points, ((start, (0, -0.01, 0.12)), (PEG, (0, 0, -0.1))), strict=True
    ):
        point.co = co
        point.handle_left_type = point.handle_right_type = "FREE"
        point.handle_right = tuple(c + h for c, h in zip(co, handle, strict=True))
        point.handle_left = tuple(c - h for c, h in zip(co, handle, strict=True))
    obj = bpy.data.objects.new(name, curve)
    bpy.context.collection.objects.link(obj)
    curve.materials.append(material)
    return obj


def build() -> kit.Shot:
    kit.box("wall", (5.0, 0.1, 3.0), (0, 0.05, 1.5), kit.plaster("#d3d8d2", scale=50), bevel=0)
    planks = kit.wood(light="#b8906a", dark="#7c583a", roughness=0.4, grain=(0.6, 10.0, 1.0))
    kit.box("floor", (5.0, 3.0, 0.1), (0, -1.5, -0.05), planks, bevel=0)
    oak = kit.wood(light="#c9a172", dark="#936b45", roughness=0.4)
    kit.box("rail", (1.6, 0.02, 0.09), (0, -0.01, 1.72), oak, 0.004)
    for x in (-0.45, 0.0, 0.45):
        peg = kit.cylinder(f"peg{x}", 0.012, 0.07, (x, -0.05, 1.72), oak)
        peg.rotation_euler = kit.radians(90, 0, 0)
    cotton = kit.carrier_white(roughness=0.95, texture="canvas")

    def front_uv(x, y):
        return (x + PRINT[0] / 2) / PRINT[0], (y + 0.07 + PRINT[1]) / PRINT[1]

    front = bag_panel("tote-front", drape, cotton, front_uv)
    back_material = kit.matte("#dedad2", 0.95, name="tote-back")
    back = bag_panel("tote-back", lambda x, y: x * 0 - 0.004, back_material, lambda x, y: (x, y))
    straps = [
        strap(f"strap{i}", (sx, -0.014, TOP - 0.004), cotton) for i, sx in enumerate((-0.09, 0.09))
    ]
    kit.world("#e5eaf0", 0.22)
    kit.area_light("window", (-2.4, -2.0, 2.4), (0, 0, 1.3), 2.0, 700, "#fff2e2", 1.4)
    kit.area_light("fill", (2.4, -2.6, 1.6), (0, 0, 1.2), 2.4, 90, "#e9eefb", reflected=False)
    kit.camera((0.06, -1.5, 1.38), (0.0, 0, 1.36), lens=50, focus=front, fstop=4.0)
    product = [front, back, *straps]
    return kit.Shot(carrier=front, print_size=(26, 30), product=product, map_reduction=2)
