"""The `python -m etsy_sync` command line: parses arguments, calls `EtsySync`, prints."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from tqdm import tqdm

from etsy_sync.client import LISTING_STATES
from etsy_sync.draft import WHEN_MADE, WHO_MADE, DraftFields, parse_tags
from etsy_sync.errors import ConfigError, EtsySyncError, LocalStateError, PlanError
from etsy_sync.listing import ListingPlan, ListingResult, listing_request
from etsy_sync.listing_video import VIDEO_FILE_NAME
from etsy_sync.plan import PlanItem, PushPlan
from etsy_sync.push import Progress, PushOptions, PushResult, PushStep
from etsy_sync.run_images import DEFAULT_PLAN_IMAGES, MAX_LISTING_IMAGES
from etsy_sync.service import EtsySync, ListingStatus, run_video
from mockups.commandline import EXIT_BAD_INPUT, OneLineErrorParser

EXIT_FAILED = 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.command(EtsySync() if args.needs_etsy else None, args)
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
    parser.set_defaults(needs_etsy=True)

    auth = commands.add_parser("auth", help="connect to your Etsy shop")
    auth.set_defaults(command=auth_command)

    listings = commands.add_parser("listings", help="list the shop's listings")
    listings.add_argument("--state", choices=LISTING_STATES, help="only listings in this state")
    listings.add_argument("--json", action="store_true", help="print JSON")
    listings.set_defaults(command=listings_command)

    push = commands.add_parser("push", help="push a run's mockups to a listing")
    push.add_argument("run_dir", metavar="RUN_DIR", help="a render run's folder (with run.json)")
    push.add_argument(
        "--listing",
        type=int,
        required=True,
        metavar="ID",
        help="the Etsy listing's id (the number in its address; `listings` shows them)",
    )
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

    draft = commands.add_parser(
        "draft", help="make (or update) the run's draft listing, with photos, colours, video"
    )
    draft.add_argument("run_dir", metavar="RUN_DIR", help="a render run's folder (with run.json)")
    draft.add_argument("--title", required=True, help="at most 140 characters")
    draft.add_argument("--price", required=True, help="in the shop's currency: 24.50")
    draft.add_argument("--taxonomy", type=int, required=True, metavar="ID", help="Etsy category")
    draft.add_argument("--tags", help="at most 13, comma-separated, each at most 20 characters")
    draft.add_argument(
        "--description-file", type=Path, metavar="FILE", help="the listing's description, as text"
    )
    draft.add_argument(
        "--shipping-profile",
        type=int,
        metavar="ID",
        help="the shop's shipping profile for this item (a physical item needs one)",
    )
    draft.add_argument(
        "--who-made",
        choices=WHO_MADE,
        default="i_did",
        metavar="WHO",
        help=f"who made it: {', '.join(WHO_MADE)} (default i_did)",
    )
    draft.add_argument(
        "--when-made",
        choices=WHEN_MADE,
        default="made_to_order",
        metavar="WHEN",
        help=f"when it was made: {', '.join(WHEN_MADE[:3])} ... {WHEN_MADE[-1]} "
        "(default made_to_order)",
    )
    draft.add_argument("--quantity", type=int, default=1, help="per colour (default 1)")
    draft.add_argument("--order", type=_indexes, help="mockups to push, in order: 3,1,2")
    draft.add_argument(
        "--alt-text-file",
        type=Path,
        metavar="FILE",
        help='alt texts you edited: JSON {"rank": "text"}, e.g. the alt_texts of --dry-run --json',
    )
    draft.add_argument(
        "--alt", action="append", default=[], metavar="RANK=TEXT", help="one rank's alt text"
    )
    draft.add_argument(
        "--no-variations", action="store_true", help="no colour variations from colour mockups"
    )
    draft.add_argument(
        "--video",
        nargs="?",
        const="",
        metavar="FILE",
        help=f"add the listing video (default: the run's {VIDEO_FILE_NAME}, from `video`)",
    )
    draft.add_argument(
        "--overwrite-foreign",
        action="store_true",
        help="overwrite photos on the draft that did not come from Mockup Lab",
    )
    draft.add_argument("--dry-run", action="store_true", help="show what would be done, only")
    draft.add_argument("--json", action="store_true", help="print JSON")
    draft.set_defaults(command=draft_command)

    video = commands.add_parser("video", help="make the run's listing video (MP4, 5-15 s)")
    video.add_argument("run_dir", metavar="RUN_DIR", help="a render run's folder (with run.json)")
    video.add_argument(
        "--out", type=Path, help=f"the MP4 to write (default RUN_DIR/{VIDEO_FILE_NAME})"
    )
    video.add_argument("--order", type=_indexes, help="mockups to show, in order: 3,1,2")
    video.add_argument("--json", action="store_true", help="print JSON")
    video.set_defaults(command=video_command, needs_etsy=False)

    status = commands.add_parser("status", help="what was pushed to a listing, and how")
    status.add_argument("--listing", type=int, required=True, metavar="ID", help="the listing's id")
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
    with _image_bar() as progress:
        result = sync.push(args.run_dir, args.listing, args.order, progress, options)
    summary = {**asdict(result), "uploads": result.uploads, "reordered": result.reordered}
    print(_json(summary) if args.json else _result_text(result))
    return 0


def draft_command(sync: EtsySync, args: argparse.Namespace) -> int:
    fields = DraftFields(
        title=args.title,
        price=args.price,
        taxonomy_id=args.taxonomy,
        description=_read_text(args.description_file) if args.description_file else "",
        tags=parse_tags(args.tags),
        shipping_profile_id=args.shipping_profile,
        who_made=args.who_made,
        when_made=args.when_made,
        quantity=args.quantity,
    )
    video = None
    if args.video is not None:
        video = Path(args.video) if args.video else Path(args.run_dir) / VIDEO_FILE_NAME
    request = listing_request(
        args.run_dir,
        fields,
        args.order,
        {**_alt_text_file(args.alt_text_file), **_alt_options(args.alt)},
        variations=not args.no_variations,
        video=video,
    )
    plan = sync.plan_draft(request)
    if args.dry_run:
        print(_json(_listing_plan_json(plan)) if args.json else _listing_plan_text(plan))
        return 0
    with _image_bar() as progress:
        result = sync.draft(plan, progress, PushOptions(overwrite_foreign=args.overwrite_foreign))
    print(_json(_listing_result_json(result)) if args.json else _listing_result_text(result))
    return 0


def video_command(sync: None, args: argparse.Namespace) -> int:
    bar = tqdm(total=None, unit="frame", disable=None, file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(1)

    try:
        result = run_video(args.run_dir, args.out, args.order, progress=progress)
    finally:
        bar.close()
    if args.json:
        print(_json(asdict(result)))
    else:
        print(
            f"{result.path}: {result.width} x {result.height}, {result.seconds:.1f} s, "
            f"{result.bytes / 2**20:.1f} MB, made in {result.encode_seconds:.1f} s"
        )
    return 0


def status_command(sync: EtsySync, args: argparse.Namespace) -> int:
    status = sync.status(args.listing)
    print(_json(asdict(status)) if args.json else _status_text(status))
    return 0


@contextmanager
def _image_bar() -> Iterator[Progress]:
    """A progress bar on stderr, one step an image (hidden when stderr is not a terminal)."""
    bar = tqdm(total=None, unit="image", disable=None, file=sys.stderr)

    def progress(done: int, total: int, step: PushStep) -> None:
        bar.total = total
        bar.set_postfix_str(f"{step.rank}: {step.action}")
        bar.update(1)

    try:
        yield progress
    finally:
        bar.close()


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
    if status.video is not None:
        video = status.video
        lines.append(f"  video {video.video_id:<10} {video.sha256[:12]}  {video.pushed_at}")
    for push in status.pushes[:5]:
        outcome = "did not finish" if push.finished_at is None else push.outcome
        lines.append(f"  push {push.push_id}: {outcome}, {push.uploads} upload(s)")
    for call in status.calls[-20:]:
        lines.append(
            f"  {call.at}  {call.method:<5} {call.path}  {call.status or '-'} {call.outcome}"
        )
    return "\n".join(lines)


def _listing_plan_text(plan: ListingPlan) -> str:
    where = f"draft {plan.listing_id}" if plan.listing_id else "a new draft"
    change = "fields updated" if plan.listing_id and plan.fields_changed else ""
    lines = [f"{where}: {plan.fields.title!r} at {plan.fields.price} {change}".rstrip()]
    uploads = {i.image.rank: i.action for i in plan.image_plan.items} if plan.image_plan else {}
    for image in plan.images:
        action = uploads.get(image.rank, "add")
        lines.append(f"  {image.rank:>2}  {action:<9} {image.file.name:<28} alt: {image.alt_text}")
    if plan.variations is not None:
        for colour in plan.variations.colours:
            lines.append(f"  colour {colour.value:<12} photo {colour.rank} ({colour.file})")
        for template in plan.variations.repeated:
            lines.append(f"  {template}: its colour is shown by an earlier photo; not a variation")
    if plan.video is not None:
        lines.append(f"  video {plan.video.path.name} ({plan.video.bytes / 2**20:.1f} MB)")
    left = "unknown" if plan.calls_left is None else str(plan.calls_left)
    lines.append(f"  about {plan.calls_needed} calls to Etsy; {left} left today")
    return "\n".join(lines)


def _listing_plan_json(plan: ListingPlan) -> dict:
    return {
        "listing_id": plan.listing_id,
        "fields": asdict(plan.fields),
        "fields_changed": plan.fields_changed,
        "images": [asdict(image) for image in plan.images],
        "alt_texts": {str(rank): text for rank, text in plan.alt_texts.items()},
        "variations": asdict(plan.variations) if plan.variations else None,
        "video": asdict(plan.video) if plan.video else None,
        "calls_needed": plan.calls_needed,
        "calls_left": plan.calls_left,
    }


def _listing_result_text(result: ListingResult) -> str:
    made = "created" if result.created else ("updated" if result.updated else "unchanged")
    lines = [f"draft {result.listing_id} {made} (a draft: publish it on Etsy when it is ready)"]
    lines.append(_result_text(result.images))
    if result.variations is not None:
        inventory = "set" if result.variations.inventory_set else "unchanged"
        photos = "set" if result.variations.images_set else "unchanged"
        lines.append(f"  inventory {inventory}; colour photos {photos}")
    if result.video is not None:
        video = result.video
        lines.append(f"  video {video.video_id}: {video.action} ({video.state} on Etsy)")
    lines.append(f"  {result.calls_made} calls to Etsy")
    return "\n".join(lines)


def _listing_result_json(result: ListingResult) -> dict:
    images = result.images
    return {
        **asdict(result),
        "images": {**asdict(images), "uploads": images.uploads, "reordered": images.reordered},
    }


def _alt_text_file(path: Path | None) -> dict[int, str]:
    if path is None:
        return {}
    try:
        data = json.loads(_read_text(path))
    except ValueError:
        raise PlanError(f'{path}: not JSON; give alt texts as {{"rank": "text"}}') from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise PlanError(f'{path}: give alt texts as {{"rank": "text"}}')
    return {_rank(key, str(path)): text for key, text in data.items()}


def _alt_options(options: list[str]) -> dict[int, str]:
    texts = {}
    for option in options:
        rank, separator, text = option.partition("=")
        if not separator:
            raise PlanError(f"--alt {option!r}: give RANK=TEXT")
        texts[_rank(rank, "--alt")] = text
    return texts


def _rank(text: str, where: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise PlanError(f"{where}: {text!r} is not a rank (a photo's number from 1)") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError(f"{path}: cannot be read ({type(error).__name__})") from None


def _json(data: object) -> str:
    return json.dumps(data, indent=2, default=str)
