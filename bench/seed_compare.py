"""Studio-10 against the seed team's own stack (Node + sharp), side by side in one run.

Seed: `node bench/seed_stack/seed.mjs`, ten flat composites at once with `Promise.all` onto the
scenes of the same ten built-in templates, each decoding the artwork, resizing it to the print's
bounding box (sharp's `cover`), compositing it onto the scene and encoding a JPEG at quality 90.
Ours: `python -m mockups render` sequential, the ten templates warped, shaded and masked, and
the same with `--mode auto` (two threads when the memory budget allows them).

Usage: python -m bench.seed_compare [--runs N]
Needs the seed stack installed once: npm ci --prefix bench/seed_stack
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from PIL import Image

from bench.common import (
    MEASUREMENT_HEADERS,
    PYTHON,
    ROOT,
    Measurement,
    Run,
    inherited_floor_mb,
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
from bench.machine import load_average, load_note
from bench.studio10 import MOCKUPS, render_command, ten_template_ids
from mockups.artwork.colour import srgb_icc_bytes
from mockups.geometry import bounding_box
from mockups.render.run import RUN_FILE
from mockups.templates.library import load_library
from mockups.templates.model import Template
from profiling.artworks import ARTWORK_SIZE, photo_like_artwork

SEED_STACK = ROOT / "bench" / "seed_stack"
SEED_SCRIPT = SEED_STACK / "seed.mjs"
NODE = shutil.which("node") or "node"
# Issue 31's goals: (name, what is measured, its limit)
GOALS = (
    ("auto wall / seed", "ours_auto", "wall", 0.7),
    ("auto peak RSS / seed", "ours_auto", "peak_rss", 0.6),
    ("sequential wall / seed", "ours", "wall", 1.2),
    ("sequential CPU / seed", "ours", "cpu", 0.8),
)
GOAL_SEQUENTIAL_MB = 150.0
NOTES = """notes:
  Each side is a whole process (node, or python -m mockups render), runs alternating; peak RSS
    is ru_maxrss from wait4, CPU s is user + system from the same call.
  The seed does less per mockup: a flat paste onto the scene (the print's bounding box for the
    warped templates), no warp, shading, mask or thumbnail; ours renders the real templates.
  sharp runs libuv's default 4 threads, and libvips' own concurrency as sharp sets it.
  floor: one process decoding the artwork once (half size, as ours' JPEG draft) and encoding
    ours' ten outputs as JPEGs (q90): the work no renderer of these ten files can skip. The
    outputs' own decodes before their encodes are left out of its wall and CPU seconds; its
    peak RSS holds one decoded output at a time.
  warm: ours in a process that has imported the engine, as a render worker has when a job
    comes (its job's own time: templates loaded and checked, artwork decoded, ten mockups
    written; wall and CPU from the job's start, peak RSS the whole process's). The seed side
    stays a whole process, its node start included."""


# The floor: one process that decodes the artwork once (at half size, as the intake's JPEG
# draft does for this artwork) and JPEG-encodes ten images (q90, with the sRGB profile as
# ours), the ten mockups ours just wrote, so the encoder sees the same pixels. Each mockup is
# decoded before its encode; that decode's CPU and wall time are left out of the figures.
FLOOR = """
import json, os, resource, sys, time
from PIL import Image
wall_started = time.perf_counter()
artwork, out, profile, *mockups = sys.argv[1:]
icc = open(profile, "rb").read()
left_out = left_out_wall = 0.0
with Image.open(artwork) as image:
    image.draft("RGB", (image.width // 2, image.height // 2))
    image.load()
    for number, path in enumerate(mockups):
        before, wall_before = time.process_time(), time.perf_counter()
        with Image.open(path) as mockup:
            mockup.load()
            left_out += time.process_time() - before
            left_out_wall += time.perf_counter() - wall_before
            target = os.path.join(out, f"{number:02d}.jpg")
            mockup.save(target, "JPEG", quality=90, icc_profile=icc)
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime - left_out
wall = time.perf_counter() - wall_started - left_out_wall
print(json.dumps({"cpu_seconds": cpu, "wall_seconds": wall}))
"""


# Ours as a warm worker renders a job: the engine imported first, then one render timed.
WARM = """
import json, resource, sys, time
from mockups.options import RenderOptions
from mockups.render.run import render_run
artwork, out, mode, *templates = sys.argv[1:]
options = RenderOptions(templates=templates, mode=mode)
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu_started = usage.ru_utime + usage.ru_stime
wall_started = time.perf_counter()
render_run(artwork, out, options=options)
wall = time.perf_counter() - wall_started
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu_seconds": usage.ru_utime + usage.ru_stime - cpu_started,
                  "wall_seconds": wall}))
