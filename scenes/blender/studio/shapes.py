"""Meshes built from numbers: a stuffed pillow, a lathed mug, a card fold, a frame's mitred
pieces, leaves and stems. UVs, where a print has them, are the print's."""

from __future__ import annotations

import itertools
import math

import bpy
import kit
import numpy as np


def mesh_object(name, vertices, faces, uvs=None, material=None, location=(0, 0, 0)):
    """An object from vertex rows and quad faces; `uvs` per vertex (u right, v up)."""
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata([tuple(map(float, v)) for v in vertices], [], [tuple(f) for f in faces])
    mesh.update()
    if uvs is not None:
        layer = mesh.uv_layers.new(name="print")
        for loop in mesh.loops:
            layer.data[loop.index].uv = tuple(map(float, uvs[loop.vertex_index]))
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.collection.objects.link(obj)
    obj.location = location
    kit.smooth(obj)
    kit.assign(obj, material)
    return obj


def add_uv_layer(obj, name, uvs) -> None:
    """A second UV layer (per vertex), left inactive for rendering: the print's stays active."""
    layer = obj.data.uv_layers.new(name=name, do_init=False)
    corners = np.empty(len(obj.data.loops), dtype=np.int64)
    obj.data.loops.foreach_get("vertex_index", corners)
    layer.data.foreach_set("uv", np.asarray(uvs, dtype=np.float32)[corners].ravel())


def grid_faces(rows: int, columns: int, flip: bool = False) -> list[tuple[int, int, int, int]]:
    faces = []
    for r in range(rows - 1):
        for c in range(columns - 1):
            a, b = r * columns + c, r * columns + c + 1
            quad = (a, b, b + columns, a + columns)
            faces.append(quad[::-1] if flip else quad)
    return faces


def pillow(name, width, height, thickness, front_material, back_material, seed=3, n=48):
    """A stuffed cushion in the XZ plane, its printed face toward -Y; seams pull its sides in.

    Returns (front, back): the front carries the print's UVs 0..1 edge to edge.
    """
    rng = np.random.default_rng(seed)
    s, t = np.meshgrid(np.linspace(-1, 1, n), np.linspace(-1, 1, n))
    x = s * width / 2 * (1 - 0.07 * (1 - t**2))
    z = t * height / 2 * (1 - 0.07 * (1 - s**2))
    bulge = (1 - s**2) ** 0.55 * (1 - t**2) ** 0.55
    creases = np.zeros_like(s)
    for _ in range(5):  # soft wrinkles running in from the corners
        cx, cz = rng.choice([-1, 1], 2)
        angle = math.atan2(cz, cx) + rng.normal(0, 0.3)
        along = s * math.cos(angle) + t * math.sin(angle)
        corner = np.exp(-((s - cx) ** 2 + (t - cz) ** 2) / 0.6)
        creases += corner * np.sin(along * rng.uniform(9, 14) + rng.uniform(0, 6))
    surfaces = []
    for side, material in ((-1, front_material), (1, back_material)):
        y = side * thickness / 2 * (bulge + 0.08 * creases * bulge**0.3)
        vertices = np.stack([x, y, z], axis=-1).reshape(-1, 3)
        uvs = np.stack([(s + 1) / 2, (t + 1) / 2], axis=-1).reshape(-1, 2)
        faces = grid_faces(n, n, flip=side > 0)
        surfaces.append(
            mesh_object(f"{name}-{'front' if side < 0 else 'back'}", vertices, faces, uvs, material)
        )
    for obj in surfaces:
        kit.subsurf(obj, 1)
    return surfaces[0], surfaces[1]


