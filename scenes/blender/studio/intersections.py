"""The scene build's check that no two objects pass into one another.

Every pair of objects whose bounds meet is tested triangle against triangle (BVH overlap of
their evaluated meshes, in world space). Objects that rest on or touch one another meet too,
so each crossing pair of triangles is measured: how far each pokes through the other's
plane, the lesser of the two being how deep the pair sinks in. A book resting on a shelf
crosses it by 0; one sunk 4 mm into it, by 4 mm. Pairs deeper than the allowance fail the
build, named.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import bpy
import numpy as np
from mathutils.bvhtree import BVHTree

ALLOWANCE = 0.0006  # metres: what touching objects may share (a tape's edge, a seam's piping)


@dataclass(frozen=True)
class Intersection:
    first: str
    second: str
    depth: float  # metres

    def __str__(self) -> str:
        return f"{self.first} and {self.second} intersect by {self.depth * 1000:.1f} mm"


class IntersectionError(RuntimeError):
    """Some of the scene's objects pass into one another."""


@dataclass
class Solid:
    name: str
    triangles: np.ndarray  # (n, 3, 3) world-space corners
    points: np.ndarray  # (m, 3) world-space vertices
    tree: BVHTree
    closed: bool  # watertight, its faces turned outward: a point can be inside it
    low: np.ndarray
    high: np.ndarray


def check(scene=None, allowance: float = ALLOWANCE) -> None:
    """Fail with every intersecting pair's names when objects in `scene` intersect."""
    found = intersections(scene, allowance)
    if found:
        raise IntersectionError("; ".join(str(item) for item in found))


def intersections(scene=None, allowance: float = ALLOWANCE) -> list[Intersection]:
    scene = scene or bpy.context.scene
    depsgraph = bpy.context.evaluated_depsgraph_get()
    solids = [
        solid
        for obj in scene.objects
        if obj.type in ("MESH", "CURVE") and not obj.hide_render
        for solid in [world_solid(obj, depsgraph)]
        if solid is not None
    ]
    found = []
    for first, second in combinations(solids, 2):
        if not bounds_meet(first, second, allowance):
            continue
        depth = deepest_crossing(first, second, allowance)
        if depth > allowance:
            found.append(Intersection(first.name, second.name, depth))
    return found


def world_solid(obj, depsgraph) -> Solid | None:
    """`obj` as evaluated (modifiers applied) in world space, triangulated; a closed one with
    its faces turned outward."""
    import bmesh

    evaluated = obj.evaluated_get(depsgraph)
    mesh = bmesh.new()
    try:
        mesh.from_mesh(evaluated.to_mesh())
    finally:
        evaluated.to_mesh_clear()
    bmesh.ops.triangulate(mesh, faces=mesh.faces)  # before moving it: it reads face normals
    mesh.transform(obj.matrix_world)
    closed = bool(mesh.edges) and all(edge.is_manifold for edge in mesh.edges)
    if closed:
        bmesh.ops.recalc_face_normals(mesh, faces=mesh.faces)
    points = np.array([vertex.co[:] for vertex in mesh.verts], dtype=np.float64)
    mesh.verts.index_update()
    corners = np.array([[vertex.index for vertex in face.verts] for face in mesh.faces],
                       dtype=np.int64).reshape(-1, 3)  # fmt: skip
    mesh.free()
    if not len(corners):
        return None
    tree = BVHTree.FromPolygons(points.tolist(), corners.tolist(), all_triangles=True)
    return Solid(obj.name, points[corners], points, tree, closed, points.min(axis=0),
                 points.max(axis=0))  # fmt: skip


def bounds_meet(first: Solid, second: Solid, margin: float) -> bool:
    apart = (first.low > second.high + margin) | (second.low > first.high + margin)
    return not bool(apart.any())


def deepest_crossing(first: Solid, second: Solid, allowance: float = ALLOWANCE) -> float:
    """How deep the two pass into one another where their surfaces cross: through each
    other's triangles (a quick measure from the corners over each partner, then, where it
    finds more than the allowance or nothing to go by, the exact one on the triangles
    clipped to each other), and a closed one's vertices sunk inside the other."""
    pairs = np.array(first.tree.overlap(second.tree), dtype=np.int64).reshape(-1, 2)
    if not len(pairs):
        return 0.0
    a, b = first.triangles[pairs[:, 0]], second.triangles[pairs[:, 1]]
    depth = np.minimum(corner_reach(a, b), corner_reach(b, a))
    deepest = max(sunk_inside(first, second), sunk_inside(second, first))
    for index in np.nonzero(depth > max(allowance, deepest))[0]:
        exact = min(clipped_reach(a[index], b[index]), clipped_reach(b[index], a[index]))
        deepest = max(deepest, exact)
    return deepest


