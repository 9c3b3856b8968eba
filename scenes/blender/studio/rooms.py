"""Room pieces several scenes share: a wall and floor, a sofa, a frame with mat and glass, a
potted plant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import kit
import numpy as np
import shapes


def wall_and_floor(wall_colour="#e6e1d8", floor=("#b58a5e", "#7a5534"), width=9.0):
    wall = kit.box("wall", (width, 0.1, 4.0), (0, 0.05, 2.0), kit.plaster(wall_colour), bevel=0)
    kit.box("skirting", (width, 0.02, 0.09), (0, -0.01, 0.045), kit.matte("#f1eee8", 0.45), 0.003)
    planks = kit.wood(light=floor[0], dark=floor[1], roughness=0.38, grain=(0.6, 10.0, 1.0))
    floor_obj = kit.box("floor", (width, 7.0, 0.1), (0, -3.45, -0.05), planks, bevel=0)
    return wall, floor_obj


def sofa(centre_x=0.0, width=2.3, colour="#b9b2a6", front=-0.05):
    """A three-seat sofa against the wall at y = 0; its seat is about 0.45 m high."""
    fabric = kit.linen(colour)
    depth = 0.92
    back_y = front - 0.02
    middle_y = back_y - depth / 2
    kit.box("sofa-base", (width, depth, 0.24), (centre_x, middle_y, 0.22), fabric, 0.035, 4)
    arm = (0.2, depth, 0.64)
    for side in (-1, 1):
        x = centre_x + side * (width / 2 - arm[0] / 2)
        kit.box(f"sofa-arm{side}", arm, (x, middle_y, 0.32 + 0.0), fabric, 0.07, 5)
    kit.box("sofa-back", (width, 0.2, 0.82), (centre_x, back_y - 0.1, 0.41), fabric, 0.06, 4)
    inner = width - 2 * arm[0]
    seat_width = inner / 2 - 0.01
    cushions = []
    for index, side in enumerate((-1, 1)):
        x = centre_x + side * (seat_width / 2 + 0.005)
        seat = kit.box(
            f"sofa-seat{index}",
            (seat_width, depth - 0.26, 0.17),
            (x, middle_y - 0.1, 0.42),
            fabric,
            0.07,
            6,
            subdivide=2,
        )
        back = kit.box(
            f"sofa-cushion{index}",
            (seat_width, 0.22, 0.5),
            (x, back_y - 0.28, 0.72),
            fabric,
            0.09,
            6,
            subdivide=2,
            rotation=kit.radians(-12, 0, 0),
        )
        cushions += [seat, back]
    legs = kit.wood(light="#4a3424", dark="#2e2017", roughness=0.35)
    for lx in (-1, 1):
        for ly in (back_y - 0.06, back_y - depth + 0.06):
            kit.cylinder(
                "sofa-leg", 0.022, 0.12, (centre_x + lx * (width / 2 - 0.08), ly, 0.05), legs
            )
    return cushions


def frame(
    centre,
    print_size,
    mat=0.06,
    moulding=0.028,
    depth=0.028,
    finish="#1d1b1a",
    overlap=0.008,
    mitred=False,
    oak=None,
):
    """A picture frame hanging on the wall (y = 0): the print, its mat, glass, moulding.

    Returns (carrier, glass): the carrier is the print itself, `overlap` larger than the mat's
    window on each side, its UVs 0..1 over the print. `mitred` cuts the mat from one board
    with a bevelled window and joins the moulding at 45 degrees, its edges rounded; `oak`
    (light, dark) gives that moulding oak grain along each piece instead of the `finish`.
    """
    x, z = centre
    print_w, print_h = print_size
    window_w, window_h = print_w - 2 * overlap, print_h - 2 * overlap
    outer_w, outer_h = window_w + 2 * (mat + moulding), window_h + 2 * (mat + moulding)
    carrier = kit.plane(
        "print",
        print_w,
        print_h,
        (x, -0.006, z),
        kit.radians(90, 0, 0),
        kit.carrier_white(),
    )
    board = kit.matte("#f4f2ec", 0.85, name="mat-board")
    inner_w, inner_h = window_w + 2 * mat, window_h + 2 * mat
    thickness = 0.003
    y = -0.006 - thickness / 2 - 0.0005
    strips = [
        ((inner_w, thickness, mat), (x, y, z + window_h / 2 + mat / 2)),
        ((inner_w, thickness, mat), (x, y, z - window_h / 2 - mat / 2)),
        ((mat, thickness, window_h), (x - window_w / 2 - mat / 2, y, z)),
        ((mat, thickness, window_h), (x + window_w / 2 + mat / 2, y, z)),
    ]
    if mitred:
        back, window = -0.006 - 0.0005, mat - 0.0012  # the strips' bevel opened their window
        section = [(0.0, back), (0.0, back - thickness), (window - thickness, back - thickness),
                   (window, back)]  # fmt: skip
        mitred_ring("mat", (x, z), (inner_w, inner_h), section, board)
    else:
        for index, (size, location) in enumerate(strips):
            kit.box(f"mat{index}", size, location, board, bevel=0.0012, segments=1)
    kit.box("backing", (inner_w, 0.004, inner_h), (x, -0.003, z), board, bevel=0)
    wood = kit.oak(*oak) if oak else kit.matte(finish, 0.35, name="frame-finish")
    if mitred:
        radius = min(0.004, moulding / 4)
        section = shapes.rounded_profile(moulding, depth, radius, 0.001, min(0.002, depth / 8))
        mitred_ring("moulding", (x, z), (outer_w, outer_h), section, wood, gap=0.00015)
        return carrier, glass_pane(x, z, inner_w, inner_h)
    y = -depth / 2
    sides = [
        ((outer_w, depth, moulding), (x, y, z + outer_h / 2 - moulding / 2)),
        ((outer_w, depth, moulding), (x, y, z - outer_h / 2 + moulding / 2)),
        ((moulding, depth, outer_h - 2 * moulding), (x - outer_w / 2 + moulding / 2, y, z)),
        ((moulding, depth, outer_h - 2 * moulding), (x + outer_w / 2 - moulding / 2, y, z)),
    ]
    for index, (size, location) in enumerate(sides):
        kit.box(f"moulding{index}", size, location, wood, bevel=0.004, segments=3)
    return carrier, glass_pane(x, z, inner_w, inner_h)


def glass_pane(x, z, width, height):
    return kit.box("glass", (width, 0.002, height), (x, -0.0125, z), kit.glass(), bevel=0)


def mitred_ring(name, centre, outer_size, section, material, gap=0.0):
    """Four pieces of one `section` (see shapes.mitred_piece) round an outer rectangle."""
    x, z = centre
    width, height = outer_size
    sides = [
        (width, (x, 0.0, z + height / 2), 0),
        (width, (x, 0.0, z - height / 2), 180),
        (height, (x - width / 2, 0.0, z), -90),
        (height, (x + width / 2, 0.0, z), 90),
    ]
    for index, (length, location, turn) in enumerate(sides):
        piece = shapes.mitred_piece(f"{name}{index}", length, section, material, gap)
        piece.location = location
        piece.rotation_euler = kit.radians(0, turn, 0)


@dataclass
class Plant:
    """A potted plant's measures (metres) and what its leaves must keep clear of."""

    pot_radius: float = 0.038
    pot_height: float = 0.105
    leaves: int = 48
    reach: tuple[float, float] = (0.08, 0.24)  # a stem's length
    leaf_length: tuple[float, float] = (0.055, 0.1)
    seed: int = 7
    keep_clear: Callable[[np.ndarray], bool] | None = None  # True: the points may be there


