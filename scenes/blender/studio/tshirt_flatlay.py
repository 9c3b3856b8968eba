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
    "weave": {"kind": "jersey", "threads_per_cm": 8, "depth": 0.15},  # cotton jersey
    "colours": {
        "white": "#ffffff",
        "heather": "#a7aaad",
        "black": "#2b2b2d",
        "navy": "#27324d",
        "sand": "#d9c9a8",
    },
}
HALF_OUTLINE = [  # x >= 0 half of the shirt, metres, from the neck's centre clockwise
    (0.0, 0.3), (0.045, 0.31), (0.08, 0.335), (0.19, 0.305), (0.255, 0.268),
    (0.345, 0.14), (0.372, 0.09), (0.29, 0.045), (0.232, 0.09), (0.226, 0.02),
    (0.232, -0.2), (0.245, -0.39), (0.12, -0.402), (0.0, -0.406),
]  # fmt: skip
CORNERS = {2, 6, 7, 8, 11}  # kept sharp: the neck seam, sleeve hems, armpit, hem corner
PRINT = (0.27, 0.34)  # width, height of the chest print
PRINT_TOP = 0.24
EDGE_ROLL = 0.02  # how far in from its edge the cloth rounds down to the boards
EDGE_STEP = 0.002  # the outline's points, evenly spaced: the cloth's border runs through them


def outline(step: float = EDGE_STEP) -> np.ndarray:
    """The shirt's edge, smooth between its control points except at its seams' corners,
    its points `step` apart along the curve."""
    right = np.array(HALF_OUTLINE)
    left = right[::-1] * [-1, 1]
    points = np.concatenate([right, left[1:-1]])
    count = len(right)
    sharp = {*CORNERS, *(2 * (count - 1) - c for c in CORNERS)}
    dense = []
    for index in range(len(points)):
        before, start = points[index - 1], points[index]
        end, after = points[(index + 1) % len(points)], points[(index + 2) % len(points)]
        out_tangent = np.zeros(2) if index in sharp else (end - before) / 2
        in_tangent = np.zeros(2) if (index + 1) % len(points) in sharp else (after - start) / 2
        span = (start, end, out_tangent, in_tangent)
        dense.extend(hermite(*span, evenly_along(span, step)[:, None]))
    return np.array(dense)


def evenly_along(span, step: float) -> np.ndarray:
    """Parameters along one Hermite span, its start included and its end not, whose points lie
    `step` apart along the curve (uniform t bunches them where a sharp corner's tangent is 0)."""
    fine = np.linspace(0, 1, 257)
    curve = hermite(*span, fine[:, None])
    travelled = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(curve, axis=0), axis=1))])
    steps = max(2, round(travelled[-1] / step))
    return np.interp(np.linspace(0, travelled[-1], steps, endpoint=False), travelled, fine)


def hermite(start, end, out_tangent, in_tangent, t):
    return (
        (2 * t**3 - 3 * t**2 + 1) * start
        + (t**3 - 2 * t**2 + t) * out_tangent
        + (-2 * t**3 + 3 * t**2) * end
        + (t**3 - t**2) * in_tangent
    )


def folds(x: np.ndarray, y: np.ndarray, seed: int = 21) -> np.ndarray:
    """Height of soft cloth folds: curved ridges of varying width, fewer on the chest."""
    rng = np.random.default_rng(seed)
    height = np.zeros_like(x)
    for _ in range(11):
        angle = rng.uniform(0, np.pi)
        centre = rng.uniform([-0.26, -0.4], [0.26, 0.28])
        bend = rng.uniform(-6.0, 6.0)  # the ridge follows a gentle arc, not a ruled line
        across = (x - centre[0]) * np.sin(angle) - (y - centre[1]) * np.cos(angle)
        along = (x - centre[0]) * np.cos(angle) + (y - centre[1]) * np.sin(angle)
        distance = across - bend * along**2
        length = rng.uniform(0.07, 0.18)
        width = rng.uniform(0.015, 0.035) * (1 + 0.6 * np.abs(along) / length)
        chest = 1 - 0.6 * np.exp(-((x / 0.16) ** 2 + ((y - 0.08) / 0.2) ** 2))
        height += (
            rng.uniform(0.007, 0.014)
            * chest
            * np.exp(-((distance / width) ** 2))
            * np.exp(-((along / length) ** 2))
        )
    hem = np.exp(-(((y + 0.39) / 0.025) ** 2)) * 0.003
    return height + hem + 0.0015 * np.sin(x * 19 + y * 7) * np.cos(y * 13)


def edge_falloff(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """0 on the shirt's edge rising smoothly to 1 EDGE_ROLL inside: cloth rounds over there.
    Measured to the outline's edges, not its points, so the roll does not scallop between them."""
    ramp = np.clip(shapes.distance_to(points, polygon) / EDGE_ROLL, 0, 1)
    return np.sin(ramp * np.pi / 2) ** 0.7


def shirt(material):
    edge = outline()

    def height(x, y):
        points = np.column_stack([x, y])
        return (folds(x, y) + 0.004) * (0.25 + 0.75 * edge_falloff(points, edge))

    def print_uv(x, y):
        return (x + PRINT[0] / 2) / PRINT[0], (y - (PRINT_TOP - PRINT[1])) / PRINT[1]

    obj = shapes.filled_outline("tshirt", edge, 0.005, height, print_uv, material)
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
