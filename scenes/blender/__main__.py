"""Render scenes with Blender and build their template folders.

Usage: python -m scenes.blender [SCENE ...] [--out DIR] [--scale S] [--samples N]
           [--beauty-percent P] [--blender-python PATH] [--raw DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from mockups.templates.model import BUILTIN_DIR
from scenes.blender.build import build

STUDIO = Path(__file__).parent / "studio"
SCENES = [
    "framed_sofa",
    "mug_table",
    "poster_taped",
    "canvas_wrapped",
    "pillow_sofa",
    "greeting_card",
    "tshirt_flatlay",
    "phone_case",
    "desk_frame",
    "tote_hanging",
    "workspace_mug",
    "wall_ledge",
    "wall_scale",
    "zoom_canvas_corner",
    "zoom_frame_corner",
]
DEFAULT_PYTHON = Path(__file__).resolve().parents[2] / ".venv-scenes" / "bin" / "python"


def render_raw(
    scene: str,
    raw: Path,
    python: Path,
    scale: float,
    samples: int,
    grey_card: bool = False,
    beauty_percent: int | None = None,
    world_map: int | None = None,
) -> None:
    """One scene's raw layers, rendered by Blender's Python at low CPU priority; with
    `grey_card`, also the scene with an 18 % grey card for the print (the tests');
    `beauty_percent`: of the output, the beauty's size (render.py's default: all of it);
    `world_map`: px of the world light's importance map (render.py's default: Blender's)."""
    command = ["nice", "-n", "10", str(python), str(STUDIO / "render.py"), scene]
    command += ["--out", str(raw), "--scale", str(scale), "--samples", str(samples)]
    command += ["--beauty-percent", str(beauty_percent)] if beauty_percent else []
    command += ["--world-map", str(world_map)] if world_map else []
    command += ["--grey-card"] if grey_card else []
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{scene}: the render failed:\n{tail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scenes.blender")
    parser.add_argument("scenes", nargs="*", default=[], choices=[[], *SCENES], metavar="SCENE")
    parser.add_argument("--out", type=Path, default=BUILTIN_DIR)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--samples", type=int, default=24)
    parser.add_argument("--blender-python", type=Path, default=DEFAULT_PYTHON)
    parser.add_argument("--raw", type=Path, help="keep the raw renders here")
    parser.add_argument("--beauty-percent", type=int, help="of the output (default 100)")
    parser.add_argument(
        "--world-map", type=int, help="px of the world light's importance map (256 is quick)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="scenes-raw-") as temporary:
        raw_root = args.raw or Path(temporary)
        for scene in args.scenes or SCENES:
            raw = raw_root / scene
            render_raw(
                scene,
                raw,
                args.blender_python,
                args.scale,
                args.samples,
                beauty_percent=args.beauty_percent,
                world_map=args.world_map,
            )
            print(build(raw, args.out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