def potted_plant(location, plant: Plant | None = None):
    """A glazed pot with a rolled rim and soil, leaves of varied size and angle on curved
    stems rising from the soil (seeded: the same plant every run)."""
    plant = plant or Plant()
    x, y, z = location
    soil_level = plant_pot(location, plant.pot_radius, plant.pot_height)
    rng = np.random.default_rng(plant.seed)
    leaf_parts, stem_parts, tints = [], [], []
    tries = 0
    while len(leaf_parts) < plant.leaves and tries < 50 * plant.leaves:
        tries += 1
        grown = grow_leaf(rng, plant, (x, y, z + soil_level), len(leaf_parts) / plant.leaves)
        leaf_points, stem_points = grown[0][0], grown[1][0]
        if in_pot(leaf_points - (x, y, z), plant.pot_radius + 0.006, plant.pot_height + 0.004):
            continue
        if plant.keep_clear and not plant.keep_clear(np.vstack([leaf_points, stem_points])):
            continue
        leaf_parts.append(grown[0])
        stem_parts.append(grown[1])
        tints.append(rng.uniform(0, 1))
    leaves = merged("leaves", leaf_parts, kit.leaf())
    colours = np.repeat(np.array(tints), [len(points) for points, *_ in leaf_parts])
    attribute = leaves.data.color_attributes.new("tint", "FLOAT_COLOR", "POINT")
    attribute.data.foreach_set("color", np.repeat(colours, 4).astype(np.float32))
    merged("stems", stem_parts, kit.matte("#4d6b32", 0.5, name="stem"))


