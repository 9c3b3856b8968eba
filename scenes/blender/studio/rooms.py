"""Room pieces several scenes share: a wall and floor, a sofa, a frame with mat and glass, a
potted plant."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import kit
import numpy as np
import shapes


def wall_and_floor(wall_colour="#e6e1d8", floor=("#b58a5e", "#7a5534"), width=9.0):
    """A painted wall at y = 0 facing -Y, a skirting board, oak boards running into the room."""
    wall = kit.box("wall", (width, 0.1, 4.0), (0, 0.05, 2.0), kit.plaster(wall_colour), bevel=0)
    kit.box("skirting", (width, 0.018, 0.09), (0, -0.0095, 0.045), kit.matte("#f1eee8", 0.45),
            0.003)  # fmt: skip
    planks = kit.wood(light=floor[0], dark=floor[1], roughness=0.38, board=(1.5, 0.16), turn=90)
    floor_obj = kit.box("floor", (width, 7.0, 0.1), (0, -3.5, -0.05), planks, bevel=0)
    return wall, floor_obj


def lean_on_sofa(parts, sofa: Sofa, x, lean=16.0, turn=0.0, roll=0.0):
    """Stand a pillow's `parts` (built upright in the XZ plane) at `x` on the sofa: leaning
    `lean` degrees back, its lowest point on the seat, its back against the back cushions."""
    import bpy
    from mathutils import Euler, Vector

    rotation = Euler(kit.radians(-lean, roll, turn))
    points = []
    for part in parts:
        part.rotation_euler = rotation
        part.location = (0.0, 0.0, 0.0)
    bpy.context.view_layer.update()
    depsgraph = bpy.context.evaluated_depsgraph_get()
    for part in parts:
        mesh = part.evaluated_get(depsgraph).to_mesh()
        points += [part.matrix_world @ v.co for v in mesh.vertices]
        part.evaluated_get(depsgraph).to_mesh_clear()
    tilt = math.radians(sofa.back_tilt)
    normal = Vector((0.0, -math.cos(tilt), math.sin(tilt)))  # the back cushions' face
    lowest = min(p.z for p in points)
    shift_z = sofa.seat_top + 0.004 - lowest
    anchor = Vector((0.0, sofa.back_front, sofa.seat_top))
    clearance = min((p + Vector((0, 0, shift_z)) - anchor).dot(normal) for p in points)
    shift_y = (clearance - 0.004) / math.cos(tilt)
    for part in parts:
        part.location = (x, shift_y, shift_z)


@dataclass
class Sofa:
    """Where a sofa's cushions are, for what is placed on it (metres)."""

    seat_top: float  # z of the seat cushions' top
    seat_front: float  # y of their front
    back_front: float  # y where the back cushions' face meets the seat
    back_tilt: float  # degrees the back cushions lean back
    cushions: list


def sofa(centre_x=0.0, width=2.2, colour="#b9b2a6", back=-0.04, depth=0.92, seats=3):
    """A sofa against the wall at y = 0 (its back at y = `back`), of a real one's measures:
    seat 46 cm high, arms 62, back 84; a deck between the arms, seat cushions on it and back
    cushions leaning on the back frame, on short wooden legs. No two pieces pass into another."""
    fabric = kit.linen(colour, threads=220.0, sheen=0.6)
    leg, arm_width, frame_depth = 0.14, 0.2, 0.2
    inner = width - 2 * arm_width
    front = back - depth
    frame_front = back - frame_depth
    kit.box("sofa-deck", (inner, frame_front - front, 0.36 - leg),
            (centre_x, (front + frame_front) / 2, (leg + 0.36) / 2), fabric, 0.02, 3)  # fmt: skip
    kit.box("sofa-back", (inner, frame_depth, 0.84 - leg),
            (centre_x, back - frame_depth / 2, (leg + 0.84) / 2), fabric, 0.05, 4)  # fmt: skip
    for side in (-1, 1):
        x = centre_x + side * (width - arm_width) / 2
        kit.box(f"sofa-arm{'LR'[side > 0]}", (arm_width, depth, 0.62 - leg),
                (x, back - depth / 2, (leg + 0.62) / 2), fabric, 0.06, 5)  # fmt: skip
    seat_top, cushions = 0.5, []
    seat_width = inner / seats
    for index in range(seats):
        x = centre_x - inner / 2 + seat_width * (index + 0.5)
        seat = kit.box(f"sofa-seat{index}", (seat_width - 0.004, frame_front - front + 0.015,
                       seat_top - 0.361), (x, (front - 0.015 + frame_front) / 2 - 0.001,
                       (0.361 + seat_top) / 2), fabric, 0.05, 5, subdivide=2)  # fmt: skip
        cushions.append(seat)
    tilt = math.radians(14)
    height, thickness = 0.46, 0.19
    # the back cushion's lower back edge on the seat, its top leaning on the frame
    lean_y = frame_front - 0.002 - height * math.sin(tilt) - thickness * math.cos(tilt) / 2
    centre_y = lean_y + (height / 2) * math.sin(tilt)
    centre_z = seat_top + 0.002 + thickness * math.sin(tilt) / 2 + height * math.cos(tilt) / 2
    for index in range(seats):
        x = centre_x - inner / 2 + seat_width * (index + 0.5)
        cushion = kit.box(f"sofa-cushion{index}", (seat_width - 0.006, thickness, height),
                          (x, centre_y, centre_z), fabric, 0.07, 5, subdivide=2,
                          rotation=(-tilt, 0, 0))  # fmt: skip
        cushions.append(cushion)
    legs = kit.wood(light="#5a4130", dark="#34241a", roughness=0.35, board=(0.2, 0.05))
    for lx in (-1, 1):
        for ly in (back - 0.05, front + 0.05):
            tapered_leg((centre_x + lx * (width / 2 - 0.07), ly), leg, legs)
    face = centre_y - thickness * math.cos(tilt) / 2 - (height / 2) * math.sin(tilt)
    face_low = centre_z - (height / 2) * math.cos(tilt) + thickness * math.sin(tilt) / 2
    back_front = face - (face_low - seat_top) * math.tan(tilt)
    return Sofa(seat_top, front - 0.015, back_front, math.degrees(tilt), cushions)