def lathe(name, profile, segments, material, start=0.0, uv=None):
    """A surface of revolution about Z from (radius, z) rows; uv(angle, z) gives its UVs."""
    angles = start + np.linspace(0, 2 * np.pi, segments + 1)
    rows = len(profile)
    vertices, uvs = [], []
    for radius, z in profile:
        for angle in angles:
            vertices.append((radius * math.cos(angle), radius * math.sin(angle), z))
            uvs.append(uv(angle, z) if uv else (0.0, 0.0))
    faces = grid_faces(rows, segments + 1, flip=True)
    return mesh_object(name, vertices, faces, np.array(uvs), material)


MUG_RADIUS = 0.042  # m, an 11 oz mug's

# What every mug template says of its product: a 200 x 74 mm print wrapped on a white mug
MUG_PRODUCT = {
    "product": "mug",
    "size": [3000, 2000],
    "fit": "contain",
    "substrate": None,
    "colours": {"white": "#ffffff", "black": "#303032", "sage": "#b7c4ad"},
}


def mug_front(eye, height, radius=MUG_RADIUS):
    """The point of a mug's wall (its axis on the origin) nearest a camera at `eye`, at
    `height`: the print's front, where a photographer focuses (focused on the wall's origin,
    a radius behind, the print fell outside the depth of field). The mug shots stop down to
    f/11 so that the print's visible arc, running about 2 cm behind its front, stays as sharp
    as the print the render lays on it."""
    across = math.hypot(eye[0], eye[1])
    return (radius * eye[0] / across, radius * eye[1] / across, height)


def mug_shot(wall, parts) -> kit.Shot:
    """A scene's shot of a `mug`: its wall carries the print, glazed; the whole mug is tinted."""
    return kit.Shot(
        carrier=wall, print_size=(200, 74), product=[wall, *parts], glossy_carrier=True,
        map_reduction=2,
    )  # fmt: skip


def mug(location, radius=MUG_RADIUS, height=0.098, facing=-math.pi / 2, arc_degrees=200.0,
        band=(0.012, 0.086), glaze=None, inside=None, handle_degrees=70.0):  # fmt: skip
    """A straight mug: the outer wall (the print's carrier), rim, inside and a D handle.

    The print wraps `arc_degrees` of the wall centred on `facing` (the camera's side),
    between heights `band`. Returns (wall, others).
    """
    glaze = glaze or kit.ceramic()
    arc = math.radians(arc_degrees)
    low, high = band

    def wall_uv(angle, z):
        offset = (angle - facing + math.pi) % (2 * math.pi) - math.pi
        return (0.5 + offset / arc, (z - low) / (high - low))

    bottom = 0.006
    wall_profile = [(radius - 0.002, 0.0), (radius, bottom)]
    wall_profile += [(radius, bottom + (height - bottom - 0.004) * k / 24) for k in range(1, 25)]
    wall = lathe("mug-wall", wall_profile, 160, glaze, start=facing + math.pi, uv=wall_uv)
    rim_profile = [(radius, height - 0.004), (radius - 0.0008, height - 0.0008),
                   (radius - 0.0035, height), (radius - 0.0058, height - 0.0015),
                   (radius - 0.006, height - 0.008), (radius - 0.006, 0.012),
                   (radius - 0.012, 0.008), (0.0, 0.008)]  # fmt: skip
    rim = lathe("mug-rim", rim_profile, 160, inside or glaze, start=facing + math.pi)
    foot_profile = [(radius - 0.002, 0.0), (radius - 0.008, 0.0005), (0.0, 0.0008)]
    foot = lathe("mug-foot", foot_profile[::-1], 96, glaze)
    handle = mug_handle(radius, height, facing + math.radians(handle_degrees), glaze)
    parts = [rim, foot, handle]
    for obj in (wall, *parts):
        obj.location = tuple(a + b for a, b in zip(obj.location, location, strict=True))
    return wall, parts


