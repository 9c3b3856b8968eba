"""The `python -m etsy_sync` command line: parses arguments, calls `EtsySync`, prints."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict

from tqdm import tqdm

from etsy_sync.client import LISTING_STATES
from etsy_sync.errors import ConfigError, EtsySyncError, LocalStateError, PlanError
from etsy_sync.plan import PlanItem, PushPlan
from etsy_sync.push import PushOptions, PushResult, PushStep
from etsy_sync.run_images import DEFAULT_PLAN_IMAGES, MAX_LISTING_IMAGES
from etsy_sync.service import EtsySync, ListingStatus
from mockups.commandline import EXIT_BAD_INPUT, OneLineErrorParser

EXIT_FAILED = 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(EtsySync(), args)
    except (ConfigError, PlanError, LocalStateError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except EtsySyncError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return 130
    except Exception as error:  # a bug: still one line, and no secret (no message quoted)
        print(f"error: failed unexpectedly ({type(error).__name__})", file=sys.stderr)
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(
        prog="python -m etsy_sync", description="Put a run's mockups on an Etsy listing."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    auth = commands.add_parser("auth", help="connect to your Etsy shop")
    auth.set_defaults(command=auth_command)

    listings = commands.add_parser("listings", help="list the shop's listings")
    listings.add_argument("--state", choices=LISTING_STATES, help="only listings in this state")
    listings.add_argument("--json", action="store_true", help="print JSON")
    listings.set_defaults(command=listings_command)

    push = commands.add_parser("push", help="push a run's mockups to a listing")
    push.add_argument("run_dir", metavar="RUN_DIR", help="a render run's folder (with run.json)")
    push.add_argument("--listing", type=int, required=True, metavar="ID")
    push.add_argument(
        "--order",
        type=_indexes,
        help=f"mockups to push, in order: 3,1,2 (default: the run's first {DEFAULT_PLAN_IMAGES}; "
        f"at most {MAX_LISTING_IMAGES})",
    )
    push.add_argument("--dry-run", action="store_true", help="show what would change, only")
    push.add_argument(
        "--overwrite-foreign",
        action="store_true",
        help="overwrite photos on the listing that did not come from Mockup Lab",
    )
    push.add_argument(
        "--remove-extra",
        action="store_true",
        help="delete images an earlier push left after the planned ones (default: keep them)",
    )
    push.add_argument("--json", action="store_true", help="print JSON")
    push.set_defaults(command=push_command)

    status = commands.add_parser("status", help="what was pushed to a listing, and how")
    status.add_argument("--listing", type=int, required=True, metavar="ID")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(command=status_command)
    return parser


def _indexes(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("give mockup numbers separated by commas") from None


def auth_command(sync: EtsySync, args: argparse.Namespace) -> int:
    link = sync.connect_link()
    print("Open this link, allow access, then paste here the address Etsy sends you to:")
    print(link.url, flush=True)
    print("> ", end="", file=sys.stderr, flush=True)
    redirect = sys.stdin.readline()
    if not redirect.strip():
        raise PlanError("no address pasted; nothing changed")
    status = sync.finish_connect_from_redirect(redirect)
    print(f"connected to Etsy as user {status.user_id}; saved in {sync.config.token_file}")
    return 0


def listings_command(sync: EtsySync, args: argparse.Namespace) -> int:
    found = sync.listings([args.state] if args.state else LISTING_STATES)
    if args.json:
        print(json.dumps([asdict(listing) for listing in found], indent=2))
        return 0
    for listing in found:
        print(f"{listing.listing_id:<12} {listing.state:<9} {listing.title}")
    return 0


def push_command(sync: EtsySync, args: argparse.Namespace) -> int:
    if args.dry_run:
        plan = sync.plan(args.run_dir, args.listing, args.order, args.remove_extra)
        print(_json(_plan_json(plan)) if args.json else _plan_text(plan))
        return 0
    options = PushOptions(overwrite_foreign=args.overwrite_foreign, remove_extra=args.remove_extra)
    bar = tqdm(total=None, unit="image", disable=None, file=sys.stderr)

    def progress(done: int, total: int, step: PushStep) -> None:
        bar.total = total
        bar.set_postfix_str(f"{step.rank}: {step.action}")
        bar.update(1)

    try:
        result = sync.push(args.run_dir, args.listing, args.order, progress, options)
    finally:
        bar.close()
    summary = {**asdict(result), "uploads": result.uploads, "reordered": result.reordered}
    print(_json(summary) if args.json else _result_text(result))
    return 0


def status_command(sync: EtsySync, args: argparse.Namespace) -> int:
    status = sync.status(args.listing)
    print(_json(asdict(status)) if args.json else _status_text(status))
    return 0


def _plan_text(plan: PushPlan) -> str:
    lines = [f"listing {plan.listing_id}: {plan.uploads} upload(s)"]
    for item in plan.items:
        lines.append(
            f"  {item.image.rank:>2}  {item.action:<9} {item.image.file.name:<28} {_over(item)}"
        )
    if plan.order_first is not None:
        lines.append(f"  reorder first: {', '.join(str(i) for i in plan.order_first)}")
    for image in plan.kept:
        whose = "ours, from an earlier push" if image.listing_image_id in plan.ours else "seller's"
        lines.append(f"  left after ours: {image.listing_image_id} ({whose})")
    for image in plan.removed:
        lines.append(f"  removed: {image.listing_image_id} (ours, from an earlier push)")
    if plan.extra_ours and not plan.removed:
        lines.append(
            f"  {len(plan.extra_ours)} image(s) of an earlier push stay (the default); "
            "--remove-extra deletes them"
        )
    foreign = plan.overwrites_foreign
    if foreign:
        lines.append(
            f"  {len(foreign)} photo(s) that did not come from Mockup Lab would be overwritten: "
            "push with --overwrite-foreign to allow it"
        )
    lines.append(f"  the listing would hold {plan.images_after} image(s)")
    if not plan.changes_anything:
        lines.append("  nothing to change")
    return "\n".join(lines)


def _over(item: PlanItem) -> str:
    if item.replaces is not None:
        whose = "seller's photo" if item.replaces_foreign else "ours"
        return f"overwrites {item.replaces.listing_image_id} ({whose})"
    if item.kept_image_id is not None:
        return f"keeps {item.kept_image_id}"
    return "new"


def _plan_json(plan: PushPlan) -> dict:
    return {
        **asdict(plan),
        "ours": sorted(plan.ours),
        "uploads": plan.uploads,
        "overwrites_foreign": [item.image.rank for item in plan.overwrites_foreign],
        "images_after": plan.images_after,
    }


def _result_text(result: PushResult) -> str:
    lines = [f"listing {result.listing_id}: {result.uploads} upload(s), push {result.push_id}"]
    for image in result.adopted:
        lines.append(f"  {image.rank:>2}  adopted   {image.listing_image_id} (interrupted upload)")
    for step in result.steps:
        foreign = "  (overwrote a seller's photo)" if step.overwrote_foreign else ""
        lines.append(
            f"  {step.rank:>2}  {step.action:<9} {step.listing_image_id}  {step.file}{foreign}"
        )
    for image_id in result.removed:
        lines.append(f"      removed   {image_id} (from an earlier push)")
    for repair in result.repairs:
        lines.append(f"  repaired: {repair}")
    if result.reordered:
        lines.append("  images reordered to match the ranks")
    return "\n".join(lines)


def _status_text(status: ListingStatus) -> str:
    lines = [f"listing {status.listing_id}"]
    for row in status.pushed:
        lines.append(
            f"  {row.rank:>2}  {row.listing_image_id:<12} {row.sha256[:12]}  {row.pushed_at}"
        )
    for pending in status.pending:
        lines.append(f"  {pending.rank:>2}  upload interrupted at {pending.started_at}")
    for push in status.pushes[:5]:
        outcome = "did not finish" if push.finished_at is None else push.outcome
        lines.append(f"  push {push.push_id}: {outcome}, {push.uploads} upload(s)")
    for call in status.calls[-20:]:
        lines.append(
            f"  {call.at}  {call.method:<5} {call.path}  {call.status or '-'} {call.outcome}"
        )
    return "\n".join(lines)


def _json(data: object) -> str:
    return json.dumps(data, indent=2, default=str)
