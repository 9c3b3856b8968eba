"""Studio-10 on two template libraries in one run: the current one and an earlier commit's.

The engine is today's on both sides: only the library differs. Each side is a whole process
rendering the ten templates sequentially from the 4000 x 5000 JPEG; runs alternate, so drift
on the machine hits both alike.

Usage: python -m bench.library_compare [--runs N] [--old REF]
  REF: a git commit whose mockups/library is the old side (default: the drawn library, the
  last commit before Blender-rendered templates replaced drawn ones).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tarfile
from pathlib import Path

from bench.common import (
    MEASUREMENT_HEADERS,
    PYTHON,
    Measurement,
    make_artwork,
    measurement_json,
    measurement_row,
    print_json,
    print_table,
    ratio_row,
    run_once,
    summarise,
    temp_folder,
)
from mockups.templates.model import BUILTIN_DIR

DRAWN_LIBRARY = "ec726ef^"
ROOT = Path(__file__).resolve().parents[1]
MOCKUPS = 10
RENDER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from mockups.options import RenderOptions\n"
    "from mockups.render.run import render_run\n"
    "from mockups.templates import load_template\n"
    "artwork, out, library = sys.argv[1:]\n"
    "folders = sorted(p.parent for p in Path(library).glob('*/template.json'))\n"
    "templates = {f.name: load_template(f) for f in folders}\n"
    f"ids = list(templates)[:{MOCKUPS}]\n"
    "render_run(artwork, out, options=RenderOptions(templates=ids), library=templates)\n"
)


def export_library(ref: str, into: Path) -> Path:
    """`mockups/library` as it was at `ref`, written under `into`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref, "mockups/library"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "mockups" / "library"


def measure(artwork: Path, libraries: dict[str, Path], work: Path, runs: int) -> dict:
    results: dict[str, list] = {side: [] for side in libraries}
    for _ in range(runs):
        for side, library in libraries.items():
            out = work / f"out-{side}"
            command = [PYTHON, "-c", RENDER, str(artwork), str(out), str(library)]
            results[side].append(run_once(command))
    return {side: summarise(found) for side, found in results.items()}


def report(ref: str, runs: int, measured: dict[str, Measurement]) -> None:
    print(f"library_compare: studio-10 sequential, current library against {ref}, {runs} runs")
    rows = [measurement_row(side, m) for side, m in measured.items()]
    rows.append(ratio_row("current / old", measured["current"], measured["old"]))
    print_table(["library", *MEASUREMENT_HEADERS], rows)
    print_json(
        "library_compare",
        {"old": ref, "runs": runs, **{s: measurement_json(m) for s, m in measured.items()}},
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.library_compare")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old", default=DRAWN_LIBRARY)
    args = parser.parse_args()
    with temp_folder("library") as folder:
        work = Path(folder)
        libraries = {"old": export_library(args.old, work / "old"), "current": BUILTIN_DIR}
        measured = measure(make_artwork(work), libraries, work, args.runs)
    report(args.old, args.runs, measured)


if __name__ == "__main__":
    main()
