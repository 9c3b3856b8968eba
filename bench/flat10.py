"""Ten flat placements of a 4000x5000 JPEG: the engine against the team's first, naive version.

Both sides place the artwork in the same plain flat template (a 1400x1960 print box on a
3000x2400 scene, no mask, no shading): resize, composite, encode. Each side runs as its own
child process, alternating, so all see the same machine state.
Usage: python -m bench.flat10 [--runs N]
Worker: python -m bench.flat10 --worker ours|ours-threads|naive ART OUTDIR
"""

from __future__ import annotations

import argparse
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

from PIL import Image

from bench.common import (
    MEASUREMENT_HEADERS,
    PYTHON,
    Measurement,
    Run,
    inherited_floor_mb,
    make_artwork,
    measurement_json,
    measurement_row,
    print_json,
    print_table,
    ratio_row,
    run_once,
    summarise,
    temp_folder,
    verdict,
)
from mockups.options import RenderOptions
from mockups.render.run import render_run
from mockups.templates.model import Template, load_template

PLACEMENTS = 10
TEMPLATE = "flat-print"
SCENE_SIZE = (3000, 2400)
PRINT_BOX = (800, 220, 1400, 1960)
JPEG_QUALITY = 90
GOAL_RATIO = 1 / 3
SIDES = ("ours", "ours-threads", "naive")
NOTES = """notes:
  ours: render_run on the flat template x10, sequential (the default): one mockup at a time;
    it also decodes the template's scene and writes thumbnails, run.json and the working copy.
  ours-threads: the same with mode threads, 2 workers (this machine's cores).
  naive: 10 threads at once, each a full decode, LANCZOS resize, paste on a new canvas and
    JPEG encode; every canvas and encoded file kept until all are written.
  peak RSS MB: ru_maxrss from wait4 on each worker process; CPU s: its user + system time."""


def flat_template_dir(artwork: Path) -> Path:
    return artwork.parent / TEMPLATE


def write_flat_template(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", SCENE_SIZE, (236, 234, 230)).save(folder / "scene.jpg", quality=90)
    manifest = {
        "format": 1,
        "name": "Flat print",
        "product": "poster",
        "size": list(SCENE_SIZE),
        "scene": "scene.jpg",
        "placement": {"type": "rect", "box": list(PRINT_BOX)},
    }
    (folder / "template.json").write_text(json.dumps(manifest))


def flat_template(artwork: Path) -> Template:
    return load_template(flat_template_dir(artwork))


def ours(artwork: Path, out: Path) -> None:
    render_run(artwork, out, options=RenderOptions(templates=[flat_template(artwork)] * PLACEMENTS))


def ours_threads(artwork: Path, out: Path) -> None:
    templates = [flat_template(artwork)] * PLACEMENTS
    render_run(artwork, out, options=RenderOptions(templates=templates, mode="threads", workers=2))


def naive(artwork: Path, out: Path) -> None:
    """Everything started at once, every result kept until the end (like Node's Promise.all)."""
    template = flat_template(artwork)
    with ThreadPoolExecutor(PLACEMENTS) as pool:
        futures = [pool.submit(naive_placement, artwork, template) for _ in range(PLACEMENTS)]
        results = [future.result() for future in futures]
    out.mkdir(parents=True, exist_ok=True)
    for index, (_canvas, encoded) in enumerate(results, start=1):
        (out / f"{index:02d}-{TEMPLATE}.jpg").write_bytes(encoded)


def naive_placement(artwork: Path, template: Template) -> tuple[Image.Image, bytes]:
    with Image.open(artwork) as image:
        image.load()
        canvas = Image.new("RGB", template.size, (236, 234, 230))
        left, top = (int(c) for c in template.quad[0])
        canvas.paste(image.resize(template.print_size, Image.Resampling.LANCZOS), (left, top))
    buffer = BytesIO()
    canvas.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return canvas, buffer.getvalue()


WORKERS = {"ours": ours, "ours-threads": ours_threads, "naive": naive}


def measure_sides(artwork: Path, work: Path, runs: int) -> dict[str, Measurement]:
    results: dict[str, list[Run]] = {side: [] for side in SIDES}
    for number in range(runs):
        for side in SIDES:
            out = work / f"{side}-{number}"
            command = [PYTHON, "-m", "bench.flat10", "--worker", side, str(artwork), str(out)]
            results[side].append(run_once(command))
            written = len(list(out.glob("*.jpg")))
            if written != PLACEMENTS:
                raise RuntimeError(f"{side}: wrote {written} placements, not {PLACEMENTS}")
            shutil.rmtree(out)
    return {side: summarise(runs) for side, runs in results.items()}


def report(runs: int, results: dict[str, Measurement], template: Template) -> None:
    width, height = template.size
    box_width, box_height = template.print_size
    print(
        f"flat10: {PLACEMENTS} flat placements of a 4000x5000 JPEG, print box "
        f"{box_width}x{box_height} on {width}x{height}, JPEG q{JPEG_QUALITY}, {runs} runs each"
    )
    naive_run = results["naive"]
    ratios = {
        side: (
            results[side].median_wall_seconds / naive_run.median_wall_seconds,
            results[side].median_peak_rss_mb / naive_run.median_peak_rss_mb,
        )
        for side in ("ours", "ours-threads")
    }
    rows = [measurement_row(side, m) for side, m in results.items()]
    rows += [ratio_row(f"{side} / naive", results[side], naive_run) for side in ratios]
    print_table(["", *MEASUREMENT_HEADERS], rows)
    print(NOTES)
    print(f"  ru_maxrss floor inherited from this launcher: {inherited_floor_mb():.1f} MB")
    met = {side: w <= GOAL_RATIO and r <= GOAL_RATIO for side, (w, r) in ratios.items()}
    for side, (wall_ratio, rss_ratio) in ratios.items():
        print(
            f"goal: {side} <= 1/3 of naive in wall time and peak RSS: "
            f"{wall_ratio:.2f} and {rss_ratio:.2f}: {verdict(met[side])}"
        )
    summary = {side: measurement_json(m) for side, m in results.items()}
    rounded = {
        side: {"wall": round(w, 3), "peak_rss": round(r, 3)} for side, (w, r) in ratios.items()
    }
    print_json("flat10", {"runs": runs, **summary, "ratio": rounded, "goal_met": met})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.flat10", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs of each side (default 5)")
    parser.add_argument("--worker", choices=SIDES, help="run one side in this process")
    parser.add_argument("paths", nargs="*", type=Path, help="ART OUTDIR, with --worker")
    args = parser.parse_args(argv)
    if args.worker:
        artwork, out = args.paths
        WORKERS[args.worker](artwork, out)
        return 0
    with temp_folder("flat10") as folder:
        work = Path(folder)
        artwork = make_artwork(work)
        write_flat_template(flat_template_dir(artwork))
        results = measure_sides(artwork, work, args.runs)
        report(args.runs, results, flat_template(artwork))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
