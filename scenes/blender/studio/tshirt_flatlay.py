"""A cotton t-shirt laid flat on oak boards, seen from above: soft folds from the cloth
simulation that the print follows, hemmed sleeves and bottom, set-in sleeve seams, a ribbed
collar and, through the neck, the inside of the back."""

from __future__ import annotations

import cloth
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
    "weave": {"kind": "jersey", "threads_per_cm": 8, "depth": 0.08},  # cotton jersey
    # window-lit from close by, the shot needs 0.65x the canvas's gain (a lower ISO), so less
    # sensor grain; its flattest areas are knit, which alone reads 1.45 levels of flat-area
    # noise (`scenes.measure`): 1.83 with this grain, 2.56 with the rooms' 2.2
    "grain": 1.2,
    "colours": {
        "white": "#ffffff",
        "heather": "#a7aaad",
        "black": "#2b2b2d",
        "navy": "#27324d",
        "sand": "#d9c9a8",
    },
}
# A men's M laid flat (metres, x >= 0 half, clockwise from the back neck's centre): chest 49
# cm across, 71 cm from the shoulder to the hem, sleeves 20 cm long and 15 cm wide at the hem.
HALF_OUTLINE = [
    (0.0, 0.336), (0.05, 0.342), (0.09, 0.356), (0.225, 0.326), (0.37, 0.19),
    (0.287, 0.072), (0.246, 0.106), (0.243, -0.1), (0.254, -0.362), (0.13, -0.37),
    (0.0, -0.372),
]  # fmt: skip
CORNERS = {2, 3, 4, 5, 6, 8}  # the neck's and shoulder's seams, sleeve hems, armpit, hem
FRONT_NECK = [(0.09, 0.356), (0.075, 0.318), (0.045, 0.295), (0.0, 0.287)]
ARMHOLE = [(0.225, 0.326), (0.229, 0.24), (0.236, 0.16), (0.246, 0.106)]
SLEEVE_HEM = [(0.37, 0.19), (0.287, 0.072)]
BOTTOM_HEM = [(0.254, -0.362), (0.13, -0.37), (0.0, -0.372)]
HEM = 0.022  # how far a hem's double stitching runs inside the edge
SEAM = 0.008  # either side of a sleeve seam
COLLAR = 0.018
PRINT = (0.3, 0.36)  # width, height of the chest print
PRINT_TOP = 0.235
CELL = 0.012
EDGE_STEP = 0.004
LAYERS = 0.0026  # front and back of the shirt, one on the other


def mirrored(half) -> np.ndarray:
    right = np.array(half, dtype=float)
    return np.concatenate([right[::-1] * [-1, 1], right[1:]])


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


def smooth_polyline(points, samples=80) -> np.ndarray:
    """A Catmull-Rom curve through `points`, densely sampled."""
    points = np.asarray(points, dtype=float)
    padded = np.vstack([2 * points[0] - points[1], points, 2 * points[-1] - points[-2]])
    curve = []
    for k in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[k - 1 : k + 3]
        for t in np.linspace(0, 1, samples // (len(points) - 1), endpoint=False):
            curve.append(hermite(p1, p2, (p2 - p0) / 2, (p3 - p1) / 2, t))
    curve.append(points[-1])
    return np.array(curve)


def along_and_across(points, line) -> tuple[np.ndarray, np.ndarray]:
    """Each point's distance along a polyline (to its nearest point) and from it."""
    lengths = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(line, axis=0), axis=1))])
    starts, edges = line[:-1], np.diff(line, axis=0)
    squared = np.maximum((edges**2).sum(axis=1), 1e-18)
    t = np.clip(((points[:, None] - starts[None]) * edges[None]).sum(axis=2) / squared, 0, 1)
    feet = starts[None] + t[..., None] * edges[None]
    distance = np.linalg.norm(points[:, None] - feet, axis=2)
    nearest = distance.argmin(axis=1)
    rows = np.arange(len(points))
    along = lengths[nearest] + t[rows, nearest] * np.sqrt(squared[nearest])
    return along, distance[rows, nearest]


