"""The `python -m mockups` command line: parses arguments and calls the library, nothing more."""

from __future__ import annotations

import argparse
import json
import sys

from tqdm import tqdm

from mockups.commandline import OneLineErrorParser, run_command
from mockups.errors import MockupLabError
from mockups.options import FITS, MAX_WORKERS, MODES, RenderOptions
from mockups.render.plan import check_budget
from mockups.render.renderers import PLAIN, PROFILED, find_renderer
from mockups.runs.folder import MockupResult


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return run_command(args.command, args)


def _parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(prog="python -m mockups", description="Render product mockups.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    listing = commands.add_parser("templates", help="list the templates")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    listing.set_defaults(command=list_templates)

    render = commands.add_parser("render", help="render an artwork on templates")
    render.add_argument("artwork", help="JPEG, PNG, WebP, TIFF or GIF file")
    render.add_argument("--out", required=True, help="folder for the mockups and run.json")
    render.add_argument(
        "--templates",
        default="all",
        help="'all' or template ids, ID@COLOUR for a colour: ID,ID,...",
    )
    render.add_argument(
        "--mode",
        choices=MODES,
        default="sequential",
        help="auto: threads when their estimated peak fits MOCKUPLAB_JOB_BUDGET_MB, else "
        "sequential (the default: one mockup after another)",
    )
    render.add_argument("--workers", type=int, help=f"parallel workers, 1 to {MAX_WORKERS}")
    render.add_argument(
        "--fit", choices=FITS, help="cover crops to fill each print; contain shows it all"
    )
    render.add_argument(
        "--profile",
        action="store_true",
        help="profile with memray: heap figures in run.json, captures in OUT/profile",
    )
    render.set_defaults(command=render_command)

    sheet = commands.add_parser("sheet", help="one artwork on every template, as one image")
    sheet.add_argument("artwork", help="JPEG, PNG, WebP, TIFF or GIF file")
    sheet.add_argument("--out", required=True, help="the contact sheet's JPEG file")
    sheet.add_argument("--templates", default="all", help="'all' or ID,ID@COLOUR,...")
    sheet.set_defaults(command=sheet_command)

    importer = commands.add_parser(
        "import-psd", help="a Photoshop smart-object mockup as a template"
    )
    importer.add_argument("psd", help="PSD or PSB file whose design sits in a smart object")
    importer.add_argument("--layer", help="the smart object's layer name, if it has several")
    importer.add_argument("--id", dest="template_id", help="the template's id (default: file name)")
    importer.set_defaults(command=import_psd_command)

    worker = commands.add_parser("worker", help="render queued jobs from Redis (an RQ worker)")
    worker.add_argument("--url", help="Redis URL (default: $REDIS_URL)")
    worker.add_argument("--burst", action="store_true", help="stop once the queue is empty")
    worker.set_defaults(command=worker_command)
    return parser


def list_templates(args: argparse.Namespace) -> int:
    from mockups.templates.library import library_entries

    rows = [_template_row(entry) for entry in library_entries()]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            if row["problem"]:
                print(f"{row['id']:<20} {row['source']:<9} broken: {row['problem']}")
                continue
            print(
                f"{row['id']:<20} {row['source']:<9} {row['product']:<16} "
                f"{row['width']}x{row['height']}  {row['name']}"
            )
    return 0


def _template_row(entry) -> dict:
    t = entry.template
    if t is None:
        return {"id": entry.id, "source": entry.source, "problem": entry.problem}
    return {
        "id": t.id,
        "source": entry.source,
        "name": t.name,
        "product": t.product,
        "width": t.size[0],
        "height": t.size[1],
        "placement": t.placement,
        "colours": list(t.variants.colours) if t.variants else [],
        "thumbnail": str(t.thumbnail) if t.thumbnail else None,
        "problem": None,
    }


def render_command(args: argparse.Namespace) -> int:
    options = RenderOptions(
        templates=args.templates, mode=args.mode, workers=args.workers, fit=args.fit
    )
    renderer = PROFILED if args.profile else PLAIN
    check_budget(args.artwork, options)
    render = find_renderer(renderer)
    bar = tqdm(total=None, unit="mockup", disable=None, file=sys.stderr)

    def progress(done: int, total: int, result: MockupResult) -> None:
        bar.total = total
        bar.set_postfix_str(result.template)
        bar.update(1)
        summary = (result.profile or {}).get("summary")
        if summary:  # a profiled mockup as it lands: the profiler's own line about it
            bar.write(f"{result.index:02d} {result.template}: {summary}", file=sys.stderr)

    try:
        run = render(args.artwork, args.out, options=options, progress=progress)
    finally:
        bar.close()
    for warning in run.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    summary = {
        "out_dir": run.out_dir,
        "wall_seconds": run.wall_seconds,
        "peak_rss_bytes": run.peak_rss_bytes,
        "mockups": len(run.mockups),
    }
    print(json.dumps(summary))
    return 0


def worker_command(args: argparse.Namespace) -> int:
    from mockups.jobs import redis_url_from_env, run_worker

    url = args.url or redis_url_from_env()
    if not url:
        raise MockupLabError("no Redis to take jobs from: pass --url or set REDIS_URL")
    run_worker(url, burst=args.burst)
    return 0


def sheet_command(args: argparse.Namespace) -> int:
    from mockups.render.sheet import contact_sheet

    print(contact_sheet(args.artwork, args.out, templates=args.templates))
    return 0


def import_psd_command(args: argparse.Namespace) -> int:
    from mockups.psd.importer import import_psd

    result = import_psd(args.psd, layer_name=args.layer, template_id=args.template_id)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(result.template.id)
    return 0