def mug_handle(radius, height, angle, material, reach=0.032, thickness=(0.0125, 0.0085)):
    """A mug's D handle pulled from the wall: a flattened section swept from the upper to the
    lower join, each end's ring lying on the wall's surface (the handle joins the wall,
    neither floats off it nor passes into it). In the plane at `angle` round the mug."""
    top, bottom = height * 0.82, height * 0.2
    t = np.linspace(0.0, 1.0, 40)
    # a D: out from the top join, round, and back in to the bottom one
    out = reach * np.sin(np.pi * t) ** 0.7
    z = top + (bottom - top) * (t - 0.12 * np.sin(2 * np.pi * t))
    r = radius + out
    direction = np.array([math.cos(angle), math.sin(angle), 0.0])
    side = np.array([-math.sin(angle), math.cos(angle), 0.0])
    path = r[:, None] * direction + z[:, None] * np.array([0.0, 0.0, 1.0])
    tangents = np.gradient(path, axis=0)
    tangents /= np.linalg.norm(tangents, axis=1, keepdims=True)
    normals = np.cross(side, tangents)
    angles = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    width, depth = thickness
    swell = 1.0 + 0.25 * (1 - np.sin(np.pi * t)) ** 4  # the handle widens into its joins
    sideways = np.cos(angles)[None, :, None] * side * width / 2
    through = np.sin(angles)[None, :, None] * normals[:, None] * depth / 2
    rings = path[:, None] + (sideways + through) * swell[:, None, None]
    across = rings[..., :2]
    distance = np.linalg.norm(across, axis=-1, keepdims=True)
    # each end's ring onto the wall's cylinder, and nothing inside it: the joins spread on it
    reach_out = np.maximum(distance, radius)
    reach_out[[0, -1]] = radius
    rings[..., :2] = across / distance * reach_out
    count = len(angles)
    faces = []
    for k in range(len(t) - 1):
        for a in range(count):
            b = (a + 1) % count
            faces.append((k * count + a, k * count + b, (k + 1) * count + b, (k + 1) * count + a))
    handle = mesh_object("mug-handle", rings.reshape(-1, 3), faces, material=material)
    return handle


def folded_card(name, width, height, opening_degrees, thickness, front, board, fold=0.0008):
    """A folded card standing open, its spine along Z at the origin: the front cover runs
    along +X facing -Y, the back panel swings `opening_degrees` behind it, the card stock
    `thickness` thick and bent round the spine. Returns (carrier, body): the carrier is the
    front cover's printed face (UVs 0..1, u from the spine), the body the card stock behind
    it, edges and fold included."""
    turn = math.pi - math.radians(opening_degrees)
    back = np.array([math.cos(math.pi - turn), math.sin(math.pi - turn)])
    middle = [np.array([width, 0.0])] + [np.array([-fold * math.sin(a), fold * (1 - math.cos(a))])
                                         for a in np.linspace(0, turn, 8)]  # fmt: skip
    middle.append(middle[-1] + back * width)
    middle = np.array(middle) + np.array([0.0, thickness / 2])
    tangent = np.gradient(middle, axis=0)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]])  # toward -Y on the front cover
    outer, inner = middle + normal * thickness / 2, middle - normal * thickness / 2
    section = np.vstack([outer, inner[::-1]])
    vertices = [(x, y, z) for z in (0.0, height) for x, y in section]
    count = len(section)
    faces = [(i, (i + 1) % count, count + (i + 1) % count, count + i) for i in range(count)]
    faces += [tuple(range(count)), tuple(range(2 * count - 1, count - 1, -1))]
    stock = mesh_object(f"{name}-stock", vertices, faces, material=board)
    outward_normals(stock)
    stock.data.set_sharp_from_angle(angle=math.radians(35))
    carrier = mesh_object(f"{name}-front", [(0.0, -0.00003, 0.0), (width, -0.00003, 0.0),
                                            (width, -0.00003, height), (0.0, -0.00003, height)],
                          [(0, 1, 2, 3)], np.array([(0, 0), (1, 0), (1, 1), (0, 1)], float),
                          front)  # fmt: skip
    return carrier, stock


