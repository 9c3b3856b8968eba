"""The perspective warp decision: Pillow's transform against OpenCV, in time and in memory.

Usage: python -m bench.warp [--runs N] [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from bench.common import MIB, PYTHON, Run, print_json, print_table, run_once, summarise
from mockups.geometry import perspective_coefficients, rect_quad

PRINT_SIZE = (1300, 1600)
OUTPUT_SIZE = (1400, 1600)
OUTPUT_QUAD = ((90.0, 40.0), (1390.0, 0.0), (1400.0, 1600.0), (0.0, 1545.0))
BASE_IMPORTS = "import psutil, PIL.Image, numpy"
PRINT_RSS = "print(psutil.Process().memory_info().rss)"
IMPORT_SCRIPTS = {
    "without cv2": f"{BASE_IMPORTS}; {PRINT_RSS}",
    "with cv2": f"{BASE_IMPORTS}; import cv2; {PRINT_RSS}",
}


def make_print(size: tuple[int, int] = PRINT_SIZE, seed: int = 7) -> Image.Image:
    width, height = size
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    rgb = [np.sin(x / rng.uniform(5, 60) + y / rng.uniform(5, 60)) * 100 + 127 for _ in range(3)]
    alpha = np.full((height, width), 255, np.float32)
    pixels = np.stack([*rgb, alpha], axis=-1) + rng.normal(0, 8, (height, width, 4))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGBA")


def warps(image: Image.Image) -> dict[str, Callable[[], object]]:
    coefficients = perspective_coefficients(OUTPUT_QUAD, rect_quad(0, 0, *PRINT_SIZE))
    matrix = np.array([*coefficients, 1.0]).reshape(3, 3)
    array = np.asarray(image)
    cubic = cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP
    perspective = Image.Transform.PERSPECTIVE

    def pillow(resample: Image.Resampling) -> Callable[[], object]:
        return lambda: image.transform(OUTPUT_SIZE, perspective, coefficients, resample)

    def opencv(threads: int) -> Callable[[], object]:
        def warp() -> object:
            cv2.setNumThreads(threads)
            return cv2.warpPerspective(array, matrix, OUTPUT_SIZE, flags=cubic)

        return warp

    def round_trip() -> object:
        return Image.fromarray(np.asarray(image))

    default_threads = cv2.getNumThreads()
    return {
        "Pillow PERSPECTIVE BICUBIC": pillow(Image.Resampling.BICUBIC),
        "Pillow PERSPECTIVE BILINEAR": pillow(Image.Resampling.BILINEAR),
        f"cv2.warpPerspective INTER_CUBIC ({default_threads} threads)": opencv(default_threads),
        "cv2.warpPerspective INTER_CUBIC (1 thread)": opencv(1),
        "PIL -> numpy -> PIL round trip (cv2's extra)": round_trip,
    }


def median_seconds(action: Callable[[], object], repeats: int) -> float:
    action()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def import_costs(runs: int) -> dict[str, dict[str, float]]:
    """Per script: median RSS at its end (psutil) and median wall seconds of the child."""
    children: dict[str, list[Run]] = {name: [] for name in IMPORT_SCRIPTS}
    for _ in range(runs):
        for name, script in IMPORT_SCRIPTS.items():
            children[name].append(run_once([PYTHON, "-c", script]))
    return {name: import_cost(results) for name, results in children.items()}


def import_cost(results: list[Run]) -> dict[str, float]:
    return {
        "rss_mb": statistics.median(int(r.stdout) / MIB for r in results),
        "median_wall_seconds": summarise(results).median_wall_seconds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.warp", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="import children of each kind (5)")
    parser.add_argument("--repeats", type=int, default=7, help="timed warps of each kind (7)")
    args = parser.parse_args(argv)
    image = make_print()
    timings = {name: median_seconds(warp, args.repeats) for name, warp in warps(image).items()}
    imports = import_costs(args.runs)
    report(args, timings, imports)
    return 0


def report(
    args: argparse.Namespace, timings: dict[str, float], imports: dict[str, dict[str, float]]
) -> None:
    width, height = PRINT_SIZE
    out_width, out_height = OUTPUT_SIZE
    print(
        f"warp: {width}x{height} RGBA print into {out_width}x{out_height}, "
        f"median of {args.repeats} after one warm-up"
    )
    print_table(
        ["method", "s per warp", "ms"],
        [[name, f"{seconds:.4f}", f"{seconds * 1000:.1f}"] for name, seconds in timings.items()],
    )
    print()
    print(f"import cost: {args.runs} child processes each, RSS read with psutil at the end")
    print_table(
        ["child", "median RSS MB", "median wall s"],
        [
            [name, f"{cost['rss_mb']:.1f}", f"{cost['median_wall_seconds']:.3f}"]
            for name, cost in imports.items()
        ],
    )
    added = imports["with cv2"]["rss_mb"] - imports["without cv2"]["rss_mb"]
    print(f"import cv2 adds {added:.1f} MB of RSS")
    summary = {
        "warp_seconds": {name: round(seconds, 5) for name, seconds in timings.items()},
        "imports": {
            name: {key: round(value, 3) for key, value in cost.items()}
            for name, cost in imports.items()
        },
        "cv2_import_rss_mb": round(added, 1),
    }
    print_json("warp", {"repeats": args.repeats, "runs": args.runs, **summary})


if __name__ == "__main__":
    raise SystemExit(main())
