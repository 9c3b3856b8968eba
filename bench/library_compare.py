"""Studio-10 on two template libraries in one run: the current one and an earlier commit's.

The engine is today's on both sides: only the library differs. Each side is a whole process
rendering the ten templates sequentially from the 4000 x 5000 JPEG; runs alternate, so drift
on the machine hits both alike.

With `--engine` the old side is the whole tree at REF, its engine rendering its library, as
`python -m mockups render` did then: how a change of library and engine together reads to
the user (say, against the day an issue was filed). `--mode` picks the run mode (both sides).

Usage: python -m bench.library_compare [--runs N] [--old REF] [--engine] [--mode MODE]
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
from mockups.options import MODES
from mockups.templates.model import BUILTIN_DIR

DRAWN_LIBRARY = "ec726ef^"
ROOT = Path(__file__).resolve().parents[1]
MOCKUPS = 10
RENDER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from mockups.options import RenderOptions\n"
    "from mockups.render.run import render_run\n"
    "from mockups.templates.model import load_template\n"
    "artwork, out, library, mode = sys.argv[1:]\n"
    "folders = sorted(p.parent for p in Path(library).glob('*/template.json'))\n"
    "templates = {f.name: load_template(f) for f in folders}\n"
    f"ids = list(templates)[:{MOCKUPS}]\n"
    "render_run(artwork, out, options=RenderOptions(templates=ids, mode=mode), library=templates)\n"
)


def export_tree(ref: str, into: Path, *paths: str) -> Path:
    """The repository's `paths` (all of it when none) as they were at `ref`, under `into`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref, *paths],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def library_command(artwork: Path, out: Path, library: Path, mode: str) -> list[str]:
    """Today's engine rendering the first ten templates of `library`."""
    return [PYTHON, "-c", RENDER, str(artwork), str(out), str(library), mode]


def engine_command(artwork: Path, out: Path, tree: Path, mode: str) -> list[str]:
    """The engine of `tree` rendering the first ten templates of its own library."""
    library = tree / BUILTIN_DIR.relative_to(ROOT)
    ids = sorted(manifest.parent.name for manifest in library.glob("*/template.json"))
    templates = ",".join(ids[:MOCKUPS])
    return [PYTHON, "-m", "mockups", "render", str(artwork), "--out", str(out),
            "--templates", templates, "--mode", mode]  # fmt: skip


def measure(artwork: Path, sides: dict[str, tuple[list[str], Path]], runs: int) -> dict:
    """Runs alternate side by side; each side a command and the folder it runs in."""
    results: dict[str, list] = {side: [] for side in sides}
    for _ in range(runs):
        for side, (command, folder) in sides.items():
            results[side].append(run_once(command, cwd=folder))
    return {side: summarise(found) for side, found in results.items()}


def report(ref: str, runs: int, mode: str, engine: bool, measured: dict[str, Measurement]) -> None:
    what = "library and engine" if engine else "library"
    print(f"library_compare: studio-10 {mode}, current {what} against {ref}, {runs} runs")
    rows = [measurement_row(side, m) for side, m in measured.items()]
    rows.append(ratio_row("current / old", measured["current"], measured["old"]))
    print_table(["library", *MEASUREMENT_HEADERS], rows)
    print_json(
        "library_compare",
        {
            "old": ref,
            "engine": engine,
            "mode": mode,
            "runs": runs,
            **{side: measurement_json(m) for side, m in measured.items()},
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.library_compare")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old", default=DRAWN_LIBRARY)
    parser.add_argument("--engine", action="store_true", help="the old side's engine too")
    parser.add_argument("--mode", choices=MODES, default="sequential")
    args = parser.parse_args()
    with temp_folder("library") as folder:
        work = Path(folder)
        artwork = make_artwork(work)
        if args.engine:
            old = export_tree(args.old, work / "old")
            sides = {
                "old": (engine_command(artwork, work / "out-old", old, args.mode), old),
                "current": (engine_command(artwork, work / "out-new", ROOT, args.mode), ROOT),
            }
        else:
            old = export_tree(args.old, work / "old", "mockups/library")
            library = old / "mockups" / "library"
            sides = {
                side: (library_command(artwork, work / f"out-{side}", folder, args.mode), ROOT)
                for side, folder in (("old", library), ("current", BUILTIN_DIR))
            }
        measured = measure(artwork, sides, args.runs)
    report(args.old, args.runs, args.mode, args.engine, measured)


if __name__ == "__main__":
    main()
