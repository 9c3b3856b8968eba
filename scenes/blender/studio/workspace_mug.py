"""A mug on a work desk beside a laptop and a notebook, seen from above: the morning coffee shot."""

from __future__ import annotations

import math

import kit
import numpy as np
import props
import shapes

TEMPLATE = {"id": "workspace-mug", "name": "Mug on a work desk", **shapes.MUG_PRODUCT}


def laptop(location, turn_degrees):
    """A closed laptop: an aluminium shell in two halves, the lid's edge a hair above the
    base's, on four small feet."""
    aluminium = kit.Nodes("aluminium").set(Base_Color=(*kit.srgb("#8d9096"), 1), Metallic=1.0,
                                            Roughness=0.38).material  # fmt: skip
    pivot = props.pivot("laptop-place", location, turn_degrees)
    parts = [
        kit.box("laptop-base", (0.31, 0.215, 0.009), (0, 0, 0.0065), aluminium, 0.004, 4),
        kit.box("laptop-lid", (0.31, 0.215, 0.0055), (0, 0, 0.0111 + 0.00275), aluminium,
                0.003, 4),
    ]  # fmt: skip
    for x in (-0.13, 0.13):
        for y in (-0.085, 0.085):
            parts.append(kit.cylinder("laptop-foot", 0.005, 0.002, (x, y, 0.001),
                                      kit.matte("#222222", 0.8), vertices=24))  # fmt: skip
    for part in parts:
        part.parent = pivot


def pencil(location, turn_degrees, length=0.17):
    """A hexagonal cedar pencil, painted yellow, sharpened to a graphite point, lying on one
    of its flats."""
    radius = 0.0036
    body = shapes.prism("pencil", [(radius * math.cos(a), radius * math.sin(a) + radius * 0.866)
                                   for a in np.radians(np.arange(30, 390, 60))], length - 0.02,
                        kit.matte("#d9a441", 0.45))  # fmt: skip
    cone = [(0.0, 0.0), (radius, 0.0), (0.0012, 0.016), (0.0003, 0.02)]
    tip = shapes.lathe("pencil-tip", cone, 24, kit.wood(light="#e0b98b", dark="#c49a6c"))
    tip.rotation_euler = kit.radians(0, 90, 0)
    tip.location = ((length - 0.02) / 2, 0.0, radius * 0.866)
    pivot = props.pivot("pencil-place", location, turn_degrees)
    for part in (body, tip):
        part.parent = pivot


def build() -> kit.Shot:
    desk = kit.wood(light="#d2b48f", dark="#a07a55", roughness=0.3, board=(1.8, 0.25))
    kit.box("desk", (1.8, 1.0, 0.04), (0, 0.25, -0.02), desk, bevel=0.006)
    laptop((-0.3, 0.2, 0.0), 12)
    props.book("notebook", (0.21, 0.15, 0.012), "#2f4a3c", (0.21, 0.12, 0.0), -18 + 90)
    pencil((0.205, 0.115, 0.012), 76)  # lying on the notebook
    wall, parts = shapes.mug((0.0, 0.0, 0.0), facing=-math.pi / 2 - 0.25, handle_degrees=55.0)
    kit.hdri("interior", 0.9, key_from=215)
    kit.area_light("window", (-0.75, -0.45, 0.7), (0, 0, 0.05), 1.4, 22, "#fff1dc", 1.0)
    eye = (0.1, -0.5, 0.3)
    focus = kit.marker("focus", shapes.mug_front(eye, 0.045))
    kit.camera(eye, (0.0, 0.02, 0.045), lens=75, focus=focus, fstop=11.0)
    return shapes.mug_shot(wall, parts)
