"""Textiles shaped by Blender's cloth simulation: a stuffed pillow, a hanging tote, a t-shirt
laid flat. Each starts from a mesh whose printed panel has the print's UVs, is simulated for
a fixed number of frames from a seeded start (the same shape every build), and is frozen
into plain geometry; seams, hems, piping and collar are modelled onto the result."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import bpy
import kit
import numpy as np
import shapes


@dataclass
class Fabric:
    """Cloth settings (Blender's units: kg, N/m), woven cotton by default."""

    mass: float = 0.15
    tension: float = 30.0
    shear: float = 8.0
    bending: float = 0.3
    quality: int = 6
    air: float = 1.0
    friction: float = 8.0


def simulate(obj, frames: int, fabric: Fabric, configure=None, colliders=()):
    """Run `obj`'s cloth for `frames` frames and keep the last frame's shape as its mesh.

    `configure(settings, collision_settings)` sets what this piece of cloth needs (pressure,
    pins, gravity); `colliders` are objects the cloth rests against. A simulation already run
    with the same mesh, settings and colliders is read back from the cache (CLOTH_CACHE)."""
    scene = bpy.context.scene
    for collider in colliders:
        collider.modifiers.new("collision", "COLLISION")
        collider.collision.thickness_outer = 0.002
        collider.collision.cloth_friction = fabric.friction
    modifier = obj.modifiers.new("cloth", "CLOTH")
    settings = modifier.settings
    settings.quality = fabric.quality
    settings.mass = fabric.mass
    settings.air_damping = fabric.air
    settings.tension_stiffness = settings.compression_stiffness = fabric.tension
    settings.shear_stiffness = fabric.shear
    settings.bending_stiffness = fabric.bending
    collision = modifier.collision_settings
    collision.distance_min = 0.002
    collision.use_collision = bool(colliders)
    if configure:
        configure(settings, collision)
    key = cache_key(obj, modifier, frames, colliders)
    points = read_cache(key)
    if points is None:
        modifier.point_cache.frame_start = 1
        modifier.point_cache.frame_end = frames
        for frame in range(1, frames + 1):
            scene.frame_set(frame)
        evaluated = obj.evaluated_get(bpy.context.evaluated_depsgraph_get())
        points = np.empty(len(obj.data.vertices) * 3, dtype=np.float32)
        evaluated.data.vertices.foreach_get("co", points)
        write_cache(key, points)
        scene.frame_set(1)
    obj.modifiers.remove(modifier)
    obj.data.vertices.foreach_set("co", points)
    obj.data.update()
    for collider in colliders:
        collider.modifiers.remove(collider.modifiers["collision"])
    return obj


CLOTH_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "mockup-lab-cloth"


def cache_key(obj, modifier, frames, colliders) -> str:
    """A digest of everything a simulation's result depends on: Blender's version, the mesh
    and its vertex groups, every cloth and collision setting, the colliders' shapes."""
    digest = hashlib.sha256(repr((bpy.app.version, frames)).encode())
    for collider in colliders:
        digest.update(repr((collider.collision.thickness_outer,
                            collider.collision.cloth_friction)).encode())  # fmt: skip
    for data in [obj, *colliders]:
        points = np.empty(len(data.data.vertices) * 3, dtype=np.float32)
        data.data.vertices.foreach_get("co", points)
        digest.update(points.tobytes())
        digest.update(np.array(data.matrix_world, dtype=np.float64).tobytes())
    corners = np.empty(len(obj.data.loops), dtype=np.int64)
    obj.data.loops.foreach_get("vertex_index", corners)
    digest.update(corners.tobytes())
    for vertex in obj.data.vertices:
        digest.update(repr([(g.group, round(g.weight, 6)) for g in vertex.groups]).encode())
    for settings in (modifier.settings, modifier.collision_settings,
                     modifier.settings.effector_weights):  # fmt: skip
        for prop in settings.bl_rna.properties:
            if prop.type in ("BOOLEAN", "INT", "FLOAT", "ENUM", "STRING"):
                digest.update(f"{prop.identifier}={getattr(settings, prop.identifier)!r}".encode())
    return digest.hexdigest()


def read_cache(key: str):
    path = CLOTH_CACHE / f"{key}.npy"
    return np.load(path) if path.exists() else None


def write_cache(key: str, points) -> None:
    CLOTH_CACHE.mkdir(parents=True, exist_ok=True)
    temporary = CLOTH_CACHE / f".{key}.{os.getpid()}.npy"
    np.save(temporary, points)
    temporary.replace(CLOTH_CACHE / f"{key}.npy")


def separate(obj, names) -> list:
    """Split `obj` into one object per material slot, named `names` in slot order."""
    import bmesh

    parts = []
    for slot, name in enumerate(names):
        mesh = bmesh.new()
        mesh.from_mesh(obj.data)
        bmesh.ops.delete(mesh, geom=[f for f in mesh.faces if f.material_index != slot],
                         context="FACES")  # fmt: skip
        data = bpy.data.meshes.new(name)
        mesh.to_mesh(data)
        mesh.free()
        data.materials.clear()
        data.materials.append(obj.data.materials[slot])
        for polygon in data.polygons:
            polygon.material_index = 0
        part = bpy.data.objects.new(name, data)
        bpy.context.collection.objects.link(part)
        part.matrix_world = obj.matrix_world
        parts.append(part)
    bpy.data.objects.remove(obj)
    return parts


# --- a stuffed pillow -------------------------------------------------------------------


def pillow_mesh(name, width, height, cells, seed):
    """A knife-edge cushion cover, flat and closed: front (toward -Y, the print's UVs 0..1,
    slot 0) and back (slot 1) sewn along one shared border, barely apart so pressure knows
    which way is out; a little seeded unevenness lets the stuffing settle its own way."""
    rng = np.random.default_rng(seed)
    s, t = np.meshgrid(np.linspace(-1, 1, cells), np.linspace(-1, 1, cells))
    border = (np.abs(s) == 1) | (np.abs(t) == 1)
    lumps = sum(np.sin(rng.uniform(1, 3) * s + rng.uniform(0, 6)) * np.sin(rng.uniform(1, 3) * t
                + rng.uniform(0, 6)) for _ in range(3))  # fmt: skip
    lift = 0.004 * (1 - s**2) * (1 - t**2) * (1 + 0.15 * lumps)
    # cut with its sides bowed out, as pillow makers taper the corners: stuffed, they pull
    # straighter, with only a little of the dog-eared look
    x = s * width / 2 * (1 + 0.03 * (1 - t**2))
    z = t * height / 2 * (1 + 0.03 * (1 - s**2))
    front = np.stack([x, -lift, z], axis=-1).reshape(-1, 3)
    back_only = ~border.ravel()
    back = np.stack([x, lift, z], axis=-1).reshape(-1, 3)[back_only]
    count = cells * cells
    back_index = np.arange(count)
    back_index[back_only] = count + np.arange(back_only.sum())
    vertices = np.vstack([front, back])
    quads = np.array(shapes.grid_faces(cells, cells))
    faces = [tuple(q) for q in quads] + [tuple(back_index[q]) for q in quads[:, ::-1]]
    uvs = np.vstack([
        np.stack([(s + 1) / 2, (t + 1) / 2], axis=-1).reshape(-1, 2),
        np.stack([(1 - s) / 2, (t + 1) / 2], axis=-1).reshape(-1, 2)[back_only],
    ])  # fmt: skip
    obj = shapes.mesh_object(name, vertices, faces, uvs)
    for polygon in obj.data.polygons[len(quads) :]:
        polygon.material_index = 1
    return obj


def pillow(name, width, height, front_material, back_material, piping_material=None,
           puff=1.0, seed=3, cells=36, frames=36):  # fmt: skip
    """A stuffed pillow in the XZ plane facing -Y, centred on the origin: its cover puffed
    by the stuffing's pressure (the sides pull in, the corners come to points), piping
    round the seam. Returns (front, back, piping); the front carries the print's UVs."""
    cover = pillow_mesh(name, width, height, cells, seed)
    cover.data.materials.append(front_material)
    cover.data.materials.append(back_material)

    def stuffed(settings, _collision):
        settings.use_pressure = True
        settings.uniform_pressure_force = 3.0 * puff
        settings.effector_weights.gravity = 0.0

    simulate(cover, frames, Fabric(tension=80.0, bending=0.6), stuffed)
    front, back = separate(cover, (f"{name}-front", f"{name}-back"))
    for part in (front, back):
        kit.smooth(part)
        kit.subsurf(part, 1)
    seam = border_loop(front, cells)
    piping = piping_tube(f"{name}-piping", seam, 0.0032, piping_material or back_material)
    return front, back, piping


def border_loop(obj, cells) -> np.ndarray:
    """The grid's border vertices in order round it (the seam)."""
    points = np.array([v.co[:] for v in obj.data.vertices])[: cells * cells]
    points = points.reshape(cells, cells, 3)
    ring = [points[0, :], points[1:, -1], points[-1, -2::-1], points[-2:0:-1, 0]]
    return np.vstack(ring)


def piping_tube(name, seam, radius, material, sides=10):
    """A corded welt along a closed seam, standing just outside it (in the cover's plane, away
    from its middle) so the cloth meets the cord without passing into it."""
    centre = seam.mean(axis=0)
    tangent = np.roll(seam, -1, axis=0) - np.roll(seam, 1, axis=0)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    outward = seam - centre
    outward -= (outward * tangent).sum(axis=1, keepdims=True) * tangent
    outward /= np.linalg.norm(outward, axis=1, keepdims=True)
    path = seam + outward * (radius + 0.001)
    path = np.vstack([path, path[:1]])
    vertices, faces = shapes.tube(path, np.full(len(path), radius), sides=sides)
    tube = shapes.mesh_object(name, vertices, faces, material=material)
    kit.subsurf(tube, 1)
    return tube


# --- a tote bag -------------------------------------------------------------------------


def tote_mesh(name, size, cells, top_centre, print_uv, hem, seed):
    """An open tote, front (toward -Y, slot 0, UVs `print_uv(x, z)` from the mouth's centre)
    and back (slot 1) sewn along the sides and bottom, a little fuller than flat so it hangs
    with some body; the top `hem` of each is its turned-down hem (slots 2 and 3, with a
    "seams" UV layer: u metres along the mouth, v 0 to 1 down the hem). Returns the object,
    the (rows, columns) of each panel's grid, and the back's vertex indices by grid cell.
    """
    width, height = size
    rng = np.random.default_rng(seed)
    columns, rows = round(width / cells) + 1, round(height / cells) + 1
    s, t = np.meshgrid(np.linspace(-1, 1, columns), np.linspace(-1, 0, rows))
    x, z = s * width / 2, t * height
    seam = (np.abs(s) == 1) | (t == -1)
    fullness = np.sqrt(np.clip(1 - s**2, 0, 1) * np.clip(1 + t, 0, 1))
    fullness = fullness * (1 + 0.2 * rng.standard_normal(s.shape) * (t < -0.1))
    cx, cy, cz = top_centre
    front = np.stack([cx + x, cy - 0.006 * fullness, cz + z], axis=-1).reshape(-1, 3)
    back_only = ~seam.ravel()
    back = np.stack([cx + x, cy + 0.006 * fullness, cz + z], axis=-1).reshape(-1, 3)[back_only]
    count = rows * columns
    back_grid = np.arange(count)
    back_grid[back_only] = count + np.arange(back_only.sum())
    quads = np.array(shapes.grid_faces(rows, columns))
    faces = [tuple(q) for q in quads] + [tuple(back_grid[q]) for q in quads[:, ::-1]]
    u, v = print_uv(x.ravel(), z.ravel())
    uv = np.column_stack([u, v])
    obj = shapes.mesh_object(name, np.vstack([front, back]), faces, np.vstack([uv, uv[back_only]]))
    seams = np.column_stack([x.ravel(), -z.ravel() / hem])  # along the mouth; down the hem
    shapes.add_uv_layer(obj, "seams", np.vstack([seams, seams[back_only]]))
    in_hem = (-z.ravel() < hem + 1e-6)[quads].all(axis=1)
    for index, polygon in enumerate(obj.data.polygons):
        back_face = index >= len(quads)
        hemmed = in_hem[index % len(quads)]
        polygon.material_index = (3 if back_face else 2) if hemmed else int(back_face)
    return obj, (rows, columns), back_grid


@dataclass
class Tote:
    size: tuple[float, float] = (0.38, 0.42)
    top_centre: tuple[float, float, float] = (0.0, -0.05, 1.42)
    strap_x: float = 0.09  # each strap end's centre from the middle
    strap_width: float = 0.025
    strap_thickness: float = 0.0022
    patch: float = 0.035  # how far down the bag a strap end is sewn
    hem: float = 0.03
    cells: float = 0.01
    seed: int = 5
    frames: int = 60


def tote(name, tote: Tote, print_uv, materials, peg, colliders=()):
    """A canvas tote hanging by its two straps from a peg (its axis along Y, `peg` = (x, y,
    z, radius)): the mouth sags between the straps, the body drapes under its own weight
    against `colliders`. `materials`: front (the print's carrier), back, hem, strap.
    Returns (front, back, other parts)."""
    front_material, back_material, hem_material, strap_material = materials
    cover, (rows, columns), back_grid = tote_mesh(name, tote.size, tote.cells, tote.top_centre,
                                                  print_uv, tote.hem, tote.seed)  # fmt: skip
    for material in (front_material, back_material, hem_material, hem_material):
        cover.data.materials.append(material)
    count = rows * columns
    grid_x = np.tile(np.linspace(-1, 1, columns) * tote.size[0] / 2, rows)
    grid_drop = np.repeat(np.linspace(1, 0, rows) * tote.size[1], columns)
    held = (grid_drop < tote.patch + 1e-6) & (np.abs(np.abs(grid_x) - tote.strap_x)
                                               < tote.strap_width / 2 + 0.004)  # fmt: skip
    group = cover.vertex_groups.new(name="pin")
    pinned = np.concatenate([np.nonzero(held)[0], back_grid[held]])
    group.add([int(i) for i in pinned], 1.0, "REPLACE")

    def hanging(settings, collision):
        settings.vertex_group_mass = "pin"
        settings.pin_stiffness = 5.0
        collision.use_collision = True
        collision.use_self_collision = True
        collision.self_distance_min = 0.0025

    simulate(cover, tote.frames, Fabric(mass=0.3, tension=40.0, bending=0.6), hanging,
             colliders)  # fmt: skip
    points = np.array([v.co[:] for v in cover.data.vertices])
    grids = (points[:count].reshape(rows, columns, 3),
             points[back_grid].reshape(rows, columns, 3))  # fmt: skip
    names = [f"{name}-{part}" for part in ("front", "back", "hem-front", "hem-back")]
    front, back, *hems = separate(cover, names)
    for part in (front, back, *hems):
        kit.smooth(part)
        kit.subsurf(part, 1)
    straps = []
    for label, grid, outward, peg_y in (("front", grids[0], -1, peg[1] - 0.016),
                                         ("back", grids[1], 1, peg[1] + 0.016)):  # fmt: skip
        straps.append(strap(f"{name}-strap-{label}", tote, grid, outward, peg, peg_y,
                            strap_material))  # fmt: skip
    return front, back, [*hems, *straps]


def surface_normals(grid: np.ndarray, outward: int) -> np.ndarray:
    """Per grid point, the unit normal on the `outward` side (-1: toward -Y)."""
    along_x = np.gradient(grid, axis=1)
    along_z = np.gradient(grid, axis=0)
    normals = np.cross(along_z, along_x)
    normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
    flip = np.sign((normals[..., 1] * outward).mean())
    return normals * flip


def strap(name, tote: Tote, grid, outward, peg, peg_y, material, steps=40):
    """One flat woven strap: both ends sewn over the hem on one side of the bag, the loop
    rising to the peg and over it, twisting a quarter turn on the way (flat against the bag,
    flat across the peg)."""
    columns = grid.shape[1]
    xs = np.linspace(-1, 1, columns) * tote.size[0] / 2
    normals = surface_normals(grid, outward)
    lift = tote.strap_thickness / 2 + 0.0014
    px, _, pz, radius = peg
    wrap = radius + tote.strap_thickness / 2 + 0.0002
    halves = []
    for side in (-1, 1):
        column = int(np.argmin(np.abs(xs - side * tote.strap_x)))
        top = grid[-1, column] + normals[-1, column] * lift
        bottom = top - np.array([0.0, 0.0, tote.patch])
        # where the strap leaves the peg: the tangent from the mouth to the peg's circle
        dx, dz = top[0] - px, top[2] - pz
        distance = np.hypot(dx, dz)
        angle = (np.arctan2(dz, dx) + side * np.arccos(wrap / distance)) % (2 * np.pi)
        leave = np.array([px + wrap * np.cos(angle), peg_y, pz + wrap * np.sin(angle)])
        halves.append((bottom, top, leave, angle))
    points, widths = [], []
    (bottom_l, top_l, leave_l, angle_l), (bottom_r, top_r, leave_r, angle_r) = halves
    for k in range(8):  # sewn flat on the bag
        points.append(bottom_l + (top_l - bottom_l) * k / 8)
        widths.append((1.0, 0.0, 0.0))
    for k in range(steps):
        f = k / steps
        points.append(top_l + (leave_l - top_l) * f)
        widths.append(quarter_turn(f))
    for angle in np.linspace(angle_l, angle_r, 16):
        points.append(np.array([px + wrap * np.cos(angle), peg_y, pz + wrap * np.sin(angle)]))
        widths.append((0.0, 1.0, 0.0))
    for k in range(1, steps + 1):
        f = k / steps
        points.append(leave_r + (top_r - leave_r) * f)
        widths.append(quarter_turn(1 - f))
    for k in range(1, 9):
        points.append(top_r + (bottom_r - top_r) * k / 8)
        widths.append((1.0, 0.0, 0.0))
    vertices, faces, uvs = shapes.ribbon(np.array(points), np.array(widths), tote.strap_width,
                                         tote.strap_thickness)  # fmt: skip
    band = shapes.mesh_object(name, vertices, faces, uvs, material)
    band.data.set_sharp_from_angle(angle=np.radians(40))
    return band


def quarter_turn(f):
    """The strap's width direction a fraction `f` of the way from the bag (across it, X) to
    the peg (along its axis, Y), turning smoothly."""
    angle = f * f * (3 - 2 * f) * np.pi / 2
    return (np.cos(angle), np.sin(angle), 0.0)


# --- cloth laid flat --------------------------------------------------------------------


def flat_lay(obj, floor, frames=30):
    """Let a sheet of cloth, dropped with its spare cloth in ridges, settle on `floor`: the
    ridges slump into soft folds, the floor's friction holding the rest in place."""

    def laid(_settings, collision):
        collision.distance_min = 0.0015

    fabric = Fabric(mass=0.15, tension=15.0, shear=5.0, bending=0.5, friction=20.0, quality=5)
    return simulate(obj, frames, fabric, laid, colliders=[floor])
