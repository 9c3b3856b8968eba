"""A cotton t-shirt laid flat on oak boards, soft folds the print follows, seen from above."""

from __future__ import annotations

import kit
import numpy as np
import shapes

TEMPLATE = {
    "id": "tshirt",
    "name": "T-shirt, flat lay",
    "product": "t-shirt",
    "size": [2400, 3000],
    "fit": "contain",
    "substrate": None,
    "colours": {
        "white": "#ffffff",
        "heather": "#a7aaad",
        "black": "#2b2b2d",
        "navy": "#27324d",
        "sand": "#d9c9a8",
    },
}
HALF_OUTLINE = [  # x >= 0 half of the shirt, metres, from the neck's centre clockwise
    (0.0, 0.305), (0.05, 0.315), (0.085, 0.335), (0.2, 0.31), (0.36, 0.2), (0.305, 0.075),
    (0.235, 0.13), (0.245, -0.05), (0.25, -0.4), (0.0, -0.405),
]  # fmt: skip
PRINT = (0.27, 0.34)  # width, height of the chest print
PRINT_TOP = 0.24


def outline() -> np.ndarray:
    right = np.array(HALF_OUTLINE)
    left = right[::-1] * [-1, 1]
    points = np.concatenate([right, left[1:-1]])
    dense = []
    for start, end in zip(points, np.roll(points, -1, axis=0), strict=True):
        steps = max(2, int(np.hypot(*(end - start)) / 0.004))
        dense.extend(start + (end - start) * t for t in np.linspace(0, 1, steps, endpoint=False))
    return np.array(dense)


def folds(x: np.ndarray, y: np.ndarray, seed: int = 21) -> np.ndarray:
    """Height of soft cloth folds: ridges along random lines, strongest away from the chest."""
    rng = np.random.default_rng(seed)
    height = np.zeros_like(x)
    for _ in range(9):
        angle = rng.uniform(0, np.pi)
        centre = rng.uniform([-0.25, -0.4], [0.25, 0.3])
        distance = (x - centre[0]) * np.sin(angle) - (y - centre[1]) * np.cos(angle)
        along = (x - centre[0]) * np.cos(angle) + (y - centre[1]) * np.sin(angle)
        length = rng.uniform(0.08, 0.2)
        height += (
            rng.uniform(0.008, 0.016)
            * np.exp(-((distance / rng.uniform(0.012, 0.03)) ** 2))
            * np.exp(-((along / length) ** 2))
        )
    hem = np.exp(-(((y + 0.4) / 0.03) ** 2)) * 0.004
    return height + hem + 0.002 * np.sin(x * 23 + y * 9)


def shirt(material):
    def height(x, y):
        return folds(x, y) + 0.003

    def print_uv(x, y):
        return (x + PRINT[0] / 2) / PRINT[0], (y - (PRINT_TOP - PRINT[1])) / PRINT[1]

    obj = shapes.outline_sheet("tshirt", outline(), 0.005, height, print_uv, material)
    solid = obj.modifiers.new("layers", "SOLIDIFY")
    solid.thickness = 0.004
    solid.offset = -1.0
    return obj


def collar(name, centre_y, side_y, material, radius=0.005):
    """A rib along the neckline: a tube through the neck's curve, lying on the shirt."""
    import bpy

    curve = bpy.data.curves.new(name, "CURVE")
    curve.dimensions = "3D"
    curve.bevel_depth = radius
    curve.bevel_resolution = 4
    spline = curve.splines.new("POLY")
    xs = np.linspace(-0.088, 0.088, 40)
    ys = side_y - (side_y - centre_y) * (1 - (xs / 0.088) ** 2) ** 0.8
    spline.points.add(len(xs) - 1)
    for point, x, y in zip(spline.points, xs, ys, strict=True):
        point.co = (x, y, 0.012 + folds(np.array([x]), np.array([y]))[0], 1.0)
    obj = bpy.data.objects.new(name, curve)
    bpy.context.collection.objects.link(obj)
    curve.materials.append(material)
    return obj


def build() -> kit.Shot:
    boards = kit.wood(light="#cfae86", dark="#9c7853", roughness=0.45, grain=(3.0, 40.0, 3.0))
    kit.box("boards", (2.0, 2.0, 0.04), (0, 0, -0.02), boards, bevel=0)
    cloth = shirt(kit.carrier_white(roughness=0.95, texture="cotton"))
    ribs = [collar("collar-front", 0.305, 0.335, cloth.data.materials[0])]
    inside = kit.matte("#d9d6d0", 0.95, name="shirt-inside")
    ribs.append(collar("collar-back", 0.325, 0.338, inside, radius=0.0035))
    for part in (cloth, *ribs):
        part.rotation_euler = kit.radians(0, 0, 3)
    kit.world("#e8ecf2", 0.3)
    kit.area_light("softbox", (-1.3, 0.6, 0.9), (0, 0, 0), 1.4, 380, "#fff4e8", 1.0)
    kit.area_light("fill", (0.9, -0.8, 1.2), (0, 0, 0), 1.8, 80, "#eef2ff", reflected=False)
    kit.camera((0.0, -0.02, 1.32), (0.0, 0.0, 0.0), lens=42, focus=cloth, fstop=8.0)
    product = [cloth, *ribs]
    return kit.Shot(carrier=cloth, print_size=(27, 34), product=product, map_reduction=2)
