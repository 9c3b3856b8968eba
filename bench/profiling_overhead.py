"""What profiling costs on studio-10 (live and not), and studio-10 across modes under memray.

Usage: python -m bench.profiling_overhead [--runs N] [--no-compare]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
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
from mockups.options import CONCRETE_MODES

GOAL_OVERHEAD = 0.30
GOAL_RSS_MB = 20.0
# Profiled with nobody listening: no live figures, so no live reader (the baseline of the
# live side's own cost). The same work as `render --profile` less the progress callback.
QUIET_PROFILE = (
    "import sys\n"
    "from mockups.options import RenderOptions\n"
    "from profiling.session import profile_in_process\n"
    "artwork, out, templates, mode = sys.argv[1:]\n"
    "profile_in_process(artwork, out, options=RenderOptions(templates=templates, mode=mode))\n"
)
SIDES = ("plain", "profiled", "live")
COMPARE_WORKERS = "2,4"
NOTES = """notes:
  sides: plain is `python -m mockups render`; live is the same with --profile (profiles in
    that process: warm-up, memray capture, the live reader process following the capture and
    handing each mockup's figures to the progress line, replay, tables); profiled is
    profile_in_process with no progress callback, so no live reader: what live adds is
    live against profiled.
  wall s: the whole process, start to exit; runs alternate plain, profiled, live, so drift
    hits all alike; overhead compares medians with plain, best-run overhead each side's
    fastest run.
  CPU s: user + system of the CLI and the children it reaped; less moved by other work on
    the machine than wall time. Processes mode: the workers (the forkserver's children) are
    not in it.
  peak RSS MB: ru_maxrss from wait4 (largest of the CLI and the children it reaped). The
    live reader is forked off (nobody's child), so it is not in it, nor in CPU s: its own
    peak and CPU time are the reader columns (summary.json's live_reader_* fields).
  2 cores, and other work shares the machine: differences of a few percent are noise."""


def measure_overhead(
    artwork: Path, work: Path, ids: list[str], mode: str, runs: int
) -> tuple[dict[str, Measurement], tuple[float, float]]:
    """Each side's runs, and the live reader's median peak RSS in MB and CPU seconds."""
    results: dict[str, list] = {side: [] for side in SIDES}
    reader_mb, reader_cpu = [], []
    for number in range(runs):
        for side in SIDES:
            out = work / f"{mode}-{number}-{side}"
            results[side].append(run_once(side_command(side, artwork, out, ids, mode)))
            run = json.loads((out / "run.json").read_text())
            if len(run["mockups"]) != MOCKUPS or (side != "plain" and "profile" not in run):
                raise RuntimeError(f"{mode}: run.json is not what a {side} run writes")
            if side == "live":
                summary = json.loads((out / "profile" / "summary.json").read_text())
                reader_mb.append(summary["live_reader_rss_peak_bytes"] / MIB)
                reader_cpu.append(summary["live_reader_cpu_seconds"])
            shutil.rmtree(out)
    measured = {side: summarise(runs_of_side) for side, runs_of_side in results.items()}
    return measured, (statistics.median(reader_mb), statistics.median(reader_cpu))


def side_command(side: str, artwork: Path, out: Path, ids: list[str], mode: str) -> list[str]:
    if side == "profiled":
        return [PYTHON, "-c", QUIET_PROFILE, str(artwork), str(out), ",".join(ids), mode]
    command = render_command(artwork, out, ids, mode)
    return [*command, "--profile"] if side == "live" else command


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
        overhead = {
            mode: measure_overhead(artwork, work, ids, mode, args.runs) for mode in CONCRETE_MODES
        }
        compared = None if args.no_compare else run_compare(artwork, work, ids)
    report(ids, args.runs, overhead, compared)
    return 0


def report(
    ids: list[str],
    runs: int,
    overhead: dict[str, tuple[dict[str, Measurement], tuple[float, float]]],
    compared: tuple[list[str], str, list] | None,
) -> None:
    print(
        f"profiling_overhead: studio-10 ({','.join(ids)}) from a 4000x5000 JPEG, "
        f"{runs} runs per mode and side"
    )
    rows = []
    for mode, (sides, (reader_mb, reader_cpu)) in overhead.items():
        plain, profiled, live = (sides[side] for side in SIDES)
        rows.append(
            [
                mode,
                *(f"{sides[side].median_wall_seconds:.2f}" for side in SIDES),
                f"{_overhead(plain, profiled):+.0%}",
                f"{_overhead(plain, live):+.0%}",
                f"{_best_overhead(plain, live):+.0%}",
                *(f"{sides[side].median_cpu_seconds:.2f}" for side in SIDES),
                *(f"{sides[side].median_peak_rss_mb:.1f}" for side in SIDES),
                f"{reader_mb:.1f}",
                f"{reader_cpu:.2f}",
            ]
        )
    headers = ["mode", "plain s", "profiled s", "live s", "profiled +", "live +"]
    headers += ["live best-run +", "plain CPU s", "profiled CPU s", "live CPU s"]
    headers += ["plain RSS MB", "profiled RSS MB", "live RSS MB", "reader MB", "reader CPU s"]
    print_table(headers, rows)
    print(NOTES)
    print(f"  ru_maxrss floor inherited from this launcher: {inherited_floor_mb():.1f} MB")
    sides, _ = overhead["sequential"]
    plain, live = sides["plain"], sides["live"]
    sequential, best = _overhead(plain, live), _best_overhead(plain, live)
    cpu = live.median_cpu_seconds / plain.median_cpu_seconds - 1
    rss = live.median_peak_rss_mb - plain.median_peak_rss_mb
    met = sequential <= GOAL_OVERHEAD and rss <= GOAL_RSS_MB
    print(
        f"goal: live profiling adds <= {GOAL_OVERHEAD:.0%} to sequential studio-10 wall time "
        f"and <= {GOAL_RSS_MB:.0f} MB to its peak RSS: {sequential:+.0%} (best runs {best:+.0%}, "
        f"CPU {cpu:+.0%}), {rss:+.1f} MB: {verdict(met)}"
    )
    summary: dict[str, object] = {
        "templates": ids,
        "runs": runs,
        "overhead": {
            mode: {
                **{side: measurement_json(sides[side]) for side in SIDES},
                "profiled_overhead": round(_overhead(sides["plain"], sides["profiled"]), 3),
                "live_overhead": round(_overhead(sides["plain"], sides["live"]), 3),
                "live_best_run_overhead": round(_best_overhead(sides["plain"], sides["live"]), 3),
                "live_reader_peak_rss_mb": round(reader[0], 1),
                "live_reader_cpu_seconds": round(reader[1], 3),
            }
            for mode, (sides, reader) in overhead.items()
        },
        "goal_met": met,
    }
    if compared is not None:
        command, printed, rows_compared = compared
        print(f"\ncompare: {' '.join(command[1:])}")
        print(printed.rstrip())
        summary["compare"] = [
            {k: v for k, v in row.items() if k != "out_dir"}
            | {"heap_peak_mb": round(row["heap_peak_bytes"] / MIB, 1)}
            for row in rows_compared
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