def seam_lines():
    """Every line of stitching, both sides: (polyline, band half-width, stitch rows in v)."""
    lines = []
    for half, width, rows in ((SLEEVE_HEM, HEM, (0.62, 0.78)), (ARMHOLE, SEAM, (0.25,)),
                              (BOTTOM_HEM, HEM, (0.62, 0.78))):  # fmt: skip
        curve = smooth_polyline(half) if len(half) > 2 else np.array(half, dtype=float)
        for side in (1, -1):
            lines.append((curve * [side, 1], width, rows))
    return lines


def regions(points: np.ndarray):
    """Per vertex: the "seams" UVs (u metres along the nearest stitched line, v 0 on it and 1
    at its band's edge) and which band it lies in (-1 none). The UVs run on past the band by
    two cells, so a face with a corner in the band has them at all its corners: the stitched
    cloth then ends where its stitching does (v > 1 is plain cloth), not along a staircase
    of faces."""
    uv = np.full((len(points), 2), [0.0, 9.0])
    band = -np.ones(len(points), dtype=int)
    best = np.full(len(points), np.inf)
    for index, (line, width, _rows) in enumerate(seam_lines()):
        along, across = along_and_across(points, line)
        closer = (across < width + 2 * CELL) & (across < best)
        uv[closer] = np.column_stack([along, across / width])[closer]
        best[closer] = across[closer]
        band[closer] = np.where(across[closer] < width, index, -1)
    return uv, band


def inside_back(points: np.ndarray) -> np.ndarray:
    """Whether each point lies above the front neckline: the inside of the back, seen through
    the neck."""
    neck = front_neckline()
    height = np.interp(points[:, 0], neck[:, 0], neck[:, 1])
    return (np.abs(points[:, 0]) < FRONT_NECK[0][0]) & (points[:, 1] > height)


def front_neckline() -> np.ndarray:
    """The front's neck seam, left to right."""
    return smooth_polyline(mirrored(FRONT_NECK[::-1]))


def print_uv(x, y):
    return (x + PRINT[0] / 2) / PRINT[0], (y - (PRINT_TOP - PRINT[1])) / PRINT[1]


def rumple(x: np.ndarray, y: np.ndarray, seed: int = 21) -> np.ndarray:
    """The cloth's height as it is dropped: soft curved ridges of spare cloth, fewer on the
    chest (hands smooth it first). The simulation lets them slump into folds."""
    rng = np.random.default_rng(seed)
    height = np.zeros_like(x)
    chest = 1 - 0.7 * np.exp(-((x / 0.17) ** 2 + ((y - 0.06) / 0.21) ** 2))
    for _ in range(12):
        angle = rng.uniform(0, np.pi)
        centre = rng.uniform([-0.3, -0.36], [0.3, 0.28])
        bend = rng.uniform(-6.0, 6.0)  # the ridge follows a gentle arc, not a ruled line
        across = (x - centre[0]) * np.sin(angle) - (y - centre[1]) * np.cos(angle)
        along = (x - centre[0]) * np.cos(angle) + (y - centre[1]) * np.sin(angle)
        distance = across - bend * along**2
        length = rng.uniform(0.06, 0.16)
        width = rng.uniform(0.012, 0.03) * (1 + 0.6 * np.abs(along) / length)
        ridge = np.exp(-((distance / width) ** 2)) * np.exp(-((along / length) ** 2))
        height += rng.uniform(0.004, 0.008) * chest * ridge
    return height


def shirt(materials, floor):
    """The shirt as one sheet (front over back, LAYERS thick), laid by the cloth simulation;
    material slots: 0 the front (the print's carrier), 1 the inside of the back, 2 hems and
    seams (stitched, on the "seams" UVs)."""
    edge = outline()

    def resting(x, y):
        return 0.0036 + rumple(x, y)

    obj = shapes.filled_outline("tshirt", edge, CELL, resting, print_uv, None)
    points = np.array([v.co[:2] for v in obj.data.vertices])
    seams_uv, band = regions(points)
    shapes.add_uv_layer(obj, "seams", seams_uv)
    back = inside_back(points)
    for material in materials:
        obj.data.materials.append(material)
    corners = np.empty(len(obj.data.loops), dtype=np.int64)
    obj.data.loops.foreach_get("vertex_index", corners)
    for polygon in obj.data.polygons:
        ids = corners[polygon.loop_start : polygon.loop_start + polygon.loop_total]
        polygon.material_index = 1 if back[ids].all() else 2 if (band[ids] >= 0).any() else 0
    cloth.flat_lay(obj, floor)
    solid = obj.modifiers.new("layers", "SOLIDIFY")
    solid.thickness = LAYERS
    solid.offset = -1.0
    solid.use_rim = True
    solid.material_offset_rim = 0
    kit.subsurf(obj, 1)
    return obj