def plant_pot(location, radius, height) -> float:
    """A tapered pot with a collar at its rim, filled with soil; returns the soil's height."""
    taper = radius * 0.82
    wall = [(0.0, 0.0), (taper - 0.004, 0.0), (taper, 0.004)]
    body = height - 0.03
    wall += [(taper + (radius - taper) * k / 8, 0.004 + body * k / 8) for k in range(1, 9)]
    wall += [(radius + 0.001, height - 0.024), (radius + 0.004, height - 0.022),
             (radius + 0.0045, height - 0.004), (radius + 0.003, height),
             (radius - 0.002, height + 0.0005),
             (radius - 0.0045, height - 0.004), (radius - 0.006, height - 0.018)]  # fmt: skip
    pot = shapes.lathe("pot", wall, 96, kit.ceramic("#b4573d", 0.45))
    soil_level = height - 0.016
    mound = [(radius - 0.0055 - (radius - 0.006) * k / 6, soil_level + 0.006 * (k / 6) ** 0.5)
             for k in range(7)]  # fmt: skip
    soil = shapes.lathe("soil", mound, 64, kit.soil())
    for obj in (pot, soil):
        obj.location = location
    return soil_level


def in_pot(points, radius, height) -> bool:
    """Whether any point (relative to the pot's foot) is inside the pot's wall."""
    inside = (np.hypot(points[:, 0], points[:, 1]) < radius) & (points[:, 2] < height)
    return bool(inside.any())


def grow_leaf(rng, plant: Plant, soil_centre, order: float):
    """One stem from the soil and its leaf: ((leaf points, faces, uvs), (stem points, faces)).
    Later leaves (order near 1) are the young ones: shorter, higher, more upright."""
    cx, cy, cz = soil_centre
    start_angle = rng.uniform(0, 2 * np.pi)
    offset = rng.uniform(0, plant.pot_radius * 0.5)
    base = np.array([cx + offset * np.cos(start_angle), cy + offset * np.sin(start_angle), cz])
    heading = rng.uniform(0, 2 * np.pi)
    rise = np.radians(rng.uniform(40, 72) + 15 * order)
    reach = rng.uniform(*plant.reach) * (1 - 0.35 * order)
    outward = np.array([np.cos(heading), np.sin(heading), 0.0])
    tip = base + reach * (np.cos(rise) * outward + np.array([0, 0, np.sin(rise)]))
    control = base + np.array([0, 0, reach * 0.75]) + outward * reach * 0.15
    ts = np.linspace(0, 1, 10)[:, None]
    path = (1 - ts) ** 2 * base + 2 * ts * (1 - ts) * control + ts**2 * tip
    stem = shapes.tube(path, np.linspace(0.0017, 0.0011, len(path)))
    length = rng.uniform(*plant.leaf_length) * (1 - 0.3 * order)
    points, uvs = shapes.leaf_surface(
        length, length * rng.uniform(0.55, 0.75), fold=rng.uniform(0.2, 0.5),
        droop=rng.uniform(0.05, 0.25), ripple=rng.uniform(0.02, 0.06),
        phase=rng.uniform(0, 2 * np.pi),
    )  # fmt: skip
    pitch = np.radians(rng.uniform(-35, 30) + 15 * order)
    turn = heading + np.radians(rng.normal(0, 15))
    roll = np.radians(rng.normal(0, 18) + 30 * np.cos(heading))  # side leaves face the camera
    world = leaf_frame(turn, pitch, roll) @ points.reshape(-1, 3).T
    rows, columns = uvs.shape[:2]
    leaf = (world.T + tip, shapes.grid_faces(rows, columns), uvs.reshape(-1, 2))
    return leaf, stem


def leaf_frame(heading, pitch, roll) -> np.ndarray:
    """Columns: where a leaf's own x (midrib), y (across) and z (up) point in the scene."""
    forward = np.array([np.cos(heading) * np.cos(pitch), np.sin(heading) * np.cos(pitch),
                        np.sin(pitch)])  # fmt: skip
    side = np.array([-np.sin(heading), np.cos(heading), 0.0])
    up = np.cross(forward, side)
    side, up = (np.cos(roll) * side + np.sin(roll) * up, -np.sin(roll) * side + np.cos(roll) * up)
    return np.column_stack([forward, side, up])


def merged(name, parts, material):
    """One object from many (vertices, faces[, uvs]) parts."""
    vertices, faces, uvs, offset = [], [], [], 0
    for part in parts:
        vertices.append(part[0])
        faces += [tuple(index + offset for index in face) for face in part[1]]
        if len(part) > 2:
            uvs.append(part[2])
        offset += len(part[0])
    return shapes.mesh_object(
        name, np.vstack(vertices), faces, np.vstack(uvs) if uvs else None, material
    )
