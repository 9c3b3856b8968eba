"""Render one scene's raw layers: `python render.py SCENE --out DIR [--scale S] [--samples N]
[--grey-card]`.

Run by Blender's Python (the `bpy` wheel in .venv-scenes), not the app's: it imports only
bpy, numpy and the scene modules beside it. Writes DIR/beauty.npy, DIR/matte.npy (scenes
with gloss or glass), DIR/data.npy (float16 arrays, rows top to bottom) and DIR/shot.json
(with the camera's lens, for its light falloff); with `--grey-card` also DIR/grey.npy, the
beauty with the print's carrier an 18 % grey (the tests' reference for a grey print).
`scenes.blender` turns them into a template folder.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import tempfile
from pathlib import Path

import intersections
import kit
import numpy as np

DATA_SAMPLES = 64  # no bounces: cheap; fewer leave a speckled edge where depth of field blurs it


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="render.py")
    parser.add_argument("scene")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=1.0, help="of the template's size")
    parser.add_argument("--samples", type=int, default=32)
    parser.add_argument("--grey-card", action="store_true", help="also render grey.npy")
    parser.add_argument(
        "--beauty-percent",
        type=int,
        default=kit.BEAUTY_PERCENT,
        help="of the output size the beauty is rendered at (100: every pixel rendered)",
    )
    parser.add_argument(
        "--world-map",
        type=int,
        default=0,
        help="px of the world light's importance map (0: Blender's own choice, the HDRI's "
        "1024; a render tens of pixels wide needs no more than 256)",
    )
    args = parser.parse_args(argv)
    module = importlib.import_module(args.scene)
    template = module.TEMPLATE
    kit.reset()
    shot = module.build()
    intersections.check()  # no two objects pass into one another
    width, height = (max(8, round(side * args.scale)) for side in template["size"])
    albedo = kit.carrier_albedo(shot)  # read before the data render swaps every material
    kit.configure(width, height, args.samples, denoise=True)
    if args.world_map:
        kit.world_map(args.world_map)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="scene-") as folder:
        exr = Path(folder)
        save(
            args.out / "beauty.npy",
            kit.render_beauty(exr / "beauty.exr", args.samples, args.beauty_percent),
        )
        if shot.glossy or shot.glossy_carrier:
            percent = max(kit.MATTE_PERCENT, math.ceil(100 * kit.MATTE_MIN_WIDTH / width))
            matte = kit.render_matte(exr / "matte.exr", shot, args.samples, min(100, percent))
            save(args.out / "matte.npy", matte)
        if args.grey_card:
            save(
                args.out / "grey.npy",
                kit.render_grey_card(exr / "grey.exr", shot, args.samples, args.beauty_percent),
            )
        data = kit.render_data(exr / "data.exr", shot, DATA_SAMPLES)
        save(args.out / "data.npy", data)
    facts = {
        "template": template,
        "size": [width, height],
        "print_size": list(shot.print_size),
        "carrier_albedo": albedo,
        "exposure": shot.exposure,
        "map_reduction": shot.map_reduction,
        "has_product": bool(shot.product),
        "camera": kit.lens_facts(),
        "beauty_percent": args.beauty_percent,
    }
    (args.out / "shot.json").write_text(json.dumps(facts, indent=2))
    return 0


def save(path: Path, pixels: np.ndarray) -> None:
    np.save(path, pixels.astype(np.float16 if path.stem != "data" else np.float32))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