def laid_on(surface, points, lift) -> np.ndarray:
    """`points` dropped straight down onto `surface` (as evaluated), `lift` off it along its
    normal there."""
    import bpy
    import intersections
    from mathutils import Vector

    # (BVHTree.FromObject takes seconds on the subdivided shirt; from its triangles, none)
    tree = intersections.world_solid(surface, bpy.context.evaluated_depsgraph_get()).tree
    laid = []
    for point in points:
        hit, normal, _index, _distance = tree.ray_cast(Vector(point), Vector((0.0, 0.0, -1.0)))
        if hit is None:  # just past the cloth's edge: onto its nearest point
            hit, normal, _index, _distance = tree.find_nearest(Vector(point))
        normal = normal if normal.z > 0 else -normal
        laid.append(tuple(hit + normal * lift))
    return np.array(laid)


def collar(name, shirt_obj, line, toward, lift, material, width=COLLAR, solid=0.0):
    """A ribbed band lying on the shirt along `line` (its sewn edge), reaching `width` into
    the neck's opening (`toward` +1: up the shirt, -1: down), `lift` above the cloth; its
    ribs run across it."""
    tangent = np.gradient(line, axis=0)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    inward = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    inward *= toward * np.sign(inward[len(line) // 2, 1])
    rows = 4
    grid = np.stack([line + inward * width * k / (rows - 1) for k in range(rows)])
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(line, axis=0), axis=1))])
    count = rows * len(line)
    vertices = np.column_stack([grid.reshape(-1, 2), np.full(count, 0.02)])
    uvs = np.column_stack([np.tile(along, rows), np.repeat(np.linspace(0, 1, rows), len(line))])
    band = shapes.mesh_object(name, laid_on(shirt_obj, vertices, lift),
                              shapes.grid_faces(rows, len(line)), uvs, material)  # fmt: skip
    if solid:
        thick = band.modifiers.new("rib", "SOLIDIFY")
        thick.thickness = solid
        thick.offset = -1.0
    kit.subsurf(band, 1)
    return band


def build() -> kit.Shot:
    boards = kit.wood(light="#cfae86", dark="#9c7853", roughness=0.45, board=(1.2, 0.15))
    floor = kit.box("boards", (2.0, 2.0, 0.04), (0, 0, -0.02), boards, bevel=0)
    cotton = "#dbd8d2"
    materials = [
        kit.carrier_white(roughness=0.95),
        kit.matte(cotton, 0.95, name="shirt-inside"),
        kit.stitched_fabric(kit.CARRIER_ALBEDO, uv_map="seams"),
    ]
    body = shirt(materials, floor)
    rib = kit.rib_knit(kit.CARRIER_ALBEDO)
    # the back's neck seam, just inside the shirt's edge (the band must land on the cloth)
    back_neck = smooth_polyline([(-0.088, 0.351), (-0.05, 0.338), (0.0, 0.332), (0.05, 0.338),
                                 (0.088, 0.351)])  # fmt: skip
    ribs = [
        collar("collar-front", body, front_neckline(), 1, 0.0028, rib, solid=0.0012),
        collar("collar-back", body, back_neck, -1, 0.0003, rib, width=COLLAR * 0.8),
    ]
    parts = [body, *ribs]
    for part in parts:
        part.rotation_euler = kit.radians(0, 0, 3)
    kit.hdri("interior", 0.6, key_from=150)
    kit.area_light("window", (-1.6, 0.5, 0.55), (0, 0, 0), 1.2, 260, "#fff6ec", 1.6)
    kit.camera((0.0, -0.02, 1.32), (0.0, 0.0, 0.0), lens=42, focus=body, fstop=8.0)
    return kit.Shot(carrier=body, print_size=(30, 36), product=parts, map_reduction=2)
