"""Shared pieces of the benchmarks: a test artwork, timed child processes, and the report."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mockups.memory import MIB

# Benchmarks measure modes the server's budget would refuse (processes x 2 on a 4000 x 5000
# artwork): their renders run with a budget that admits them, unless one is set.
os.environ.setdefault("MOCKUPLAB_JOB_BUDGET_MB", "4096")
from profiling.artworks import write_artwork

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


@dataclass(frozen=True)
class Run:
    wall_seconds: float
    peak_rss_mb: float
    stdout: str
    cpu_seconds: float = 0.0


@dataclass(frozen=True)
class Measurement:
    runs: list[Run]
    median_wall_seconds: float
    median_peak_rss_mb: float
    median_cpu_seconds: float = 0.0


def make_artwork(folder: Path) -> Path:
    """The 4000x5000 test JPEG, written by a child process.

    A child started with vfork (what subprocess uses on Linux) starts its ru_maxrss at this
    process's peak RSS, so the ~1.5 GB of numpy work must not happen here.
    """
    path = Path(folder) / "artwork-4000x5000.jpg"
    run_once([PYTHON, "-m", "bench.common", str(path)])
    return path


def temp_folder(prefix: str) -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix=f"bench-{prefix}-")


def run_once(command: list[str], cwd: Path = ROOT) -> Run:
    """Wall seconds and the kernel's peak RSS (ru_maxrss from wait4) of one child process.

    On Linux wait4's ru_maxrss is the largest of the child and of any descendants it reaped,
    never a sum.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{stderr}")
    return Run(
        wall_seconds=wall,
        peak_rss_mb=usage.ru_maxrss * 1024 / MIB,
        stdout=stdout,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )


@dataclass(frozen=True)
class Outcome:
    """A `python -m mockups` process that may refuse its input: exit status, wall seconds,
    wait4's peak RSS and its stderr as one line."""

    name: str
    returncode: int
    wall_seconds: float
    peak_rss_mb: float
    line: str

    @property
    def accepted(self) -> bool:
        return self.returncode == 0


OUTCOME_LINE_CHARS = 120


def run_outcome(name: str, command: list[str], env: dict[str, str] | None = None) -> Outcome:
    """Run `command` to its end whatever its exit status (unlike `run_once`)."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        err.seek(0)
        lines = err.read().decode().splitlines()
    return Outcome(
        name=name,
        returncode=os.waitstatus_to_exitcode(status),
        wall_seconds=wall,
        peak_rss_mb=usage.ru_maxrss * 1024 / MIB,
        line=" | ".join(lines)[:OUTCOME_LINE_CHARS],
    )


def recorded_peak_mb(out: Path) -> float:
    """The peak RSS a render recorded in its run.json (its own 10 ms sampler), in MB."""
    return json.loads((out / "run.json").read_text())["peak_rss_bytes"] / MIB


def measure(command: list[str], runs: int = 5) -> Measurement:
    results = [run_once(command) for _ in range(runs)]
    return summarise(results)


def summarise(results: list[Run]) -> Measurement:
    return Measurement(
        runs=results,
        median_wall_seconds=statistics.median(r.wall_seconds for r in results),
        median_peak_rss_mb=statistics.median(r.peak_rss_mb for r in results),
        median_cpu_seconds=statistics.median(r.cpu_seconds for r in results),
    )


def inherited_floor_mb() -> float:
    """This process's peak RSS: on Linux the least ru_maxrss a child started from here can show."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MIB


def print_table(headers: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    print(_line(headers, widths))
    print(_line(["-" * width for width in widths], widths))
    for row in rows:
        print(_line(row, widths))


MEASUREMENT_HEADERS = ["median wall s", "median peak RSS MB", "median CPU s"]


def measurement_row(label: str, measurement: Measurement) -> list[str]:
    """A table row of a side's medians, in MEASUREMENT_HEADERS' order."""
    return [
        label,
        f"{measurement.median_wall_seconds:.2f}",
        f"{measurement.median_peak_rss_mb:.1f}",
        f"{measurement.median_cpu_seconds:.2f}",
    ]


def ratio_row(label: str, side: Measurement, base: Measurement) -> list[str]:
    """A table row of `side`'s medians over `base`'s, in MEASUREMENT_HEADERS' order."""
    return [
        label,
        f"{side.median_wall_seconds / base.median_wall_seconds:.2f}",
        f"{side.median_peak_rss_mb / base.median_peak_rss_mb:.2f}",
        f"{side.median_cpu_seconds / base.median_cpu_seconds:.2f}",
    ]


def print_json(benchmark: str, summary: dict[str, object]) -> None:
    print(json.dumps({"benchmark": benchmark, **summary}, separators=(",", ":")))


def measurement_json(measurement: Measurement) -> dict[str, object]:
    return {
        "runs": [
            {"wall_seconds": round(r.wall_seconds, 3), "peak_rss_mb": round(r.peak_rss_mb, 1)}
            for r in measurement.runs
        ],
        "median_wall_seconds": round(measurement.median_wall_seconds, 3),
        "median_peak_rss_mb": round(measurement.median_peak_rss_mb, 1),
        "median_cpu_seconds": round(measurement.median_cpu_seconds, 3),
    }


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def _line(cells: list[str], widths: list[int]) -> str:
    first = cells[0].ljust(widths[0])
    rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
    return "  ".join([first, *rest])


if __name__ == "__main__":
    write_artwork(Path(sys.argv[1]))