def tapered_leg(xy, height, material):
    """A turned leg standing on the floor (z = 0) up to `height`, narrowing to its foot."""
    profile = [(0.0, 0.0), (0.014, 0.0), (0.015, 0.002), (0.02, height - 0.004),
               (0.021, height), (0.0, height)]  # fmt: skip
    leg = shapes.lathe("sofa-leg", profile[::-1], 32, material)
    leg.location = (*xy, 0.0)
    return leg


@dataclass
class Frame:
    """A framed print's parts: the print (carrier), the glass, everything, its outer size."""

    carrier: object
    glass: object
    parts: list
    outer: tuple[float, float]


def frame(centre, print_size, mat=0.06, moulding=0.028, depth=0.028, finish="#1d1b1a",
          overlap=0.006, oak=None, lip=0.006, rabbet=0.006, mat_colour="#f4f2ec"):  # fmt: skip
    """A picture frame hanging on the wall (y = 0), built as a framer builds one: mitred
    moulding with a rabbet behind its lip, and in the rabbet, front to back, the glass, a mat
    cut from one board with a bevelled window, the print and the backing board.

    The print (the carrier, UVs 0..1 over it) is `overlap` larger than the mat's window on
    each side. `oak` (light, dark) gives the moulding oak grain instead of the `finish`."""
    import bpy

    before = set(bpy.data.objects)
    x, z = centre
    print_w, print_h = print_size
    window = (print_w - 2 * overlap, print_h - 2 * overlap)
    sight = (window[0] + 2 * mat, window[1] + 2 * mat)
    outer = (sight[0] + 2 * moulding, sight[1] + 2 * moulding)
    inside = (sight[0] + 2 * rabbet - 0.001, sight[1] + 2 * rabbet - 0.001)  # in the rabbet
    glass_front = -depth + lip + 0.0002
    glass = kit.box("glass", (inside[0], 0.002, inside[1]), (x, glass_front + 0.001, z),
                    kit.glass(), bevel=0)  # fmt: skip
    mat_front = glass_front + 0.0021
    board = shapes.mat_board("mat", inside, window, 0.0015, kit.paper(mat_colour, 1800.0),
                             kit.paper("#fbfaf6", 1800.0))  # fmt: skip
    board.location = (x, mat_front, z)
    print_y = mat_front + 0.0015 + 0.0001
    carrier = kit.plane("print", print_w, print_h, (x, print_y, z), kit.radians(90, 0, 0),
                        kit.carrier_white())  # fmt: skip
    backing = kit.matte("#b9a888", 0.9, name="backing")
    back_depth = min(0.003, -print_y - 0.0003)
    kit.box("backing", (inside[0], back_depth, inside[1]),
            (x, print_y + 0.0002 + back_depth / 2, z), backing, bevel=0)  # fmt: skip
    wood = kit.oak(*oak) if oak else kit.matte(finish, 0.35, name="frame-finish")
    radius = min(0.004, moulding / 4)
    section = shapes.moulding_profile(moulding, depth, radius, slope=min(0.002, depth / 8),
                                      lip=lip, rabbet=rabbet)  # fmt: skip
    mitred_ring("moulding", (x, z), outer, section, wood, gap=0.00015)
    parts = [obj for obj in bpy.data.objects if obj not in before]
    return Frame(carrier, glass, parts, outer)


def standing(framed: Frame, location, tilt_degrees, turn_degrees=0.0):
    """Stand a frame (built hanging at the origin) on its bottom-back edge at `location`,
    leaning back `tilt_degrees`, turned `turn_degrees` about Z."""
    import bpy

    pivot = bpy.data.objects.new("frame-pivot", None)
    bpy.context.collection.objects.link(pivot)
    for obj in framed.parts:
        obj.location.z += framed.outer[1] / 2
        obj.parent = pivot
    pivot.location = location
    pivot.rotation_euler = kit.radians(-tilt_degrees, 0, turn_degrees)
    return pivot


def lean_angle(framed: Frame, depth: float, room: float) -> float:
    """The lean (degrees) at which a frame standing `room` metres out from a wall touches it
    with its top: its bottom-back edge `room` from the wall."""
    return math.degrees(math.asin(min(1.0, (room - 0.001) / framed.outer[1])))


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
    import bpy

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
    leaves = merged("plant", leaf_parts, kit.leaf())
    colours = np.repeat(np.array(tints), [len(points) for points, *_ in leaf_parts])
    attribute = leaves.data.color_attributes.new("tint", "FLOAT_COLOR", "POINT")
    attribute.data.foreach_set("color", np.repeat(colours, 4).astype(np.float32))
    stems = merged("stems", stem_parts, kit.matte("#4d6b32", 0.5, name="stem"))
    soil = bpy.data.objects["soil"]
    soil.name = "plant-soil"
    # one plant: its stems grow out of the soil and into its leaves
    with bpy.context.temp_override(active_object=leaves, object=leaves,
                                   selected_objects=[leaves, stems, soil],
                                   selected_editable_objects=[leaves, stems, soil]):  # fmt: skip
        bpy.ops.object.join()
    return leaves


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
    mound = [(radius - 0.0064 - (radius - 0.0064) * k / 6, soil_level + 0.006 * (k / 6) ** 0.5)
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
