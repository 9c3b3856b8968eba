"""The `python -m mockups` command line: parses arguments and calls the library, nothing more."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from mockups.commandline import OneLineErrorParser, quiet_when_the_reader_leaves, run_command
from mockups.errors import MockupLabError, printable
from mockups.memory import set_up_for_rendering
from mockups.options import FITS, MAX_WORKERS, MODES, RenderOptions
from mockups.render.plan import plan_render
from mockups.render.renderers import PROFILED, find_renderer
from mockups.runs.folder import MockupResult
from mockups.templates.library import LISTING, LISTING_IMAGES


def main(argv: list[str] | None = None) -> int:
    set_up_for_rendering()  # before the progress bar's thread allocates
    with quiet_when_the_reader_leaves():
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
    render.add_argument(
        "--out",
        help="folder for the mockups and run.json (default: a new run in the runs folder, "
        "$MOCKUPLAB_HOME/runs, where the dashboard's History lists it)",
    )
    render.add_argument(
        "--templates",
        default=LISTING,
        help=f"'{LISTING}' (the default: the {LISTING_IMAGES} the dashboard ticks), 'all', or "
        "template ids, ID@COLOUR for a colour: ID,ID,...",
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

    _add_batch(commands)

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
        return 0
    for row in rows:
        print(_template_line(row))
    return 0


def _template_line(row: dict) -> str:
    """One template as a line of the table: id, whose, product, size, name, colours. Ids,
    names and reasons come from folder names and manifests: shown printable, one line each."""
    shown = printable(row["id"])
    if row["problem"]:
        return f"{shown:<20} {row['source']:<9} broken: {printable(row['problem'], 400)}"
    line = (
        f"{shown:<20} {row['source']:<9} {printable(row['product']):<16} "
        f"{row['width']}x{row['height']}  {printable(row['name'])}"
    )
    if row["colours"]:
        line += f"  (colours: {', '.join(printable(colour) for colour in row['colours'])})"
    return line


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


class SilentBar:
    """A progress bar for a stderr that is no terminal: it shows nothing but the lines
    written through it, as tqdm's bar does there."""

    total: int | None = None

    def set_postfix_str(self, text: str) -> None:
        pass

    def update(self, count: int) -> None:
        pass

    def write(self, line: str, file: TextIO) -> None:
        print(line, file=file)

    def close(self) -> None:
        pass


def progress_bar() -> Any:
    """tqdm's bar on a terminal; elsewhere (a pipe, a log) a `SilentBar`, without importing
    tqdm (30 ms of a render's start)."""
    if not sys.stderr.isatty():
        return SilentBar()
    from tqdm import tqdm

    return tqdm(total=None, unit="mockup", file=sys.stderr)


def render_command(args: argparse.Namespace) -> int:
    options = RenderOptions(
        templates=args.templates, mode=args.mode, workers=args.workers, fit=args.fit
    )
    plan = plan_render(args.artwork, options).check()
    if args.profile:
        render = find_renderer(PROFILED)
    else:  # the engine's own, given the plan made here: the templates are read and checked once
        from mockups.render.run import render_run

        render = partial(render_run, plan=plan)
    bar = progress_bar()

    def progress(done: int, total: int, result: MockupResult) -> None:
        bar.total = total
        bar.set_postfix_str(result.template)
        bar.update(1)
        summary = (result.profile or {}).get("summary")
        if summary:  # a profiled mockup as it lands: the profiler's own line about it
            bar.write(f"{result.index:02d} {result.template}: {summary}", file=sys.stderr)

    with run_folder(args.out, args.artwork) as out, closing(bar):
        run = render(args.artwork, str(out), options=options, progress=progress)
    for warning in run.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    summary = {
        "out_dir": shown_path(run.out_dir),
        "wall_seconds": run.wall_seconds,
        "peak_rss_bytes": run.peak_rss_bytes,
        "mockups": len(run.mockups),
    }
    print(json.dumps(summary))
    return 0


def _add_batch(commands) -> None:
    batch = commands.add_parser("batch", help="render a collection: a folder or zip of artworks")
    batch.add_argument("source", metavar="FOLDER_OR_ZIP", help="a folder or a .zip of artworks")
    batch.add_argument(
        "--out",
        required=True,
        metavar="NAME",
        help="the collection's name: its folder is $MOCKUPLAB_HOME/collections/NAME, resumed "
        "if there (a path must lead to such a folder; any other is refused)",
    )
    batch.add_argument(
        "--templates",
        default=LISTING,
        help=f"'{LISTING}' (the default: the first {LISTING_IMAGES}), 'all' or ID,ID@COLOUR,...",
    )
    batch.add_argument("--csv", help="a row per artwork: file,title,price,tags,description,colours")
    batch.add_argument("--queue", metavar="REDIS_URL", help="render through the workers' queue")
    batch.set_defaults(command=batch_command)


def batch_command(args: argparse.Namespace) -> int:
    from mockups.collections.batch import run_batch
    from mockups.collections.build import named_collection

    summary = run_batch(
        Path(args.source),
        named_collection(args.out),
        args.templates,
        csv=Path(args.csv) if args.csv else None,
        queue_url=args.queue,
        say=lambda line: print(line, flush=True),
    )
    print(summary.line())
    return 1 if summary.failed else 0


@contextmanager
def run_folder(out: str | None, artwork: str) -> Iterator[Path]:
    """`out`, or a new run folder in the runs folder (kept by the runs store, so History
    lists it), removed again if the render fails."""
    if out is not None:
        yield Path(out)
        return
    from mockups.runs.catalogue import new_run_dir, run_store

    folder = new_run_dir(Path(artwork).name)
    try:
        yield folder
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    run_store().publish(folder, folder.name)


def shown_path(path: str | Path) -> str:
    """`path` as the user reaches it from here: relative to the current folder when inside it."""
    absolute = Path(path).resolve()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


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
