"""Ten mockups from the built-in templates, as whole `python -m mockups render` processes.

Usage: python -m bench.studio10 [--runs N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
from itertools import cycle, islice
from pathlib import Path

from bench.common import (
    PYTHON,
    Measurement,
    inherited_floor_mb,
    make_artwork,
    measurement_json,
    print_json,
    print_table,
    recorded_peak_mb,
    run_once,
    summarise,
    temp_folder,
    verdict,
)
from mockups.render.run import MODES, RUN_FILE
from mockups.templates.library import load_library

MOCKUPS = 10
GOAL_SECONDS = 4.0
GOAL_MB = 150.0
NOTES = """notes:
  peak RSS MB: ru_maxrss from wait4 on the CLI process; on Linux the largest of it and the
    descendants it reaped, never a sum. In processes mode the workers are forked by
    multiprocessing's forkserver, which the CLI never reaps: the figure is the parent alone.
  run.json peak MB: the CLI's own 10 ms psutil sampler: the parent alone, or in processes
    mode the parent plus all its children (forkserver and workers) summed."""


def ten_template_ids() -> list[str]:
    return list(islice(cycle(load_library()), MOCKUPS))


def render_command(artwork: Path, out: Path, ids: list[str], mode: str) -> list[str]:
    templates = ",".join(ids)
    return [
        PYTHON,
        "-m",
        "mockups",
        "render",
        str(artwork),
        "--out",
        str(out),
        "--templates",
        templates,
        "--mode",
        mode,
    ]


def measure_mode(
    artwork: Path, work: Path, ids: list[str], mode: str, runs: int
) -> tuple[Measurement, float]:
    """The runs of one mode, and the median of the peak RSS that run.json reports."""
    results, reported = [], []
    for number in range(runs):
        out = work / f"{mode}-{number}"
        results.append(run_once(render_command(artwork, out, ids, mode)))
        run = json.loads((out / RUN_FILE).read_text())
        if len(run["mockups"]) != MOCKUPS:
            raise RuntimeError(f"{mode}: {len(run['mockups'])} mockups, not {MOCKUPS}")
        reported.append(recorded_peak_mb(out))
        shutil.rmtree(out)
    return summarise(results), statistics.median(reported)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.studio10", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per mode (default 5)")
    args = parser.parse_args(argv)
    ids = ten_template_ids()
    with temp_folder("studio10") as folder:
        work = Path(folder)
        artwork = make_artwork(work)
        results = {mode: measure_mode(artwork, work, ids, mode, args.runs) for mode in MODES}
    report(ids, args.runs, results)
    return 0


def report(ids: list[str], runs: int, results: dict[str, tuple[Measurement, float]]) -> None:
    print(
        f"studio10: {MOCKUPS} mockups ({','.join(ids)}) from a 4000x5000 JPEG, {runs} runs per mode"
    )
    rows = [
        [mode, f"{m.median_wall_seconds:.2f}", f"{m.median_peak_rss_mb:.1f}", f"{reported:.1f}"]
        for mode, (m, reported) in results.items()
    ]
    print_table(["mode", "median wall s", "median peak RSS MB", "run.json peak MB"], rows)
    print(NOTES)
    print(f"  ru_maxrss floor inherited from this launcher: {inherited_floor_mb():.1f} MB")
    sequential = results["sequential"][0]
    seconds, megabytes = sequential.median_wall_seconds, sequential.median_peak_rss_mb
    met = seconds <= GOAL_SECONDS and megabytes <= GOAL_MB
    print(
        f"goal: sequential <= {GOAL_SECONDS:g} s and <= {GOAL_MB:g} MB: "
        f"{seconds:.2f} s, {megabytes:.0f} MB: {verdict(met)}"
    )
    summary = {
        mode: {**measurement_json(m), "run_json_peak_mb": round(reported, 1)}
        for mode, (m, reported) in results.items()
    }
    print_json("studio10", {"templates": ids, "runs": runs, "modes": summary, "goal_met": met})


if __name__ == "__main__":
    raise SystemExit(main())
