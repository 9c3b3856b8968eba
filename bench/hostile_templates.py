"""Hostile and worst-case templates: Photoshop imports, print maps and contact sheets, each a
whole `python -m mockups` process, against the 256 MB ceiling.

Usage: python -m bench.hostile_templates [--keep FOLDER]

The inputs are written by a child process (see bench/README.md: a child inherits its
parent's peak RSS as its floor): the worst PSD the import accepts (8000 x 8000, the most
pixels it takes, photo-like layers over and under a print filling most of it, blended groups,
masks), a 16-bit document laid out as Photoshop writes one (its layers in an `Lr16` block),
an embedded 600 MB smart object, decompression bombs, damaged and nested documents; print
map templates on a 3000 x 3000 scene (a full-size 16-bit map with coverage, one cut short, a
print of 30000 x 1) and a sheet whose print is 12000 px. Each row: accepted or refused (with
its one line), wall seconds, peak RSS from wait4. Renders and sheets run with the default
budget (256 MB), as the command line does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    PYTHON,
    ROOT,
    Outcome,
    inherited_floor_mb,
    print_json,
    print_table,
    run_outcome,
    verdict,
)

CEILING_MB = 256


@dataclass(frozen=True)
class Case:
    name: str
    command: list[str]  # after `python -m mockups`


def write_inputs(folder: Path) -> None:
    """Every input, written here (in the child process)."""
    _write_psds(folder)
    _write_templates(folder / "home" / "templates")


def _photo(width: int, height: int, seed: int, alpha: bool):
    """Smooth light at 1/8 size with film grain: compresses like a photograph."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height:8, 0:width:8].astype(np.float32)
    waves = np.sin(x / rng.uniform(80, 400) + y / rng.uniform(80, 400)) * 70 + 128
    small = np.stack([waves + rng.uniform(-30, 30) for _ in range(3)], axis=-1)
    image = Image.fromarray(np.clip(small, 0, 255).astype(np.uint8), "RGB")
    image = image.resize((width, height), Image.Resampling.BILINEAR)
    image = Image.blend(image, Image.effect_noise((width, height), 12).convert("RGB"), 0.15)
    if alpha:
        image.putalpha(Image.linear_gradient("L").resize((width, height)))
    return image


