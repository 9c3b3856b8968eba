"""The memory budget's estimates against measured peaks: each case rendered by a whole
`python -m mockups render` process, its peak RSS beside what `mockups.render.budget` said
before anything was decoded.

Usage: python -m bench.budget_estimates [--runs N] [--only NAME,NAME]

Cases: the project's sample artwork (2400 x 3000 JPEG) in every mode and profiled; a 24 MP
camera JPEG (6000 x 4000), baseline and progressive, cover and contain; phone photos
(4032 x 3024 both ways); the benchmarks' 4000 x 5000 JPEG; a 6000 x 6000 PNG read by libvips;
a small PNG. Templates: the ten the dashboard ticks. Goal: every estimate within 15 % of its
measured peak (the median of the runs), and none below it by more than 5 %.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import (
    PYTHON,
    ROOT,
    inherited_floor_mb,
    print_json,
    print_table,
    recorded_peak_mb,
    run_once,
    temp_folder,
    verdict,
)
from mockups.options import RenderOptions
from mockups.render.plan import plan_render
from mockups.templates.library import listing_ids, load_library

WITHIN = 0.15
UNDER = 0.05
SAMPLE = ROOT / "examples" / "artwork.jpg"
NOTES = """notes:
  measured: the larger of ru_maxrss (wait4 on the CLI process) and the CLI's own 10 ms
    sampler (run.json); in processes mode the sampler alone, which sums the parent and its
    workers (wait4 reports the largest process, never the sum). The median of the runs.
  estimate: mockups.render.plan.plan_render(...).estimate.peak_bytes, from the header and
    the templates only; error: estimate over measured, minus one."""


@dataclass(frozen=True)
class Case:
    name: str
    artwork: str  # a key of `artworks`
    mode: str = "sequential"
    workers: int | None = None
    fit: str | None = None
    profile: bool = False


CASES = (
    Case("sample sequential", "sample"),
    Case("sample threads x2", "sample", "threads", 2),
    Case("sample threads x3", "sample", "threads", 3),
    Case("sample processes x2", "sample", "processes", 2),
    Case("sample sequential profiled", "sample", profile=True),
    Case("sample threads x2 profiled", "sample", "threads", 2, profile=True),
    Case("camera sequential", "camera"),
    Case("camera threads x2", "camera", "threads", 2),
    Case("camera contain", "camera", fit="contain"),
    Case("camera sequential profiled", "camera", profile=True),
    Case("camera progressive", "progressive"),
    Case("phone landscape", "phone"),
    Case("phone portrait", "phone-portrait"),
    Case("phone portrait threads x2", "phone-portrait", "threads", 2),
    Case("4000x5000 sequential", "studio"),
    Case("4000x5000 threads x2", "studio", "threads", 2),
    Case("6000x6000 PNG", "png"),
    Case("1200x1500 PNG threads x2", "small", "threads", 2),
)

# Written by child processes, so this one never holds the arrays that make them (its peak RSS
# would be every child's floor).
WRITE_JPEG = (
    "import sys; from profiling.artworks import write_artwork; "
    "write_artwork(sys.argv[1], (int(sys.argv[2]), int(sys.argv[3])))"
)
RESAVE = (
    "import sys; from PIL import Image; image = Image.open(sys.argv[1]); "
    "image.save(sys.argv[2], **eval(sys.argv[3]))"
)


def artworks(folder: Path) -> dict[str, Callable[[], Path]]:
    def jpeg(name: str, width: int, height: int) -> Callable[[], Path]:
        return lambda: _made(folder / name, [WRITE_JPEG, "{out}", str(width), str(height)])

    def resaved(name: str, source: Callable[[], Path], options: str) -> Callable[[], Path]:
        return lambda: _made(folder / name, [RESAVE, str(source()), "{out}", options])

    camera = jpeg("camera-6000x4000.jpg", 6000, 4000)
    return {
        "sample": lambda: SAMPLE,
        "camera": camera,
        "progressive": resaved(
            "camera-progressive.jpg", camera, "{'quality': 90, 'progressive': True}"
        ),
        "phone": jpeg("phone-4032x3024.jpg", 4032, 3024),
        "phone-portrait": jpeg("phone-3024x4032.jpg", 3024, 4032),
        "studio": jpeg("artwork-4000x5000.jpg", 4000, 5000),
        "png": resaved(
            "png-6000x6000.png", jpeg("square.jpg", 6000, 6000), "{'compress_level': 1}"
        ),
        "small": resaved("small-1200x1500.png", jpeg("small.jpg", 1200, 1500), "{}"),
    }


def _made(path: Path, script: list[str]) -> Path:
    if not path.is_file():
        run_once([PYTHON, "-c", *[part.replace("{out}", str(path)) for part in script]])
    return path


def options_of(case: Case, templates: list[str]) -> RenderOptions:
    return RenderOptions(templates=templates, mode=case.mode, workers=case.workers, fit=case.fit)


def command(case: Case, artwork: Path, out: Path, templates: list[str]) -> list[str]:
    line = [PYTHON, "-m", "mockups", "render", str(artwork), "--out", str(out)]
    line += ["--templates", ",".join(templates), "--mode", case.mode]
    if case.workers:
        line += ["--workers", str(case.workers)]
    if case.fit:
        line += ["--fit", case.fit]
    return line + (["--profile"] if case.profile else [])


def measure(case: Case, artwork: Path, work: Path, templates: list[str], runs: int) -> list[float]:
    peaks = []
    for number in range(runs):
        out = work / f"run-{number}"
        process = run_once(command(case, artwork, out, templates))
        sampled = recorded_peak_mb(out)
        peaks.append(sampled if case.mode == "processes" else max(sampled, process.peak_rss_mb))
        shutil.rmtree(out)
    return peaks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.budget_estimates", description=__doc__)
    parser.add_argument("--runs", type=int, default=2, help="runs per case (default 2)")
    parser.add_argument("--only", default="", help="case names, comma-separated")
    args = parser.parse_args(argv)
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    cases = [case for case in CASES if not only or case.name in only]
    templates = listing_ids(load_library())  # the ten the dashboard ticks
    rows, summary = [], []
    with temp_folder("budget") as folder:
        work = Path(folder)
        made = artworks(work)
        for case in cases:
            artwork = made[case.artwork]()
            estimate = plan_render(artwork, options_of(case, templates)).estimate.peak_mb
            peaks = measure(case, artwork, work, templates, args.runs)
            measured = statistics.median(peaks)
            error = estimate / measured - 1
            rows.append(
                [
                    case.name,
                    f"{estimate:.0f}",
                    f"{measured:.0f}",
                    f"{min(peaks):.0f}-{max(peaks):.0f}",
                    f"{error:+.0%}",
                ]
            )
            summary.append(
                {
                    "case": case.name,
                    "estimate_mb": round(estimate, 1),
                    "measured_mb": [round(p, 1) for p in peaks],
                    "error": round(error, 3),
                }
            )
            print(" | ".join(rows[-1]), flush=True)
    print(f"budget_estimates: {len(cases)} cases, ten templates, {args.runs} runs each")
    print_table(["case", "estimate MB", "measured MB", "range MB", "error"], rows)
    print(NOTES)
    print(f"  ru_maxrss floor inherited from this launcher: {inherited_floor_mb():.1f} MB")
    met = all(-UNDER <= row["error"] <= WITHIN for row in summary)
    print(
        f"goal: every estimate within -{UNDER:.0%} to +{WITHIN:.0%} of its measured peak: "
        f"{verdict(met)}"
    )
    print_json("budget_estimates", {"runs": args.runs, "cases": summary, "goal_met": met})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