def sunk_inside(solid: Solid, container: Solid) -> float:
    """How deep `solid`'s vertices lie inside `container`, when that is closed."""
    if not container.closed:
        return 0.0
    near = np.all((solid.points >= container.low) & (solid.points <= container.high), axis=1)
    deepest = 0.0
    for point in solid.points[near]:
        location, normal, _index, distance = container.tree.find_nearest(point)
        if location is None or distance <= deepest:
            continue
        # behind the nearest face, not merely level with it beside its edge
        if np.dot(point - np.array(location), np.array(normal)) < -0.5 * distance:
            deepest = distance
    return deepest


def corner_reach(triangles: np.ndarray, others: np.ndarray) -> np.ndarray:
    """How far each triangle reaches through its partner's plane on the side it reaches less
    (0 when it only touches it), from its corners that lie over the partner; infinite when
    none does (the exact measure decides)."""
    normals = unit_normals(others)
    distances = np.einsum("nkj,nj->nk", triangles - others[:, :1], normals)
    over = over_triangle(triangles - distances[..., None] * normals[:, None], others)
    above = np.where(over, np.maximum(distances, 0.0), 0.0).max(axis=1)
    below = np.where(over, np.maximum(-distances, 0.0), 0.0).max(axis=1)
    return np.where(over.any(axis=1), np.minimum(above, below), np.inf)


def unit_normals(triangles: np.ndarray) -> np.ndarray:
    normals = np.cross(triangles[:, 1] - triangles[:, 0], triangles[:, 2] - triangles[:, 0])
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-18)


def over_triangle(points: np.ndarray, triangles: np.ndarray, slack: float = 1e-3) -> np.ndarray:
    """Whether each of the (n, k) `points` (in its triangle's plane) lies within it."""
    origin = triangles[:, None, 0]
    edge1, edge2 = triangles[:, None, 1] - origin, triangles[:, None, 2] - origin
    offset = points - origin
    d11, d12, d22 = (edge1 * edge1).sum(-1), (edge1 * edge2).sum(-1), (edge2 * edge2).sum(-1)
    d1, d2 = (offset * edge1).sum(-1), (offset * edge2).sum(-1)
    determinant = np.maximum(d11 * d22 - d12 * d12, 1e-30)
    v = (d22 * d1 - d12 * d2) / determinant
    w = (d11 * d2 - d12 * d1) / determinant
    return (v >= -slack) & (w >= -slack) & (v + w <= 1 + slack)


def clipped_reach(triangle: np.ndarray, other: np.ndarray) -> float:
    """How far the part of `triangle` over `other` reaches through `other`'s plane, on the
    side it reaches less: the triangle is clipped to the prism `other` stands on."""
    normal = unit_normals(other[None])[0]
    if not normal.any():
        return 0.0
    centre = other.mean(axis=0)
    polygon = list(triangle)
    for start, end in zip(other, np.roll(other, -1, axis=0), strict=True):
        inward = np.cross(normal, end - start)
        if np.dot(inward, centre - start) < 0:
            inward = -inward
        polygon = clip(polygon, start, inward)
        if not polygon:
            return 0.0
    distances = (np.array(polygon) - other[0]) @ normal
    return float(max(0.0, min(distances.max(), -distances.min())))


def clip(polygon: list, point: np.ndarray, inward: np.ndarray) -> list:
    """The part of a convex polygon on the `inward` side of a plane (Sutherland-Hodgman)."""
    kept = []
    sides = [float(np.dot(vertex - point, inward)) for vertex in polygon]
    for index, vertex in enumerate(polygon):
        after = index - len(polygon) + 1  # the next vertex, wrapping round
        following, side, next_side = polygon[after], sides[index], sides[after]
        if side >= 0:
            kept.append(vertex)
        if (side >= 0) != (next_side >= 0):
            kept.append(vertex + (following - vertex) * side / (side - next_side))
    return kept
