"""Peak RSS of a sequential ten-template render for each kind of artwork the intake accepts.

The benchmark set is written by a child process (so this launcher stays small: a child's
ru_maxrss starts at its parent's peak): a 4000 x 5000 JPEG, a 2500 x 2500 RGBA PNG, a 10 MP
camera JPEG with EXIF orientation 6, a 24 MP camera JPEG, a 12000 x 12000 PNG, a 16-bit TIFF
and a CMYK JPEG with its ICC profile. Each is rendered by whole `python -m mockups render`
processes.

Usage: python -m bench.inputs_memory [--runs N] [--only NAME,NAME]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    MIB,
    PYTHON,
    Measurement,
    inherited_floor_mb,
    print_json,
    print_table,
    run_once,
    summarise,
    temp_folder,
    verdict,
)
from bench.machine import load_average, load_note
from bench.studio10 import MOCKUPS, render_command, ten_template_ids
from mockups.render.run import RUN_FILE

GOAL_MB = 150.0
ORIENTATION_TAG = 0x0112
NOTES = """notes:
  peak RSS MB: ru_maxrss from wait4 on the render process (sequential, so no workers);
    run.json MB: the render's own 10 ms sampler. Median of the runs.
  decoded: the working size the intake decoded the artwork at, after orientation, and by what
    (run.json).
  Photo-like pixels (gradients, texture, grain) so the files do not compress away, except the
  12000 x 12000 PNG: smooth gradients and a sine computed by libvips while it is written, so
  the file (about 46 MB) stays under the intake's 200 MB limit."""


@dataclass(frozen=True)
class Input:
    name: str
    file: str
    description: str


INPUTS = (
    Input("jpeg", "photo-4000x5000.jpg", "4000 x 5000 JPEG q90"),
    Input("rgba-png", "rgba-2500x2500.png", "2500 x 2500 RGBA PNG"),
    Input("camera", "camera-3872x2592-exif6.jpg", "10 MP camera JPEG, EXIF orientation 6"),
    Input("camera-24mp", "camera-6000x4000.jpg", "24 MP camera JPEG, no ICC profile"),
    Input("huge-png", "huge-12000x12000.png", "12000 x 12000 RGB PNG"),
    Input("tiff16", "rgb16-4000x5000.tif", "4000 x 5000 16-bit RGB TIFF (deflate)"),
    Input("cmyk", "cmyk-4000x5000.jpg", "4000 x 5000 CMYK JPEG q90 with ICC profile"),
)


# The benchmark set, written by `--make FOLDER` in a child process --------------------------


def make_inputs(folder: Path) -> None:
    import numpy as np
    import pyvips
    from PIL import Image

    from profiling.artworks import photo_like_artwork

    photo = photo_like_artwork(folder, (4000, 5000))
    photo_vips = pyvips.Image.new_from_file(str(photo))

    square = Image.open(photo_like_artwork(folder, (2500, 2500))).convert("RGBA")
    y, x = np.mgrid[0:2500, 0:2500]
    distance = np.hypot(x - 1250, y - 1250)
    alpha = np.clip((1200 - distance) / 40 * 255, 0, 255).astype(np.uint8)  # soft round edge
    square.putalpha(Image.fromarray(alpha, "L"))
    square.save(folder / "rgba-2500x2500.png")

    camera = Image.open(photo_like_artwork(folder, (3872, 2592)))
    exif = Image.Exif()
    exif[ORIENTATION_TAG] = 6
    exif[0x010F], exif[0x0110] = "Camera maker", "Camera model"
    camera.save(folder / "camera-3872x2592-exif6.jpg", quality=90, exif=exif)
    # the most common camera size, held level: its JPEG draft cannot halve what the prints
    # need, so libvips shrinks it while reading
    level = Image.Exif()
    level[0x010F], level[0x0110] = "Camera maker", "Camera model"
    Image.open(photo_like_artwork(folder, (6000, 4000))).save(
        folder / "camera-6000x4000.jpg", quality=90, exif=level
    )

    x_vips, y_vips = pyvips.Image.xyz(12000, 12000)
    red = x_vips * (255 / 12000)
    green = y_vips * (255 / 12000)
    blue = (x_vips * 0.9 + y_vips * 0.4).sin() * 100 + 128  # libvips' sin takes degrees
    huge = red.bandjoin([green, blue]).cast("uchar")  # smooth, so it stays under 200 MB
    path = folder / "huge-12000x12000.png"
    huge.pngsave(str(path), compression=1, filter="sub", keep="none")

    rgb16 = (photo_vips.cast("ushort") * 257).cast("ushort").copy(interpretation="rgb16")
    rgb16.tiffsave(str(folder / "rgb16-4000x5000.tif"), compression="deflate")

    cmyk = photo_vips.icc_export(output_profile="cmyk")
    cmyk.jpegsave(str(folder / "cmyk-4000x5000.jpg"), Q=90)

    (folder / "photo-2500x2500.jpg").unlink()
    (folder / "photo-3872x2592.jpg").unlink()
    (folder / "photo-6000x4000.jpg").unlink()


