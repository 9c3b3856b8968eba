"""A phone in a glossy printed case lying face down on a linen cloth by a coffee cup, seen
from above: the case's camera cut-out shows the phone's camera glass below its printed back."""

from __future__ import annotations

import bpy
import kit
import numpy as np
import props
import shapes

TEMPLATE = {
    "id": "phone-case",
    "name": "Phone case on linen",
    "product": "phone-case",
    "size": [2400, 3000],
    "fit": "cover",
    "substrate": "#ffffff",
}
WIDTH, HEIGHT, DEPTH, RADIUS = 0.0745, 0.151, 0.011, 0.011
OPENING = (0.036, 0.036, 0.009)  # the camera cut-out: width, height, corner radius
OPENING_CENTRE = (-WIDTH / 2 + 0.022, HEIGHT / 2 - 0.022)
POCKET = 0.0016  # how far below the case's back the phone's camera plate lies


def case_shell():
    """The case: a rounded slab with the camera cut-out sunk into its back (a boolean)."""
    shell = kit.Nodes("case-shell").set(Base_Color=(0.86, 0.86, 0.86, 1), Roughness=0.25).material
    case = kit.box("case", (WIDTH, HEIGHT, DEPTH), (0, 0, DEPTH / 2), shell, bevel=0.0055,
                   segments=6)  # fmt: skip
    opening = shapes.rounded_rectangle(*OPENING) + np.array(OPENING_CENTRE)
    cutter = shapes.extruded("camera-cut", opening, DEPTH - POCKET, DEPTH + 0.005)
    cutter.hide_render = True
    cutter.display_type = "WIRE"
    cut = case.modifiers.new("camera-cut", "BOOLEAN")
    cut.operation, cut.object, cut.solver = "DIFFERENCE", cutter, "EXACT"
    return case, cutter


def camera_module():
    """The phone's camera under the cut-out: a dark glass plate, three lenses in steel rings."""
    plate_z = DEPTH - POCKET
    glass = kit.Nodes("camera-glass").set(Base_Color=(0.012, 0.013, 0.016, 1), Roughness=0.08,
                                          Coat_Weight=1.0).material  # fmt: skip
    plate = shapes.rounded_rectangle(OPENING[0] - 0.003, OPENING[1] - 0.003, OPENING[2] - 0.0015)
    shapes.extruded("camera-plate", plate + np.array(OPENING_CENTRE), plate_z, plate_z + 0.0006,
                    glass)  # fmt: skip
    steel = kit.Nodes("lens-ring").set(Base_Color=(0.6, 0.61, 0.63, 1), Metallic=1.0,
                                       Roughness=0.22).material  # fmt: skip
    lens_glass = kit.Nodes("lens").set(Base_Color=(0.005, 0.006, 0.008, 1), Roughness=0.03,
                                       Coat_Weight=1.0).material  # fmt: skip
    for index, (dx, dy) in enumerate(((-0.0075, 0.0075), (-0.0075, -0.0075), (0.0085, 0.0))):
        x, y = OPENING_CENTRE[0] + dx, OPENING_CENTRE[1] + dy
        kit.cylinder(f"lens-ring{index}", 0.0062, 0.0004, (x, y, plate_z + 0.0008), steel,
                     vertices=64)  # fmt: skip
        kit.cylinder(f"lens{index}", 0.0048, 0.0001, (x, y, plate_z + 0.00105), lens_glass,
                     vertices=64)  # fmt: skip


def print_face():
    """The printed back: the case's back inset from its rounded edge, the cut-out left open."""
    outline = shapes.rounded_rectangle(WIDTH - 0.004, HEIGHT - 0.004, RADIUS - 0.002)
    hole = shapes.rounded_rectangle(OPENING[0] + 0.0004, OPENING[1] + 0.0004, OPENING[2])
    hole = hole + np.array(OPENING_CENTRE)

    def flat(x, y):
        return x * 0 + DEPTH + 0.00005

    def print_uv(x, y):
        return (x + WIDTH / 2) / WIDTH, (y + HEIGHT / 2) / HEIGHT

    glossy = kit.carrier_white(roughness=0.18, coat=1.0)
    return shapes.filled_outline("case-back", outline, 0.002, flat, print_uv, glossy, holes=[hole])


def build() -> kit.Shot:
    cloth = kit.linen("#d8d2c6", threads=900.0)
    kit.box("cloth", (1.2, 1.2, 0.01), (0, 0, -0.005), cloth, bevel=0)
    case_shell()
    camera_module()
    back = print_face()
    props.vase("cup", (0.16, 0.13, 0.0), height=0.085, radius=0.046, glaze="#efece6",
               roughness=0.15)  # fmt: skip
    props.book("notebook", (0.21, 0.15, 0.012), "#5b6a5a", (-0.17, 0.05, 0.0), -14 + 90)
    kit.hdri("interior", 0.9, key_from=140)
    kit.area_light("window", (-0.7, 0.5, 0.8), (0, 0, 0), 1.0, 90, "#fff3e3", 0.8)
    kit.camera((0.03, -0.22, 0.36), (0.0, -0.005, 0.0), lens=60, focus=back, fstop=8.0)
    bpy.context.view_layer.update()
    return kit.Shot(carrier=back, print_size=(745, 1510), glossy_carrier=True, map_reduction=2)
