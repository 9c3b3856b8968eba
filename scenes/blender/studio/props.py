"""Things that stand on tables, desks and shelves, modelled as they are made: hardback books
(boards, spine, a page block with its page edges), pillar candles with wicks, thrown vases
and bowls. Each stands on z = 0 at its location, so it rests on what is below it."""

from __future__ import annotations

import math

import kit
import numpy as np
import shapes


def book(name, size, colour, location, turn_degrees=0.0, pages="#efe7d6"):
    """A hardback lying flat: `size` (length along X, depth along Y, thickness) metres, its
    spine toward -Y. The boards overhang the page block by 3 mm at head, tail and fore-edge.
    Returns (cover, pages)."""
    length, depth, thickness = size
    board, spine, square = 0.0022, 0.0028, 0.003
    back = -depth / 2  # the spine's outer face: the book is centred on its location
    section = [(0.0, 0.0), (depth, 0.0), (depth, board), (spine, board),
               (spine, thickness - board), (depth, thickness - board), (depth, thickness),
               (0.0, thickness)]  # fmt: skip
    section = [(y + back, z) for y, z in section]
    cover = shapes.prism(f"{name}-cover", section, length, kit.bookcloth(colour))
    block = kit.box(f"{name}-pages", (length - 2 * square, depth - spine - square,
                    thickness - 2 * board), (0.0, back + spine + (depth - spine - square) / 2,
                    thickness / 2), kit.page_edges(pages), bevel=0)  # fmt: skip
    for part in (cover, block):
        part.parent = pivot(f"{name}-place", location, turn_degrees)
    return cover, block


def pivot(name, location, turn_degrees):
    import bpy

    empty = bpy.data.objects.new(name, None)
    bpy.context.collection.objects.link(empty)
    empty.location = location
    empty.rotation_euler = kit.radians(0, 0, turn_degrees)
    return empty


def stack(name, books, location, turns) -> float:
    """Books lying one on another, centred over `location` and up from it: (size, colour)
    each, each turned its own way. Returns the height of the top."""
    x, y, z = location
    for index, ((size, colour), turn) in enumerate(zip(books, turns, strict=True)):
        book(f"{name}{index}", size, colour, (x, y, z), turn)
        z += size[2]
    return z


def candle(name, location, radius=0.035, height=0.09, wax="#efe6d6", burnt=True):
    """A pillar candle: a slightly rounded top rim around a shallow pool, the wick standing in
    it, curled and charred at the tip when it has been lit. Returns (candle, wick)."""
    pool = 0.004 if burnt else 0.0
    profile = [(0.0, 0.0), (radius - 0.002, 0.0), (radius, 0.0015),
               (radius, height - 0.003), (radius - 0.0012, height - 0.0004),
               (radius - 0.004, height - 0.0002)]  # fmt: skip
    steps = 8
    for k in range(1, steps + 1):  # the pool, deepest in the middle
        r = (radius - 0.004) * (1 - k / steps)
        profile.append((r, height - 0.0002 - pool * math.sin(math.pi / 2 * k / steps)))
    body = shapes.lathe(name, profile[::-1], 64, kit.wax(wax))
    body.location = location
    top = height - 0.0002 - pool
    t = np.linspace(0, 1, 12)[:, None]
    path = np.column_stack([0.0015 * t[:, 0] ** 2, 0.0 * t[:, 0], top + 0.011 * t[:, 0]])
    vertices, faces = shapes.tube(path, np.full(len(path), 0.0006), sides=6)
    cotton = kit.matte("#1b1815" if burnt else "#e9e4d8", 0.8)
    wick = shapes.mesh_object(f"{name}-wick", vertices, faces, material=cotton)
    wick.location = location
    return body, wick


def vase(name, location, height=0.22, radius=0.06, glaze="#d9d3c7", roughness=0.35):
    """A thrown stoneware vase: a foot ring, a full belly, a narrower neck, a rolled lip."""
    r, h = radius, height
    outside = [(0.0, 0.003), (r * 0.62, 0.003), (r * 0.66, 0.0), (r * 0.72, 0.0),
               (r * 0.8, 0.004)]  # fmt: skip
    for k in range(1, 13):  # belly to shoulder
        f = k / 12
        outside.append((r * (0.8 + 0.2 * math.sin(math.pi * f * 0.9)), 0.004 + f * h * 0.7))
    outside += [(r * 0.62, h * 0.8), (r * 0.46, h * 0.88), (r * 0.44, h * 0.96),
                (r * 0.48, h - 0.002), (r * 0.46, h), (r * 0.4, h - 0.002),
                (r * 0.38, h * 0.9), (0.0, h * 0.9)]  # fmt: skip
    body = shapes.lathe(name, outside[::-1], 96, kit.ceramic(glaze, roughness))
    body.location = location
    return body


def bowl(name, location, radius=0.1, height=0.05, glaze="#2d3a46", roughness=0.25):
    """A shallow stoneware bowl on a foot ring, its wall thick at the rim."""
    r, h = radius, height
    profile = [(0.0, 0.004), (r * 0.38, 0.004), (r * 0.4, 0.0), (r * 0.46, 0.0), (r * 0.5, 0.006)]
    for k in range(1, 10):
        f = k / 9
        profile.append((r * (0.5 + 0.5 * math.sin(math.pi / 2 * f)), 0.006 + (h - 0.006) * f))
    profile += [(r - 0.002, h + 0.001), (r - 0.005, h - 0.001)]
    for k in range(1, 9):
        f = k / 8
        depth = (h - 0.011) * math.sin(math.pi / 2 * f)
        profile.append(((r - 0.005) * (1 - f) ** 0.8, h - 0.001 - depth))
    body = shapes.lathe(name, profile[::-1], 96, kit.ceramic(glaze, roughness))
    body.location = location
    return body
