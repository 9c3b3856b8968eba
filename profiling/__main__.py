"""`python -m profiling compare|report`: parse the arguments, call the library, print."""

from __future__ import annotations

import argparse
import sys

from mockups.commandline import OneLineErrorParser, quiet_when_the_reader_leaves, run_command
from mockups.options import CONCRETE_MODES, MAX_WORKERS
from mockups.render.budget import JobRefused, budget_bytes
from mockups.templates.library import LISTING, LISTING_IMAGES
from profiling.compare import (
    check_comparison,
    compare_modes,
    format_comparison,
    plan_comparison,
    verdict,
)
from profiling.profile_folder import load_run
from profiling.report import format_profile, write_flamegraphs

DESCRIPTION = (
    "Profile Mockup Lab's renders with memray: compare the render modes on one artwork "
    "(time and peak memory, side by side), or report on a profiled run (a table per mockup "
    "and memray flame graphs)."
)
EPILOG = (
    "A run profiled from the dashboard or with `python -m mockups render --profile` has its "
    "captures in RUN_FOLDER/profile; `report` reads them."
)


def main(argv: list[str] | None = None) -> int:
    with quiet_when_the_reader_leaves():
        args = _parser().parse_args(argv)
        return run_command(args.command, args)


def compare_command(args: argparse.Namespace) -> int:
    """The dashboard's Compare from the command line: the same memory budget (runs over it
    refused, or left out of the default modes), the same verdict sentence after the table."""
    budget = budget_bytes()
    chosen = args.modes or list(CONCRETE_MODES)
    planned = plan_comparison(args.artwork, chosen, args.workers, args.templates, budget)
    if args.modes is None:  # by default, the modes whose every run fits
        for run in planned:
            if not run.fits:
                print(f"left out: {run.why_not()}", file=sys.stderr)
        chosen = [m for m in chosen if all(r.fits for r in planned if r.mode == m)]
        planned = [run for run in planned if run.mode in chosen]
    check_comparison(planned)
    if not planned:
        raise JobRefused("refused before rendering: no mode fits the memory budget")
    rows = compare_modes(
        args.artwork,
        args.out,
        modes=chosen,
        workers=args.workers,
        templates=args.templates,
        release_memory=(False, True) if args.release else (False,),
        started=lambda label: print(f"profiling {label}...", file=sys.stderr, flush=True),
    )
    print(format_comparison(rows))
    print(verdict(rows, budget).sentence())
    return 0


def report_command(args: argparse.Namespace) -> int:
    for path in write_flamegraphs(args.dir, no_web=args.no_web):
        print(f"wrote {path}")
    print(format_profile(load_run(args.dir)))
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(prog="python -m profiling", description=DESCRIPTION, epilog=EPILOG)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    compare = commands.add_parser("compare", help="render one artwork in several modes")
    compare.add_argument("artwork", help="the artwork file")
    compare.add_argument("--out", required=True, help="folder for the runs and compare.json")
    compare.add_argument(
        "--modes",
        type=_modes,
        default=None,
        help="MODE,MODE,... (default: every mode whose runs fit the memory budget)",
    )
    compare.add_argument(
        "--workers", type=_worker_counts, default=[2], help=f"N or N,N,... (1 to {MAX_WORKERS})"
    )
    compare.add_argument(
        "--templates",
        default=LISTING,
        help=f"'{LISTING}' (the default: the {LISTING_IMAGES} the dashboard ticks, as Compare "
        "renders), 'all', or template ids: ID,ID,...",
    )
    compare.add_argument(
        "--release", action="store_true", help="also run each mode with release_memory on"
    )
    compare.set_defaults(command=compare_command)

    report = commands.add_parser("report", help="flame graphs and a table for a profiled run")
    report.add_argument(
        "dir", metavar="RUN_FOLDER", help="a profiled run's folder (holding profile/)"
    )
    report.add_argument("--no-web", action="store_true", help="inline the scripts, for offline use")
    report.set_defaults(command=report_command)
    return parser


def _modes(text: str) -> list[str]:
    modes = [mode.strip() for mode in text.split(",") if mode.strip()]
    unknown = [mode for mode in modes if mode not in CONCRETE_MODES]
    if unknown or not modes:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(CONCRETE_MODES)}")
    return modes


def _worker_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("whole numbers, N or N,N,...") from None
    if not all(1 <= count <= MAX_WORKERS for count in counts):
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_WORKERS}")
    return counts


if __name__ == "__main__":
    raise SystemExit(main())
