"""Importing a big Photoshop mockup, and rendering from what it made: time and peak RSS.

Usage: python -m bench.psd_import [--runs 3] [--size 6000x4000] [--layers 30] [--psd PATH] [--warp]

A seeded PSD is written by a child process: a photographic background with film grain,
smooth full-size multiply and screen light layers (as real mockups' are), partial normal
layers (objects in front), hidden layers, a group, and the smart object. Its flattened
preview is left blank: psd-tools would composite one in float64 (gigabytes at this size),
and the import never reads it. `--warp` gives the smart object a custom warp (its print
becomes a print map). Then `python -m mockups import-psd` and a one-mockup
`python -m mockups render` with the imported template run as whole processes.
Goal: import <= 256 MB peak RSS (the import's budget); render <= 150 MB.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bench.common import (
    MIB,
    PYTHON,
    make_artwork,
    measure,
    measurement_json,
    print_json,
    print_table,
    run_once,
    summarise,
    temp_folder,
    verdict,
)

IMPORT_GOAL_MB = 256
RENDER_GOAL_MB = 150


def write_psd(
    path: Path, width: int, height: int, layers: int, seed: int = 11, warp: bool = False
) -> None:
    """The benchmark's PSD: `layers` layers in all, the smart object among them."""
    import numpy as np
    from PIL import Image
    from psd_tools.constants import BlendMode

    from harness.psd_factory import PsdBuilder, SmartObjectSpec, even_mesh

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height:8, 0:width:8].astype(np.float32)

    def photo(alpha: bool, grain: bool = False) -> Image.Image:
        """Smooth light at 1/8 size, enlarged; with film grain it compresses like a photo."""
        bands = [np.sin(x / rng.uniform(80, 400) + y / rng.uniform(80, 400)) * 70 + 128]
        small = np.stack([bands[0] + rng.uniform(-30, 30) for _ in range(3)], axis=-1)
        image = Image.fromarray(np.clip(small, 0, 255).astype(np.uint8), "RGB")
        image = image.resize((width, height), Image.Resampling.BILINEAR)
        if grain:
            noise = Image.effect_noise((width, height), 12).convert("RGB")
            image = Image.blend(image, noise, 0.15)
        if alpha:
            image.putalpha(Image.linear_gradient("L").resize((width, height)))
        return image

    quad = ((width * 0.3, height * 0.2), (width * 0.62, height * 0.22))
    quad += ((width * 0.6, height * 0.8), (width * 0.32, height * 0.78))
    builder = PsdBuilder((width, height))
    builder.add_pixels(photo(alpha=False, grain=True), "background photo")
    spec = SmartObjectSpec("Your design", quad)
    if warp:
        mesh = even_mesh(*spec.content)
        for index in (5, 6, 9, 10, 13, 14):  # the middle and the bottom edge sag
            mesh[index][1] += spec.content[1] * 0.15
        spec = SmartObjectSpec("Your design", quad, warp="warpCustom", mesh=tuple(map(tuple, mesh)))
    builder.add_smart_object(spec)
    group = builder.document.create_group(name="props")
    for index in range(layers - 2):
        kind = index % 4
        if kind == 0:
            builder.add_pixels(photo(True), f"shadow {index}", blend=BlendMode.MULTIPLY)
        elif kind == 1:
            builder.add_pixels(photo(True), f"glare {index}", blend=BlendMode.SCREEN, opacity=90)
        elif kind == 2:
            side = min(width, height) // 4
            thing = photo(True).crop((0, 0, side, side))
            left, top = int(rng.integers(0, width - side)), int(rng.integers(0, height - side))
            builder.add_pixels(thing, f"object {index}", left=left, top=top, parent=group)
        else:
            builder.add_pixels(photo(True), f"old version {index}", visible=False)
    builder.save(path, preview=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="6000x4000")
    parser.add_argument("--layers", type=int, default=30)
    parser.add_argument("--psd", help="keep the generated PSD here and reuse it if present")
    parser.add_argument("--warp", action="store_true", help="a custom warp on the print")
    parser.add_argument("--write", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.split("x"))
    if args.write:
        write_psd(Path(args.write), width, height, args.layers, warp=args.warp)
        return 0
    with temp_folder("psd-import") as folder:
        root = Path(folder)
        psd = Path(args.psd) if args.psd else root / "mockup.psd"
        if not psd.exists():
            warp = ["--warp"] if args.warp else []
            run_once([PYTHON, "-m", "bench.psd_import", "--write", str(psd), "--size", args.size,
                      "--layers", str(args.layers), *warp])  # fmt: skip
        artwork = make_artwork(root)
        imports = []
        for run in range(args.runs):
            os.environ["MOCKUPLAB_HOME"] = str(root / f"home-{run}")
            imports.append(
                measure([PYTHON, "-m", "mockups", "import-psd", str(psd), "--id", "bench"], 1)
            )
        renders = measure(
            [PYTHON, "-m", "mockups", "render", str(artwork), "--out", str(root / "run"),
             "--templates", "bench"], args.runs,
        )  # fmt: skip
        imported = summarise([run for m in imports for run in m.runs])
        size_mb = psd.stat().st_size / MIB
    rows = [
        [f"import-psd ({width} x {height}, {args.layers} layers, {size_mb:.0f} MB file)",
         f"{imported.median_wall_seconds:.2f}", f"{imported.median_peak_rss_mb:.1f}"],
        ["render 1 mockup from it", f"{renders.median_wall_seconds:.2f}",
         f"{renders.median_peak_rss_mb:.1f}"],
    ]  # fmt: skip
    print_table(["step", "wall s", "peak RSS MB"], rows)
    met = (
        imported.median_peak_rss_mb <= IMPORT_GOAL_MB
        and renders.median_peak_rss_mb <= RENDER_GOAL_MB
    )
    print(f"goal: import <= {IMPORT_GOAL_MB} MB, render <= {RENDER_GOAL_MB} MB: {verdict(met)}")
    print_json(
        "psd_import",
        {
            "size": [width, height],
            "layers": args.layers,
            "warp": args.warp,
            "file_mb": round(size_mb, 1),
            "import": measurement_json(imported),
            "render": measurement_json(renders),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