def inside(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    x, y = points[:, 0], points[:, 1]
    result = np.zeros(len(points), dtype=bool)
    for (x1, y1), (x2, y2) in zip(polygon, np.roll(polygon, -1, axis=0), strict=True):
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        result ^= crosses & (x < at)
    return result


def nearest_on(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Each point's nearest point on the closed outline's edges (not its nearest vertex: a
    grid snapped to vertices a few mm apart beats against them into a scalloped edge)."""
    starts = polygon
    edges = np.roll(polygon, -1, axis=0) - starts
    lengths = np.maximum((edges**2).sum(axis=1), 1e-18)
    along = ((points[:, None, :] - starts[None]) * edges[None]).sum(axis=2) / lengths
    feet = starts[None] + np.clip(along, 0.0, 1.0)[..., None] * edges[None]
    nearest = np.linalg.norm(points[:, None, :] - feet, axis=2).argmin(axis=1)
    return feet[np.arange(len(points)), nearest]


def outline_sheet(name, polygon, cell, height, print_uv, material):
    """A sheet filling a closed outline (XY, metres): a grid whose border vertices are pulled
    onto the outline, raised by `height(x, y)`, with UVs `print_uv(x, y)`."""
    low, high = polygon.min(axis=0) - cell, polygon.max(axis=0) + cell
    gx, gy = np.meshgrid(np.arange(low[0], high[0], cell), np.arange(low[1], high[1], cell))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    within = inside(grid, polygon).reshape(gx.shape)
    rows, columns = gx.shape
    keep = within[:-1, :-1] | within[1:, :-1] | within[:-1, 1:] | within[1:, 1:]
    used = np.zeros_like(within)
    used[:-1, :-1] |= keep
    used[1:, :-1] |= keep
    used[:-1, 1:] |= keep
    used[1:, 1:] |= keep
    points = grid.copy()
    outside = used.ravel() & ~within.ravel()
    points[outside] = nearest_on(points[outside], polygon)
    index = -np.ones(rows * columns, dtype=int)
    index[used.ravel()] = np.arange(used.sum())
    faces = []
    for r, c in zip(*np.nonzero(keep), strict=True):
        a = r * columns + c
        faces.append((index[a], index[a + 1], index[a + 1 + columns], index[a + columns]))
    kept = points[used.ravel()]
    vertices = np.column_stack([kept, height(kept[:, 0], kept[:, 1])])
    uvs = np.column_stack(print_uv(kept[:, 0], kept[:, 1]))
    return mesh_object(name, vertices, faces, uvs, material)


def filled_outline(name, polygon, cell, height, print_uv, material, clearance=0.6, holes=()):
    """A sheet filling a closed outline (XY, metres) whose border is the outline itself: a
    grid `cell` apart fills the inside, kept `clearance` cells clear of the border, and the two
    are joined by a constrained Delaunay triangulation. Unlike `outline_sheet` no grid vertex
    is pulled onto the border, so the edge has no folded, sliver or stair-stepped faces.
    Raised by `height(x, y)`, with UVs `print_uv(x, y)`."""
    from mathutils import Vector
    from mathutils.geometry import delaunay_2d_cdt

    low, high = polygon.min(axis=0), polygon.max(axis=0)
    gx, gy = np.meshgrid(np.arange(low[0], high[0], cell), np.arange(low[1], high[1], cell))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    grid = grid[inside(grid, polygon)]
    grid = grid[distance_to(grid, polygon) > clearance * cell]
    for hole in holes:
        grid = grid[~inside(grid, hole) & (distance_to(grid, hole) > clearance * cell)]
    border = polygon if signed_area(polygon) > 0 else polygon[::-1]
    rings = [border, *holes]
    starts = np.cumsum([0] + [len(ring) for ring in rings])
    coordinates = [Vector(tuple(map(float, p))) for p in np.concatenate([*rings, grid])]
    inside_only = 1
    points, _, faces, *_ = delaunay_2d_cdt(
        coordinates, [], [list(range(a, b)) for a, b in itertools.pairwise(starts)],
        inside_only, 1e-7,
    )  # fmt: skip
    kept = np.array([tuple(p) for p in points])
    for hole in holes:  # the triangles that fill a hole go
        centres = np.array([kept[list(face)].mean(axis=0) for face in faces])
        faces = [face for face, out in zip(faces, inside(centres, hole), strict=True) if not out]
    vertices = np.column_stack([kept, height(kept[:, 0], kept[:, 1])])
    uvs = np.column_stack(print_uv(kept[:, 0], kept[:, 1]))
    return mesh_object(name, vertices, faces, uvs, material)


def distance_to(points: np.ndarray, polygon: np.ndarray, chunk: int = 400) -> np.ndarray:
    """Each point's distance to the closed outline's edges, in chunks to bound memory."""
    distances = np.empty(len(points))
    for begin in range(0, len(points), chunk):
        part = points[begin : begin + chunk]
        distances[begin : begin + chunk] = np.linalg.norm(part - nearest_on(part, polygon), axis=1)
    return distances


def signed_area(polygon: np.ndarray) -> float:
    """Positive when the closed outline runs counter-clockwise."""
    x, y = polygon[:, 0], polygon[:, 1]
    return float((x * np.roll(y, -1) - np.roll(x, -1) * y).sum() / 2)


def rounded_rectangle(width, height, radius, step=0.001):
    """A closed outline of a rounded rectangle centred on the origin, points `step` apart."""
    points = []
    corners = ((1, 1), (-1, 1), (-1, -1), (1, -1))
    for index, (sx, sy) in enumerate(corners):
        centre = (sx * (width / 2 - radius), sy * (height / 2 - radius))
        start = index * math.pi / 2
        for angle in np.linspace(start, start + math.pi / 2, 12):
            points.append(
                (centre[0] + radius * math.cos(angle), centre[1] + radius * math.sin(angle))
            )
    dense = []
    points = np.array(points)
    for begin, end in zip(points, np.roll(points, -1, axis=0), strict=True):
        steps = max(1, int(np.hypot(*(end - begin)) / step))
        dense.extend(begin + (end - begin) * t for t in np.linspace(0, 1, steps, endpoint=False))
    return np.array(dense)


def prism(name, section, length, material):
    """A straight extrusion along X (from -length/2 to length/2) of a closed `section` of
    (y, z) points, its ends capped; edges sharper than 40 degrees stay sharp."""
    section = np.asarray(section, dtype=float)
    count = len(section)
    vertices = [(x, y, z) for x in (-length / 2, length / 2) for y, z in section]
    faces = [(i, (i + 1) % count, count + (i + 1) % count, count + i) for i in range(count)]
    faces += [tuple(range(count)), tuple(range(2 * count - 1, count - 1, -1))]
    obj = mesh_object(name, vertices, faces, material=material)
    outward_normals(obj)
    obj.data.set_sharp_from_angle(angle=math.radians(40))
    modifier = obj.modifiers.new("bevel", "BEVEL")
    modifier.width, modifier.segments, modifier.limit_method = 0.0006, 2, "ANGLE"
    return obj


def extruded(name, outline, bottom, top, material=None):
    """A closed outline (x, y) extruded straight up from z = `bottom` to `top`, capped."""
    outline = np.asarray(outline, dtype=float)
    if signed_area(outline) < 0:
        outline = outline[::-1]
    count = len(outline)
    vertices = [(x, y, z) for z in (bottom, top) for x, y in outline]
    faces = [(i, (i + 1) % count, count + (i + 1) % count, count + i) for i in range(count)]
    faces += [tuple(range(count - 1, -1, -1)), tuple(range(count, 2 * count))]
    obj = mesh_object(name, vertices, faces, material=material)
    obj.data.set_sharp_from_angle(angle=math.radians(40))
    return obj


def mitred_piece(name, length, profile, material, gap=0.0, sharp_degrees=40.0):
    """One side of a frame, both ends cut at 45 degrees: `profile` is a closed outline of
    (d, y) points, d inward from the outer edge, y the depth; the outer edge runs `length`
    along local X at z = 0 and the piece reaches in toward -Z. `gap` shortens each end so
    two pieces meet at a hairline."""
    profile = np.asarray(profile, dtype=float)
    count = len(profile)
    vertices = []
    for side in (-1, 1):
        for d, y in profile:
            vertices.append((side * (length / 2 - d - gap), y, -d))
    faces = [(i, (i + 1) % count, count + (i + 1) % count, count + i) for i in range(count)]
    faces += [tuple(range(count)), tuple(range(2 * count - 1, count - 1, -1))]
    obj = mesh_object(name, vertices, faces, material=material)
    outward_normals(obj)
    obj.data.set_sharp_from_angle(angle=math.radians(sharp_degrees))
    return obj


def outward_normals(obj) -> None:
    import bmesh

    mesh = bmesh.new()
    mesh.from_mesh(obj.data)
    bmesh.ops.recalc_face_normals(mesh, faces=mesh.faces)
    mesh.to_mesh(obj.data)
    mesh.free()


def moulding_profile(width, depth, radius, slope, lip, rabbet, chamfer=0.001, arc_steps=6):
    """A picture-frame moulding's section as (d, y) from the back outer corner, d inward and
    y toward the front (negative): its outer front edge rounded by `radius`, its face sloping
    `slope` down to the sight edge, which is chamfered, and behind a `lip` that thick a
    rabbet reaching `rabbet` outward under the face, for the glass, mat, print and backing."""
    points = [(0.0, 0.0), (0.0, -depth + radius)]
    for step in range(1, arc_steps):
        angle = math.pi / 2 * step / arc_steps
        points.append((radius * (1 - math.cos(angle)), -depth + radius * (1 - math.sin(angle))))
    face = width - chamfer
    points.append((radius, -depth))
    points.append((face, -depth + slope * (face - radius) / (width - radius)))
    points.append((width, -depth + slope + chamfer))
    points.append((width, -depth + lip))
    points.append((width - rabbet, -depth + lip))
    points.append((width - rabbet, 0.0))
    return points


def mat_board(name, size, window, thickness, surface, core):
    """A mat cut from one board: `size` outside, a `window` (at its back face) with the
    45-degree bevel a mat cutter leaves, its white core showing. In the XZ plane, its front
    face at y = 0 toward -Y, its back at y = thickness."""
    w, h = size[0] / 2, size[1] / 2
    ww, wh = window[0] / 2, window[1] / 2
    bevel = thickness  # 45 degrees: the window is wider at the front by the board's thickness

    def ring(half_w, half_h, y):
        return [(-half_w, y, -half_h), (half_w, y, -half_h), (half_w, y, half_h),
                (-half_w, y, half_h)]  # fmt: skip

    vertices = (ring(w, h, 0.0) + ring(ww + bevel, wh + bevel, 0.0) + ring(ww, wh, thickness)
                + ring(w, h, thickness))  # fmt: skip
    faces, slots = [], []
    for a in range(4):
        b = (a + 1) % 4
        faces += [(a, b, 4 + b, 4 + a), (4 + a, 4 + b, 8 + b, 8 + a),
                  (8 + a, 8 + b, 12 + b, 12 + a), (12 + a, 12 + b, b, a)]  # fmt: skip
        slots += [0, 1, 0, 0]
    obj = mesh_object(name, vertices, faces, material=surface)
    obj.data.materials.append(core)
    for polygon, slot in zip(obj.data.polygons, slots, strict=True):
        polygon.material_index = slot
        polygon.use_smooth = False
    outward_normals(obj)
    return obj


def leaf_outline(t: np.ndarray) -> np.ndarray:
    """A leaf's half-width along its midrib (0 at the stalk, 1 at the tip), widest at 0.4:
    a rounded base narrowing to a point."""
    shape = t**0.5 * (1 - t) ** 0.8
    return shape / (0.4**0.5 * 0.6**0.8)


def leaf_surface(length, width, fold, droop, ripple, phase, steps=(20, 9)):
    """A leaf in its own frame, x along the midrib, y across, z up: the halves folded up from
    the midrib by `fold`, the midrib arching down by `droop`, the edges rippled. Returns
    (points as rows x columns x 3, uvs (t, across 0..1) as rows x columns x 2)."""
    rows, columns = steps
    t, s = np.meshgrid(np.linspace(0, 1, rows), np.linspace(-1, 1, columns), indexing="ij")
    half = np.maximum(width / 2 * leaf_outline(t), 0.0004)
    x = length * t
    y = s * half
    edge = np.abs(s) ** 2
    z = fold * np.abs(s) * half - droop * length * t**2
    z += ripple * width * edge * np.sin(7 * np.pi * t + phase) * np.sin(np.pi * t)
    return np.stack([x, y, z], axis=-1), np.stack([t, (s + 1) / 2], axis=-1)


def tube(points: np.ndarray, radii: np.ndarray, sides: int = 6):
    """A round tube along a polyline: (vertices, faces), rings of `sides` round each point."""
    tangents = np.gradient(points, axis=0)
    tangents /= np.linalg.norm(tangents, axis=1, keepdims=True)
    reference = np.where(np.abs(tangents[:, 2:3]) > 0.9, [1.0, 0.0, 0.0], [0.0, 0.0, 1.0])
    normals = np.cross(tangents, reference)
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    binormals = np.cross(tangents, normals)
    angles = np.linspace(0, 2 * np.pi, sides, endpoint=False)
    cosines, sines = np.cos(angles)[None, :, None], np.sin(angles)[None, :, None]
    ring = cosines * normals[:, None] + sines * binormals[:, None]
    vertices = (points[:, None] + radii[:, None, None] * ring).reshape(-1, 3)
    faces = []
    for k in range(len(points) - 1):
        for a in range(sides):
            b = (a + 1) % sides
            faces.append((k * sides + a, k * sides + b, (k + 1) * sides + b, (k + 1) * sides + a))
    return vertices, faces


def ribbon(points: np.ndarray, across: np.ndarray, width: float, thickness: float):
    """A flat strip (a strap, a tape) swept along a polyline: `across` gives, per point, the
    direction its width lies in (made square to the path). Returns (vertices, faces, uvs):
    u runs along the strip in metres, v across it 0..1 on both faces."""
    tangents = np.gradient(points, axis=0)
    tangents /= np.linalg.norm(tangents, axis=1, keepdims=True)
    side = across - (across * tangents).sum(axis=1, keepdims=True) * tangents
    side /= np.linalg.norm(side, axis=1, keepdims=True)
    normal = np.cross(tangents, side)
    half_w, half_t = side * width / 2, normal * thickness / 2
    corners = [-half_w + half_t, half_w + half_t, half_w - half_t, -half_w - half_t]
    section = np.stack([points + c for c in corners], axis=1)  # n x 4 x 3
    count = len(points)
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    vertices = section.reshape(-1, 3)
    uvs = np.column_stack([np.repeat(along, 4), np.tile([0.0, 1.0, 1.0, 0.0], count)])
    faces = []
    for k in range(count - 1):
        for a in range(4):
            b = (a + 1) % 4
            faces.append((k * 4 + a, (k + 1) * 4 + a, (k + 1) * 4 + b, k * 4 + b))
    faces.append((3, 2, 1, 0))
    last = (count - 1) * 4
    faces.append((last, last + 1, last + 2, last + 3))
    return vertices, faces, uvs