def _write_psds(folder: Path) -> None:
    from PIL import Image
    from psd_tools.constants import BlendMode, Compression

    from harness.psd_factory import (
        PsdBuilder,
        SmartObjectSpec,
        declare_rect,
        even_mesh,
        move_layers_into_block,
        nest_groups,
    )

    side = 8000
    builder = PsdBuilder((side, side))
    builder.add_pixels(_photo(side, side, 1, alpha=False), "background")
    quad = ((400.0, 400.0), (7600.0, 420.0), (7580.0, 7600.0), (420.0, 7580.0))
    builder.add_smart_object(SmartObjectSpec("Your design", quad))
    blended = builder.document.create_group(name="glass", blend_mode=BlendMode.NORMAL, opacity=200)
    builder.add_pixels(
        _photo(side, side, 2, True), "tint", parent=blended, blend=BlendMode.MULTIPLY
    )
    inner = blended.create_group(name="inner", blend_mode=BlendMode.NORMAL)
    builder.add_pixels(_photo(side, side, 3, True), "sheen", parent=inner, blend=BlendMode.SCREEN)
    builder.add_pixels(_photo(side, side, 4, True), "shadow", blend=BlendMode.MULTIPLY)
    builder.add_pixels(_photo(side, side, 5, True), "glare", blend=BlendMode.SCREEN)
    plant = _photo(side // 3, side // 2, 6, True)
    builder.add_pixels(plant, "plant", left=side // 2, top=side // 3)
    builder.save(folder / "worst-8000x8000.psd", preview=False)
    del builder

    builder = PsdBuilder((6000, 4000), depth=16)
    for index in range(4):
        builder.add_pixels(_photo(6000, 4000, 10 + index, True), f"light {index}")
    builder.add_smart_object(
        SmartObjectSpec("Your design", tuple((x * 0.7, y * 0.5) for x, y in quad))
    )
    move_layers_into_block(builder.save(folder / "16bit-6000x4000-lr16.psd", preview=False))
    del builder

    def wall(**spec):
        builder = PsdBuilder((600, 400))
        layer = builder.add_pixels(Image.new("RGB", (600, 400), (120, 150, 180)), "wall")
        small = ((100.0, 80.0), (400.0, 90.0), (390.0, 320.0), (110.0, 310.0))
        builder.add_smart_object(SmartObjectSpec("Your design", small, **spec))
        return builder, layer

    builder, _ = wall(embedded_bytes=600 * 2**20)
    builder.save(folder / "embedded-600MB.psd", preview=False)
    for name, rect, compression in (
        ("zip-bomb-30000x30000", (0, 0, 30000, 30000), Compression.ZIP),
        ("rle-bomb-30000x30000", (0, 0, 30000, 30000), Compression.RLE),
        ("past-the-edges-3x", (-600, -400, 1200, 800), Compression.ZIP),
    ):
        builder, layer = wall()
        declare_rect(layer, rect, compression)
        builder.save(folder / f"{name}.psd", preview=False)
    builder, _ = wall()
    deepest = nest_groups(builder, 300)
    builder.add_pixels(Image.new("RGBA", (10, 10), (0, 0, 0, 255)), "deep", parent=deepest)
    builder.save(folder / "nested-300.psd", preview=False)
    mesh = tuple(tuple(point) for point in even_mesh(600, 400))
    builder, _ = wall(warp="warpCustom", mesh=mesh, content=(float("inf"), 400.0))
    builder.save(folder / "warp-bounds-inf.psd", preview=False)
    raw = bytearray((folder / "nested-300.psd").read_bytes())
    raw[14:22] = bytes(8)
    (folder / "header-0x0.psd").write_bytes(raw)


def _write_templates(templates: Path) -> None:
    import pyvips
    from PIL import Image

    from mockups.templates.uvmap import ENCODED_LOW, MAX_VALUE, SPAN

    def template(template_id: str, print_size, factor: int) -> Path:
        folder = templates / template_id
        folder.mkdir(parents=True)
        Image.new("RGB", (3000, 3000), (90, 90, 90)).save(folder / "scene.jpg", quality=90)
        side = -(-3000 // factor)
        x, y = pyvips.Image.xyz(side, side).bandsplit()

        def encoded(values):
            return ((values - ENCODED_LOW) / SPAN * MAX_VALUE).cast("ushort")

        u, v = (x + 0.5) * factor / 3000, (y + 0.5) * factor / 3000
        stored = encoded(u).bandjoin([encoded(v), (u * 0 + MAX_VALUE).cast("ushort")])
        stored.copy(interpretation="rgb16").pngsave(
            str(folder / "printmap.png"), bitdepth=16, compression=1
        )
        placement = {"type": "uvmap", "map": "printmap.png", "box": [0, 0, 3000, 3000]}
        manifest = {"format": 1, "name": template_id, "product": "bench", "size": [3000, 3000]}
        manifest |= {"scene": "scene.jpg", "placement": {**placement, "print": list(print_size)}}
        (folder / "template.json").write_text(json.dumps(manifest))
        return folder

    template("full-map-3000", (500, 500), 1)
    template("quarter-map-3000", (500, 500), 4)
    cut = template("cut-map-3000", (500, 500), 1) / "printmap.png"
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    template("sliver-print", (30000, 1), 4)
    template("print-12000", (12000, 12000), 4)


def cases(folder: Path) -> list[Case]:
    psds = sorted(folder.glob("*.psd"))
    found = [Case(f"import-psd {p.name}", ["import-psd", str(p)]) for p in psds]
    artwork = folder / "artwork-4000x5000.jpg"
    for template_id in ("full-map-3000", "quarter-map-3000", "cut-map-3000", "sliver-print"):
        out = folder / "runs" / template_id
        command = ["render", str(artwork), "--out", str(out), "--templates", template_id]
        found.append(Case(f"render {template_id}", command))
    for template_id in ("full-map-3000", "print-12000"):
        out = folder / f"sheet-{template_id}.jpg"
        command = ["sheet", str(artwork), "--out", str(out), "--templates", template_id]
        found.append(Case(f"sheet {template_id}", command))
    return found


def run(case: Case, home: Path) -> Outcome:
    """One whole `python -m mockups` process: exit status, wall seconds, wait4's peak RSS."""
    environment = {**os.environ, "MOCKUPLAB_HOME": str(home), "MOCKUPLAB_JOB_BUDGET_MB": "256"}
    return run_outcome(case.name, [PYTHON, "-m", "mockups", *case.command], environment)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)  # the child's job
    args = parser.parse_args(argv)
    if args.write:
        write_inputs(args.write)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-hostile-templates-") as temp:
        folder = args.keep or Path(temp)
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "home").exists():
            subprocess.run([PYTHON, "-m", "bench.hostile_templates", "--write", str(folder)],
                           check=True, cwd=ROOT)  # fmt: skip
            subprocess.run([PYTHON, "-m", "bench.common", str(folder / "artwork-4000x5000.jpg")],
                           check=True, cwd=ROOT)  # fmt: skip
        load_before = os.getloadavg()
        outcomes = [run(case, folder / "home") for case in cases(folder)]
        load_after = os.getloadavg()
    report(outcomes, load_before, load_after)
    return 0


def report(outcomes: list[Outcome], load_before, load_after) -> None:
    rows = [
        [
            o.name,
            "accepted" if o.accepted else f"refused (rc {o.returncode})",
            f"{o.wall_seconds:.2f}",
            f"{o.peak_rss_mb:.1f}",
            o.line,
        ]
        for o in outcomes
    ]
    print_table(["case", "outcome", "wall s", "peak RSS MB", "stderr"], rows)
    accepted = [o for o in outcomes if o.accepted]
    worst = max(accepted, key=lambda o: o.peak_rss_mb)
    worst_psd = max((o for o in accepted if o.name.startswith("import-psd")),
                    key=lambda o: o.peak_rss_mb)  # fmt: skip
    worst_map = max((o for o in accepted if not o.name.startswith("import-psd")),
                    key=lambda o: o.peak_rss_mb)  # fmt: skip
    refused = [o for o in outcomes if not o.accepted]
    one_line = all(o.returncode == 2 and " | " not in o.line for o in refused)
    print()
    print(
        f"Load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min). Floor "
        f"inherited from this process: {inherited_floor_mb():.1f} MB."
    )
    print(
        f"Worst accepted PSD: {worst_psd.name} at {worst_psd.peak_rss_mb:.1f} MB; worst "
        f"accepted print map or sheet: {worst_map.name} at {worst_map.peak_rss_mb:.1f} MB."
    )
    print(
        f"Goal: every accepted case <= {CEILING_MB} MB: "
        f"{verdict(worst.peak_rss_mb <= CEILING_MB)}; every refusal rc 2 and one line: "
        f"{verdict(one_line)}"
    )
    print_json(
        "hostile_templates",
        {
            "load_average": [round(load_before[0], 2), round(load_after[0], 2)],
            "cases": [
                {
                    "name": o.name,
                    "returncode": o.returncode,
                    "wall_seconds": round(o.wall_seconds, 2),
                    "peak_rss_mb": round(o.peak_rss_mb, 1),
                }
                for o in outcomes
            ],
        },
    )


if __name__ == "__main__":
    sys.exit(main())
