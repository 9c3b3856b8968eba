"""A phone in a glossy printed case lying on a linen cloth by a coffee cup, seen from above."""

from __future__ import annotations

import kit
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


def lens(name, x, y, z, radius):
    ring = kit.cylinder(
        f"{name}-ring", radius + 0.0012, 0.0016, (x, y, z), kit.matte("#9a9ca0", 0.25)
    )
    ring.data.materials[0].node_tree.nodes["Principled BSDF"].inputs["Metallic"].default_value = 1
    glass = kit.Nodes(f"{name}-glass").set(Base_Color=(0.01, 0.012, 0.015, 1), Roughness=0.05)
    kit.cylinder(name, radius, 0.0018, (x, y, z + 0.0002), glass.material)


def build() -> kit.Shot:
    cloth = kit.linen("#d8d2c6", weave=420)
    kit.box("cloth", (1.2, 1.2, 0.01), (0, 0, -0.005), cloth, bevel=0)
    shell = kit.Nodes("case-shell").set(Base_Color=(0.86, 0.86, 0.86, 1), Roughness=0.25)
    kit.box("case", (WIDTH, HEIGHT, DEPTH), (0, 0, DEPTH / 2), shell.material, bevel=0.0055,
            segments=6)  # fmt: skip
    outline = shapes.rounded_rectangle(WIDTH - 0.004, HEIGHT - 0.004, RADIUS - 0.002)

    def flat(x, y):
        return x * 0 + DEPTH + 0.0002

    def print_uv(x, y):
        return (x + WIDTH / 2) / WIDTH, (y + HEIGHT / 2) / HEIGHT

    back = shapes.outline_sheet("case-back", outline, 0.002, flat, print_uv,
                                kit.carrier_white(roughness=0.18, coat=1.0))  # fmt: skip
    island = kit.box("camera-island", (0.034, 0.034, 0.0022),
                     (-WIDTH / 2 + 0.022, HEIGHT / 2 - 0.022, DEPTH + 0.0011),
                     kit.matte("#2a2b2e", 0.3), bevel=0.006, segments=6)  # fmt: skip
    for index, (dx, dy) in enumerate(((-0.008, 0.008), (-0.008, -0.008), (0.008, 0.0))):
        lens(
            f"lens{index}", island.location[0] + dx, island.location[1] + dy, DEPTH + 0.0025, 0.0055
        )
    cup = kit.cylinder("cup", 0.045, 0.085, (0.16, 0.13, 0.0425), kit.ceramic("#efece6", 0.15))
    cup.scale = (1, 1, 1)
    kit.box("notebook", (0.15, 0.21, 0.012), (-0.17, 0.05, 0.006), kit.matte("#5b6a5a", 0.8),
            0.002, rotation=kit.radians(0, 0, -14))  # fmt: skip
    kit.world("#e6ebf0", 0.3)
    kit.area_light("window", (-0.7, 0.5, 0.8), (0, 0, 0), 1.0, 120, "#fff3e3", 0.8)
    kit.area_light("fill", (0.6, -0.6, 0.7), (0, 0, 0), 1.2, 20, "#eef2ff", reflected=False)
    kit.camera((0.03, -0.22, 0.36), (0.0, -0.005, 0.0), lens=60, focus=back, fstop=4.0)
    for obj in (back, island):
        obj.rotation_euler = (0, 0, 0)
    return kit.Shot(carrier=back, print_size=(745, 1510), glossy_carrier=True, map_reduction=2)
