"""What profiling costs on studio-10, and studio-10 compared across modes under memray.

Usage: python -m bench.profiling_overhead [--runs N] [--no-compare]
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from bench.common import (
    MIB,
    PYTHON,
    Measurement,
    inherited_floor_mb,
    make_artwork,
    measurement_json,
    print_json,
    print_table,
    run_once,
    summarise,
    temp_folder,
    verdict,
)
from bench.studio10 import MOCKUPS, render_command, ten_template_ids
from mockups.run import MODES

GOAL_OVERHEAD = 0.30
COMPARE_WORKERS = "2,4"
NOTES = """notes:
  wall s: the whole `python -m mockups render` process, start to exit, with and without
    --profile (which profiles in that process: warm-up, memray capture, replay, tables);
    runs alternate plain, profiled, so drift hits both alike; overhead compares medians,
    best-run overhead each side's fastest run.
  CPU s: user + system of the CLI and the children it reaped; less moved by other work on
    the machine than wall time. Processes mode: the workers (the forkserver's children) are
    not in it.
  peak RSS MB: ru_maxrss from wait4 (largest of the CLI and the children it reaped).
  2 cores, and other work shares the machine: differences of a few percent are noise."""


def measure_overhead(
    artwork: Path, work: Path, ids: list[str], mode: str, runs: int
) -> tuple[Measurement, Measurement]:
    plain, profiled = [], []
    for number in range(runs):
        for results, extra in ((plain, []), (profiled, ["--profile"])):
            out = work / f"{mode}-{number}{'-profiled' if extra else ''}"
            results.append(run_once([*render_command(artwork, out, ids, mode), *extra]))
            run = json.loads((out / "run.json").read_text())
            if len(run["mockups"]) != MOCKUPS or (extra and "profile" not in run):
                raise RuntimeError(f"{mode}: run.json is not what a {extra or 'plain'} run writes")
            shutil.rmtree(out)
    return summarise(plain), summarise(profiled)


def run_compare(artwork: Path, work: Path, ids: list[str]) -> tuple[list[str], str, list]:
    command = [
        PYTHON,
        "-m",
        "profiling",
        "compare",
        str(artwork),
        "--out",
        str(work / "compare"),
        "--templates",
        ",".join(ids),
        "--workers",
        COMPARE_WORKERS,
        "--release",
    ]
    printed = run_once(command).stdout
    rows = json.loads((work / "compare" / "compare.json").read_text())
    return command, printed, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profiling_overhead", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per mode and side (default 3)")
    parser.add_argument("--no-compare", action="store_true", help="skip the mode comparison")
    args = parser.parse_args(argv)
    ids = ten_template_ids()
    with temp_folder("profiling") as folder:
        work = Path(folder)
        artwork = make_artwork(work)
        overhead = {mode: measure_overhead(artwork, work, ids, mode, args.runs) for mode in MODES}
        compared = None if args.no_compare else run_compare(artwork, work, ids)
    report(ids, args.runs, overhead, compared)
    return 0


def report(
    ids: list[str],
    runs: int,
    overhead: dict[str, tuple[Measurement, Measurement]],
    compared: tuple[list[str], str, list] | None,
) -> None:
    print(
        f"profiling_overhead: studio-10 ({','.join(ids)}) from a 4000x5000 JPEG, "
        f"{runs} runs per mode and side"
    )
    rows = [
        [
            mode,
            f"{plain.median_wall_seconds:.2f}",
            f"{profiled.median_wall_seconds:.2f}",
            f"{_overhead(plain, profiled):+.0%}",
            f"{_best_overhead(plain, profiled):+.0%}",
            f"{plain.median_cpu_seconds:.2f}",
            f"{profiled.median_cpu_seconds:.2f}",
            f"{plain.median_peak_rss_mb:.1f}",
            f"{profiled.median_peak_rss_mb:.1f}",
        ]
        for mode, (plain, profiled) in overhead.items()
    ]
    headers = ["mode", "plain s", "profiled s", "overhead", "best-run overhead"]
    headers += ["plain CPU s", "profiled CPU s"]
    headers += ["plain RSS MB", "profiled RSS MB"]
    print_table(headers, rows)
    print(NOTES)
    print(f"  ru_maxrss floor inherited from this launcher: {inherited_floor_mb():.1f} MB")
    plain, profiled = overhead["sequential"]
    sequential, best = _overhead(plain, profiled), _best_overhead(plain, profiled)
    cpu = profiled.median_cpu_seconds / plain.median_cpu_seconds - 1
    met = sequential <= GOAL_OVERHEAD
    print(
        f"goal: profiling adds <= {GOAL_OVERHEAD:.0%} to sequential studio-10 wall time: "
        f"{sequential:+.0%} (best runs {best:+.0%}, CPU {cpu:+.0%}): {verdict(met)}"
    )
    summary: dict[str, object] = {
        "templates": ids,
        "runs": runs,
        "overhead": {
            mode: {
                "plain": measurement_json(plain),
                "profiled": measurement_json(profiled),
                "overhead": round(_overhead(plain, profiled), 3),
                "best_run_overhead": round(_best_overhead(plain, profiled), 3),
            }
            for mode, (plain, profiled) in overhead.items()
        },
        "goal_met": met,
    }
    if compared is not None:
        command, printed, rows = compared
        print(f"\ncompare: {' '.join(command[1:])}")
        print(printed.rstrip())
        summary["compare"] = [
            {k: v for k, v in row.items() if k != "out_dir"}
            | {"heap_peak_mb": round(row["heap_peak_bytes"] / MIB, 1)}
            for row in rows
        ]
    print_json("profiling_overhead", summary)


def _overhead(plain: Measurement, profiled: Measurement) -> float:
    return profiled.median_wall_seconds / plain.median_wall_seconds - 1


def _best_overhead(plain: Measurement, profiled: Measurement) -> float:
    """From each side's fastest run: the one other work on the machine disturbed least."""
    fastest = [min(r.wall_seconds for r in m.runs) for m in (plain, profiled)]
    return fastest[1] / fastest[0] - 1


if __name__ == "__main__":
    raise SystemExit(main())
