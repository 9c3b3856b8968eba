"""Room pieces several scenes share: a wall and floor, a sofa, a frame with mat and glass."""

from __future__ import annotations

import kit


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
):
    """A picture frame hanging on the wall (y = 0): the print, its mat, glass, moulding.

    Returns (carrier, glass): the carrier is the print itself, `overlap` larger than the mat's
    window on each side, its UVs 0..1 over the print.
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
    for index, (size, location) in enumerate(strips):
        kit.box(f"mat{index}", size, location, board, bevel=0.0012, segments=1)
    kit.box("backing", (inner_w, 0.004, inner_h), (x, -0.003, z), board, bevel=0)
    wood = kit.matte(finish, 0.35, name="frame-finish")
    y = -depth / 2
    sides = [
        ((outer_w, depth, moulding), (x, y, z + outer_h / 2 - moulding / 2)),
        ((outer_w, depth, moulding), (x, y, z - outer_h / 2 + moulding / 2)),
        ((moulding, depth, outer_h - 2 * moulding), (x - outer_w / 2 + moulding / 2, y, z)),
        ((moulding, depth, outer_h - 2 * moulding), (x + outer_w / 2 - moulding / 2, y, z)),
    ]
    for index, (size, location) in enumerate(sides):
        kit.box(f"moulding{index}", size, location, wood, bevel=0.004, segments=3)
    pane = kit.box("glass", (inner_w, 0.002, inner_h), (x, -0.0125, z), kit.glass(), bevel=0)
    return carrier, pane
