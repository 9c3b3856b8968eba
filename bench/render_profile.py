"""Where a studio-10 render spends its CPU: cProfile of `python -m mockups render`, sequential.

The render runs in a child process under cProfile with `time.process_time` as its clock, so
a function's figure is CPU seconds of the whole process (libvips' worker threads included)
while it ran, not wall seconds on a shared machine. Imports are inside the profile.

Usage: python -m bench.render_profile [--top N] [--mode sequential]
"""

from __future__ import annotations

import argparse
import json
import pstats
import sys
from pathlib import Path

from bench.common import PYTHON, ROOT, print_json, print_table, run_once, temp_folder
from bench.machine import load_average, load_note
from bench.studio10 import MOCKUPS, render_command, ten_template_ids
from profiling.artworks import ARTWORK_SIZE, photo_like_artwork

# Frames that only pass control on (the interpreter's, the CLI's shell) are left out of the
# table: they would head it with the whole run.
# Unprofiled: cProfile's per-call cost would inflate the import's many small Python calls.
IMPORT_CPU = """
import resource, time
started = time.process_time()
import mockups.cli
imported = time.process_time()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(imported - started, usage.ru_utime + usage.ru_stime - (imported - started))
"""
# The child: cProfile on the CPU clock from before `import mockups.cli`, as `python -m
# mockups render` starts, in a process that imported nothing else of the project.
CHILD = """
import cProfile, json, resource, sys, time
artwork, out, ids, mode, stats_file = sys.argv[1:]
profiler = cProfile.Profile(time.process_time)
started = time.process_time()
profiler.enable()
from mockups.cli import main
imported = time.process_time()
code = main(["render", artwork, "--out", out, "--templates", ids, "--mode", mode])
profiler.disable()
if code != 0:
    raise SystemExit(code)
profiler.dump_stats(stats_file)
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu_seconds = usage.ru_utime + usage.ru_stime
print(json.dumps({"cpu_seconds": cpu_seconds, "cli_import_seconds": imported - started}))
"""
PASS_THROUGH = ("<frozen", "<string>", "mockups/cli.py", "builtins.exec", "builtins.__import__")
# What the table's rows are grouped by: a label per function that owns one step of the render.
STEPS = {
    "plan (templates loaded, checked)": ("mockups/render/plan.py", "plan_render"),
    "artwork decode": ("mockups/artwork/intake.py", "decode_artwork"),
    "print fitted, framed, mapped (libvips)": ("mockups/render/compose.py", "place_mapped"),
    # the Pillow route (a template with a wrapped edge or a substrate showing through)
    "fit print (resize)": ("mockups/render/compose.py", "fit_print"),
    "frame print": ("mockups/render/compose.py", "framed"),
    "print map (libvips mapim)": ("mockups/templates/uvmap.py", "place_print"),
    "template layers decode": ("mockups/render/compose.py", "load_scene_images"),
    "scene window decode and tint": ("mockups/render/compose.py", "load_scene"),
    "composite (light, mask)": ("mockups/render/compose.py", "composite"),
    "mockup JPEG (window encoded, spliced)": ("mockups/render/run.py", "_write_mockup"),
    "thumbnail (window reduced, pasted)": ("mockups/render/mockup.py", "thumbnail"),
    "thumbnail JPEG encode": ("mockups/render/run.py", "_write_jpeg"),
}


def step_seconds(stats: pstats.Stats) -> dict[str, tuple[int, float]]:
    """Per step of STEPS: calls and cumulative CPU seconds (outermost calls only)."""
    table = stats.stats  # type: ignore[attr-defined]
    found: dict[str, tuple[int, float]] = {}
    for label, (file_end, function) in STEPS.items():
        calls, seconds = 0, 0.0
        for (file, _, name), (primitive, _, _, cumulative, _) in table.items():
            if name == function and file.endswith(file_end):
                calls += primitive
                seconds += cumulative
        found[label] = (calls, seconds)
    return found