"""


def seed_job(template: Template) -> dict[str, object]:
    box = bounding_box(template.quad, template.size)
    return {
        "id": template.id,
        "scene": str(template.scene),
        "box": [box.left, box.top, box.right - box.left, box.bottom - box.top],
    }


def write_seed_spec(artwork: Path, out: Path, ids: list[str], spec: Path) -> None:
    library = load_library()
    jobs = [seed_job(library[template_id]) for template_id in ids]
    spec.write_text(json.dumps({"artwork": str(artwork), "out_dir": str(out), "jobs": jobs}))


def run_seed(artwork: Path, out: Path, ids: list[str]) -> tuple[Run, dict]:
    out.mkdir()
    spec = out.parent / f"{out.name}.json"
    write_seed_spec(artwork, out, ids, spec)
    run = run_once([NODE, str(SEED_SCRIPT), str(spec)])
    printed = json.loads(run.stdout)
    check_outputs([Path(file) for file in printed["files"]], ids)
    shutil.rmtree(out)
    return run, printed


def run_ours(
    artwork: Path, out: Path, ids: list[str], mode: str = "sequential"
) -> tuple[Run, Run | None]:
    """Ours, and for the sequential runs the floor on the same ten outputs."""
    run = run_once(render_command(artwork, out, ids, mode))
    recorded = json.loads((out / RUN_FILE).read_text())
    files = [out / mockup["file"] for mockup in recorded["mockups"]]
    check_outputs(files, ids)
    floor = run_floor(artwork, out, files) if mode == "sequential" else None
    shutil.rmtree(out)
    return run, floor


def run_floor(artwork: Path, out: Path, mockups: list[Path]) -> Run:
    encoded = out / "floor"
    encoded.mkdir()
    profile = encoded / "srgb.icc"
    profile.write_bytes(srgb_icc_bytes())
    command = [PYTHON, "-c", FLOOR, str(artwork), str(encoded), str(profile)]
    return timed_inside(run_once([*command, *map(str, mockups)]))


def run_warm(artwork: Path, out: Path, ids: list[str], mode: str) -> Run:
    process = run_once([PYTHON, "-c", WARM, str(artwork), str(out), mode, *ids])
    recorded = json.loads((out / RUN_FILE).read_text())
    check_outputs([out / mockup["file"] for mockup in recorded["mockups"]], ids)
    shutil.rmtree(out)
    return timed_inside(process)


def timed_inside(process: Run) -> Run:
    """A process that timed its own work: the wall and CPU seconds it printed, its peak RSS."""
    figures = json.loads(process.stdout)
    return Run(
        wall_seconds=figures["wall_seconds"],
        peak_rss_mb=process.peak_rss_mb,
        stdout=process.stdout,
        cpu_seconds=figures["cpu_seconds"],
    )


def check_outputs(files: list[Path], ids: list[str]) -> None:
    """Both sides must have written all ten JPEGs at the templates' sizes."""
    library = load_library()
    if len(files) != MOCKUPS:
        raise RuntimeError(f"{len(files)} mockups written, not {MOCKUPS}")
    for file, template_id in zip(files, ids, strict=True):
        with Image.open(file) as image:
            if image.format != "JPEG" or image.size != library[template_id].size:
                raise RuntimeError(f"{file.name}: {image.format} {image.size}")