# The benchmark -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    input: Input
    file_mb: float
    decoded: str
    measurement: Measurement
    run_json_mb: float


def measure_input(item: Input, folder: Path, ids: list[str], runs: int) -> Result:
    path = folder / item.file
    results, recorded, decoded = [], [], ""
    for number in range(runs):
        out = folder / f"{item.name}-{number}"
        results.append(run_once(render_command(path, out, ids, "sequential")))
        run = json.loads((out / RUN_FILE).read_text())
        if len(run["mockups"]) != MOCKUPS:
            raise RuntimeError(f"{item.name}: {len(run['mockups'])} mockups, not {MOCKUPS}")
        recorded.append(run["peak_rss_bytes"] / MIB)
        decoded = decoded_size(run["artwork"])
        shutil.rmtree(out)
    return Result(
        input=item,
        file_mb=path.stat().st_size / MIB,
        decoded=decoded,
        measurement=summarise(results),
        run_json_mb=statistics.median(recorded),
    )


def decoded_size(artwork: dict) -> str:
    return f"{artwork['working_width']}x{artwork['working_height']} {artwork['decoder']}"


def report(runs: int, results: list[Result], load: float) -> None:
    print(f"inputs_memory: {MOCKUPS} mockups (built-in templates), sequential, {runs} runs each")
    rows = [
        [
            r.input.description,
            f"{r.file_mb:.1f}",
            r.decoded,
            f"{r.measurement.median_wall_seconds:.2f}",
            f"{r.measurement.median_peak_rss_mb:.1f}",
            f"{r.run_json_mb:.1f}",
            f"{GOAL_MB:.0f}",
            verdict(r.measurement.median_peak_rss_mb <= GOAL_MB),
        ]
        for r in results
    ]
    headers = [
        "input",
        "file MB",
        "decoded",
        "wall s",
        "peak RSS MB",
        "run.json MB",
        "goal MB",
        "goal",
    ]
    print_table(headers, rows)
    print(NOTES)
    print(f"  ru_maxrss floor inherited from this launcher: {inherited_floor_mb():.1f} MB")
    print(load_note(load))
    met = all(r.measurement.median_peak_rss_mb <= GOAL_MB for r in results)
    worst = max(results, key=lambda r: r.measurement.median_peak_rss_mb)
    print(
        f"goal: every input <= {GOAL_MB:.0f} MB: largest {worst.measurement.median_peak_rss_mb:.0f}"
        f" MB ({worst.input.name}): {verdict(met)}"
    )
    summary = {
        r.input.name: {
            "file_mb": round(r.file_mb, 1),
            "decoded": r.decoded,
            "median_wall_seconds": round(r.measurement.median_wall_seconds, 3),
            "median_peak_rss_mb": round(r.measurement.median_peak_rss_mb, 1),
            "peak_rss_mb": [round(run.peak_rss_mb, 1) for run in r.measurement.runs],
            "run_json_mb": round(r.run_json_mb, 1),
        }
        for r in results
    }
    print_json("inputs_memory", {"runs": runs, "inputs": summary, "goal_met": met})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inputs_memory", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per input (default 3)")
    parser.add_argument("--only", help="input names, comma-separated (default all)")
    parser.add_argument("--make", type=Path, metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.make:
        make_inputs(args.make)
        return 0
    chosen = args.only.split(",") if args.only else [item.name for item in INPUTS]
    unknown = set(chosen) - {item.name for item in INPUTS}
    if unknown:
        parser.error(f"unknown input {', '.join(sorted(unknown))}")
    load = load_average()
    ids = ten_template_ids()
    with temp_folder("inputs-memory") as name:
        folder = Path(name)
        run_once([PYTHON, "-m", "bench.inputs_memory", "--make", str(folder)])
        items = [item for item in INPUTS if item.name in chosen]
        results = [measure_input(item, folder, ids, args.runs) for item in items]
    report(args.runs, results, load)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