def top_functions(stats: pstats.Stats, count: int) -> list[tuple[str, int, float, float]]:
    """The `count` functions with the most cumulative CPU, pass-through frames left out:
    (name, calls, own seconds, cumulative seconds)."""
    rows = []
    for (file, line, name), (primitive, _, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        label = f"{_short(file)}:{line}({name})" if line else name
        if any(part in label for part in PASS_THROUGH) or "importlib" in file:
            continue
        if not name.startswith("<module>"):
            rows.append((label, primitive, own, cumulative))
    rows.sort(key=lambda row: row[3], reverse=True)
    return rows[:count]


def _short(file: str) -> str:
    for marker in ("site-packages/", f"{ROOT}/"):
        if marker in file:
            return file.split(marker, 1)[1]
    return file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.render_profile", description=__doc__)
    parser.add_argument("--top", type=int, default=20, help="functions listed (default 20)")
    parser.add_argument("--mode", default="sequential", help="render mode (default sequential)")
    args = parser.parse_args(argv)
    load = load_average()
    ids = ten_template_ids()
    with temp_folder("render-profile") as folder:
        work = Path(folder)
        artwork = photo_like_artwork(work, ARTWORK_SIZE)
        plain = run_once(render_command(artwork, work / "plain", ids, args.mode))
        stats_file = work / "render.prof"
        child = [str(artwork), str(work / "out"), ",".join(ids), args.mode, str(stats_file)]
        command = [PYTHON, "-c", CHILD, *child]
        profiled = run_once(command)
        stats = pstats.Stats(str(stats_file))
    child = json.loads(profiled.stdout.splitlines()[-1])
    import_cpu, start_cpu = (float(v) for v in run_once([PYTHON, "-c", IMPORT_CPU]).stdout.split())
    child |= {"cli_import_seconds": import_cpu, "start_seconds": start_cpu}
    report(args, stats, plain.cpu_seconds, child, load)
    return 0


def report(args, stats: pstats.Stats, plain_cpu: float, child: dict, load: float) -> None:
    width, height = ARTWORK_SIZE
    print(
        f"render_profile: studio-10 {args.mode}, {MOCKUPS} mockups from a {width}x{height} "
        f"JPEG; CPU s of the process (cProfile on time.process_time)"
    )
    profiled_cpu = child["cpu_seconds"]
    steps = {
        "interpreter start (unprofiled)": (1, child["start_seconds"]),
        "import mockups.cli (unprofiled)": (1, child["cli_import_seconds"]),
        **step_seconds(stats),
    }
    rows = [
        [label, str(calls), f"{seconds:.2f}", f"{seconds / profiled_cpu:.0%}"]
        for label, (calls, seconds) in sorted(steps.items(), key=lambda item: -item[1][1])
        if calls
    ]
    print_table(["step", "calls", "CPU s", "share"], rows)
    print(
        f"  whole process: {profiled_cpu:.2f} CPU s profiled (interpreter start included), "
        f"{plain_cpu:.2f} unprofiled"
    )
    print(
        "  steps overlap: a lazy import counts in its step too. The clock is the process's, so a\n"
        "    step's figure includes the work of other threads meanwhile (cProfile follows only\n"
        "    the main thread): the working copy's PNG beside the first mockups, and the helper\n"
        "    thread's: template layers and scene decoded (in the print's step, so the layers'\n"
        "    own row is for templates without a print map), every other strip composited, and\n"
        "    the thumbnail (in the mockup JPEG's)."
    )
    top = [
        [name, str(calls), f"{own:.2f}", f"{cumulative:.2f}"]
        for name, calls, own, cumulative in top_functions(stats, args.top)
    ]
    print_table(["function", "calls", "own CPU s", "cumulative CPU s"], top)
    print(load_note(load))
    summary = {label: round(seconds, 3) for label, (_, seconds) in steps.items()}
    print_json(
        "render_profile",
        {"mode": args.mode, "cpu_seconds": round(profiled_cpu, 3), "steps": summary},
    )


if __name__ == "__main__":
    sys.exit(main())