def measure(artwork: Path, work: Path, runs: int) -> tuple[dict[str, Measurement], dict]:
    ids = ten_template_ids()
    seed_runs, our_runs, auto_runs, floor_runs, printed = [], [], [], [], {}
    warm_runs: dict[str, list[Run]] = {"sequential": [], "auto": []}
    for number in range(runs):
        run, printed = run_seed(artwork, work / f"seed-{number}", ids)
        seed_runs.append(run)
        ours, floor = run_ours(artwork, work / f"ours-{number}", ids)
        our_runs.append(ours)
        if floor is not None:
            floor_runs.append(floor)
        auto_runs.append(run_ours(artwork, work / f"auto-{number}", ids, "auto")[0])
        for mode, found in warm_runs.items():
            found.append(run_warm(artwork, work / f"warm-{mode}-{number}", ids, mode))
    results = {"seed": summarise(seed_runs), "ours": summarise(our_runs)}
    results |= {"ours_auto": summarise(auto_runs), "floor": summarise(floor_runs)}
    results |= {f"warm_{mode}": summarise(found) for mode, found in warm_runs.items()}
    return results, printed


def report(runs: int, results: dict[str, Measurement], seed_info: dict, load: float) -> None:
    seed, ours = results["seed"], results["ours"]
    width, height = ARTWORK_SIZE
    print(
        f"seed_compare: {MOCKUPS} mockups from a {width}x{height} JPEG, {runs} runs a side; "
        f"seed: node {node_version()}, sharp {seed_info['sharp']}, libvips {seed_info['vips']}"
    )
    labels = {
        "seed": "seed (node + sharp, Promise.all)",
        "ours": "ours (studio-10 sequential)",
        "ours_auto": "ours (studio-10 auto)",
        "floor": "floor (decode once, ten JPEG encodes)",
        "warm_sequential": "ours warm (a worker's job, sequential)",
        "warm_auto": "ours warm (a worker's job, auto)",
    }
    rows = [measurement_row(labels[side], m) for side, m in results.items()]
    rows.append(ratio_row("ours / seed", ours, seed))
    rows.append(ratio_row("ours auto / seed", results["ours_auto"], seed))
    rows.append(ratio_row("ours / floor", ours, results["floor"]))
    rows.append(ratio_row("ours auto / floor", results["ours_auto"], results["floor"]))
    rows.append(ratio_row("ours warm / seed", results["warm_sequential"], seed))
    rows.append(ratio_row("ours warm auto / seed", results["warm_auto"], seed))
    print_table(["side", *MEASUREMENT_HEADERS], rows)
    print(NOTES)
    print(f"  ru_maxrss floor inherited from this launcher: {inherited_floor_mb():.1f} MB")
    print(load_note(load))
    ratios, goals = {}, {}
    for name, side, figure, limit in GOALS:
        ratios[name] = round(_figure(results[side], figure) / _figure(seed, figure), 3)
        goals[name] = ratios[name] <= limit
        print(f"goal: {name} <= {limit}: {ratios[name]:.2f}: {verdict(goals[name])}")
    megabytes = ours.median_peak_rss_mb
    goals["sequential peak RSS MB"] = megabytes <= GOAL_SEQUENTIAL_MB
    print(
        f"goal: sequential peak RSS <= {GOAL_SEQUENTIAL_MB:g} MB: {megabytes:.1f}: "
        f"{verdict(goals['sequential peak RSS MB'])}"
    )
    summary = {side: measurement_json(m) for side, m in results.items()}
    print_json("seed_compare", {"runs": runs, **summary, "ratio": ratios, "goal_met": goals})


def _figure(measurement: Measurement, figure: str) -> float:
    return {
        "wall": measurement.median_wall_seconds,
        "peak_rss": measurement.median_peak_rss_mb,
        "cpu": measurement.median_cpu_seconds,
    }[figure]


def node_version() -> str:
    return run_once([NODE, "--version"]).stdout.strip()


def seed_stack_missing() -> str | None:
    if shutil.which(NODE) is None:
        return "node is not installed (apt-get install nodejs npm)"
    if not (SEED_STACK / "node_modules" / "sharp").is_dir():
        return "the seed stack is not installed: run npm ci --prefix bench/seed_stack"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seed_compare", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs of each side (default 5)")
    args = parser.parse_args(argv)
    if problem := seed_stack_missing():
        print(f"seed_compare: {problem}", file=sys.stderr)
        return 2
    load = load_average()
    with temp_folder("seed-compare") as folder:
        work = Path(folder)
        artwork = photo_like_artwork(work, ARTWORK_SIZE)
        results, seed_info = measure(artwork, work, args.runs)
    report(args.runs, results, seed_info, load)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
