"""From a run to a finished draft listing: the draft, its photos with alt text, its colour
variations, its video. Never published: the listing stays a draft (no `state` is ever sent).

`plan_listing` works out everything a push would do, with Etsy's reads only (the listing's
images, the taxonomy's colours), and `push_listing` does it, step by step, each step one that
a killed push resumes:
1. The draft: created once per run (the manifest keeps which listing), updated when its fields
   change. A creation is written down before it is sent; a push killed during it finds the new
   draft among the shop's drafts (same title, not there before) instead of making another.
2. The photos, with their alt text: `etsy_sync.push` (resumable per upload).
3. The inventory (a product per colour, the price and quantity), only when it differs, then the
   colours' photos (`etsy_sync.variations`).
4. The video (`etsy_sync.video_push`).
Before any change the calls the push needs are counted against what Etsy still allows today
(its `x-remaining-today`): a push that cannot finish is not started.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from etsy_sync.client import EtsyApi, Listing
from etsy_sync.draft import DraftFields, check_draft
from etsy_sync.errors import EtsyApiError, RateLimited
from etsy_sync.manifest import Manifest, PendingDraft, now_iso
from etsy_sync.plan import PushPlan
from etsy_sync.push import Progress, PushOptions, PushResult, preview_push, push_images
from etsy_sync.run_images import PlannedImage, plan_images
from etsy_sync.transport import CallRecord
from etsy_sync.variations import (
    Offer,
    VariationPlan,
    VariationResult,
    check_inventory_is_ours,
    inventory_body,
    inventory_matches,
    plan_colour_variations,
    same_variation_images,
    stock_colours,
    variation_images_body,
)
from etsy_sync.video_push import VideoFile, VideoPushResult, push_video

# Calls per step, as the push makes them (reads included): an upload is sent and read back,
# and may be reordered; a draft is created or updated once; colours read the taxonomy, the
# inventory and the photos, and set both; the video is read, maybe deleted, sent, read; the
# listing is read at the end, as Etsy shows it.
CALLS_PER_UPLOAD = 3
CALLS_AROUND_IMAGES = 5
CALLS_FOR_COLOURS = 5
CALLS_FOR_VIDEO = 4

# The steps of a push, in order, as `on_stage` hears them begin.
STAGE_DRAFT = "draft"
STAGE_PHOTOS = "photos"
STAGE_COLOURS = "colours"
STAGE_VIDEO = "video"
Stage = Callable[[str], None]


@dataclass(frozen=True)
class ListingRequest:
    """What the seller asks for: the run, the draft's fields, and what to add to it."""

    run_dir: Path
    fields: DraftFields
    order: tuple[int, ...] | None = None
    alt_texts: Mapping[int, str] = field(default_factory=dict)
    """rank -> the seller's own alt text, where they edited it."""
    variations: bool = True
    video: Path | None = None


@dataclass(frozen=True)
class ListingPlan:
    """Everything a push would do, for a person to check first."""

    run_dir: Path
    fields: DraftFields
    listing_id: int | None
    """The run's draft on Etsy, or None: one is created."""
    fields_changed: bool
    images: list[PlannedImage]
    image_plan: PushPlan | None
    """Per rank what changes on the draft (None for a draft not created yet: all added)."""
    variations: VariationPlan | None
    video: VideoFile | None
    calls_needed: int
    calls_left: int | None
    """Etsy's `x-remaining-today` as the planning reads left it (None: Etsy did not say)."""

    @property
    def alt_texts(self) -> dict[int, str]:
        return {image.rank: image.alt_text for image in self.images}

    @property
    def fits_today(self) -> bool:
        return self.calls_left is None or self.calls_needed <= self.calls_left


@dataclass
class ListingResult:
    listing_id: int
    created: bool
    updated: bool
    images: PushResult
    variations: VariationResult | None
    video: VideoPushResult | None
    calls_made: int = 0
    listing: Listing | None = None
    """The draft as Etsy shows it after the push: its state and its page's address."""


def plan_listing(
    api: EtsyApi, manifest: Manifest, request: ListingRequest, reserve: int = 0
) -> ListingPlan:
    """The plan; reads Etsy (and the manifest), changes neither. Bad fields are refused in
    one line before any call."""
    check_draft(request.fields)
    images = plan_images(
        request.run_dir, request.order, title=request.fields.title, alt_texts=request.alt_texts
    )
    variations = plan_colour_variations(images) if request.variations else None
    video = VideoFile.of(request.video, request.run_dir) if request.video is not None else None
    record = manifest.draft(run_key(request.run_dir))
    listing_id = record.listing_id if record is not None else None
    image_plan = None
    if listing_id is not None:
        try:
            image_plan = preview_push(api, manifest, listing_id, images)
        except EtsyApiError as error:
            if error.status != 404:
                raise
            listing_id, image_plan = None, None  # the seller deleted it: a new draft
    if listing_id is not None:
        check_inventory_is_ours(api.listing_inventory(listing_id), listing_id)
    if variations is not None:
        stock_colours(api.taxonomy_properties(request.fields.taxonomy_id))
    changed = record is None or listing_id is None or record.digest != request.fields.digest()
    needed = calls_needed(image_plan, len(images), changed, variations, video)
    api.shop()  # at least one answer with Etsy's allowance, even for a new draft
    left = api.remaining_today
    return ListingPlan(
        run_dir=request.run_dir,
        fields=request.fields,
        listing_id=listing_id,
        fields_changed=changed,
        images=images,
        image_plan=image_plan,
        variations=variations,
        video=video,
        calls_needed=needed,
        calls_left=None if left is None else max(0, left - reserve),
    )


def calls_needed(
    image_plan: PushPlan | None,
    images: int,
    fields_changed: bool,
    variations: VariationPlan | None,
    video: VideoFile | None,
) -> int:
    """About how many calls a push makes (a little over, never under, when Etsy behaves)."""
    uploads = images if image_plan is None else image_plan.uploads
    removed = 0 if image_plan is None else len(image_plan.removed)
    calls = CALLS_AROUND_IMAGES + CALLS_PER_UPLOAD * uploads + removed
    calls += 1 if fields_changed else 0
    calls += CALLS_FOR_COLOURS
    calls += CALLS_FOR_VIDEO if video is not None else 0
    return calls


def check_today(plan: ListingPlan, api: EtsyApi) -> None:
    """Stop before starting, in one line, when today's allowance cannot finish the push: by
    Etsy's latest word (this process's last answer, else the plan's)."""
    latest = api.remaining_today
    left = plan.calls_left if latest is None else max(0, latest - api.policy.daily_reserve)
    if left is not None and plan.calls_needed > left:
        raise RateLimited(
            f"this push needs about {plan.calls_needed} calls to Etsy and {left} are left "
            "today (Etsy's daily allowance refills over 24 hours); nothing was changed",
            429,
        )


def push_listing(
    api: EtsyApi,
    manifest: Manifest,
    plan: ListingPlan,
    progress: Progress | None = None,
    options: PushOptions | None = None,
    on_stage: Stage | None = None,
) -> ListingResult:
    """Do what `plan` says; `progress` hears each photo, `on_stage` each step as it begins."""
    check_today(plan, api)
    calls: list[CallRecord] = []
    recorder = api.transport.on_call

    def count(call: CallRecord) -> None:
        calls.append(call)
        if recorder is not None:
            recorder(call)

    api.transport.on_call = count
    try:
        result = _push(api, manifest, plan, progress, options, on_stage or _no_stage)
    finally:
        api.transport.on_call = recorder
    result.calls_made = len(calls)
    return result


def _push(
    api: EtsyApi,
    manifest: Manifest,
    plan: ListingPlan,
    progress: Progress | None,
    options: PushOptions | None,
    on_stage: Stage,
) -> ListingResult:
    key = run_key(plan.run_dir)
    on_stage(STAGE_DRAFT)
    listing, created = _draft(api, manifest, plan, key)
    updated = False
    if not created and plan.fields_changed:
        api.update_listing(listing.listing_id, plan.fields.listing_fields())
        manifest.record_draft(key, listing.listing_id, plan.fields.digest())
        updated = True
    push_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    on_stage(STAGE_PHOTOS)
    images = push_images(
        api,
        manifest,
        listing.listing_id,
        plan.images,
        push_id,
        str(plan.run_dir),
        progress,
        options or PushOptions(),
    )
    on_stage(STAGE_COLOURS)
    colours = _colours(api, plan, listing.listing_id, images)
    video = None
    if plan.video is not None:
        on_stage(STAGE_VIDEO)
        video = push_video(api, manifest, listing.listing_id, plan.video)
    shown = api.listing(listing.listing_id)
    return ListingResult(
        listing.listing_id, created, updated, images, colours, video, listing=shown
    )


def _no_stage(stage: str) -> None:
    pass


def run_key(run_dir: Path) -> str:
    """How the manifest names a run: its folder, resolved."""
    return str(Path(run_dir).resolve())


def _draft(api: EtsyApi, manifest: Manifest, plan: ListingPlan, key: str) -> tuple[Listing, bool]:
    """The run's draft: the recorded one, an interrupted creation's, or a new one."""
    if plan.listing_id is not None:
        return Listing(plan.listing_id, plan.fields.title, "draft", ""), False
    manifest.forget_draft(key)
    drafts = api.listings("draft")
    pending = manifest.pending_draft(key)
    if pending is not None:
        found = [
            d for d in drafts if d.listing_id not in pending.ids_before and d.title == pending.title
        ]
        if len(found) == 1:
            manifest.record_draft(key, found[0].listing_id, plan.fields.digest())
            return found[0], True
        manifest.drop_pending_draft(key)
    manifest.begin_draft(
        PendingDraft(
            run_dir=key,
            title=plan.fields.title,
            ids_before=tuple(d.listing_id for d in drafts),
            started_at=now_iso(),
        )
    )
    listing = api.create_draft(plan.fields.create_fields())
    manifest.record_draft(key, listing.listing_id, plan.fields.digest())
    return listing, True


def _colours(
    api: EtsyApi, plan: ListingPlan, listing_id: int, images: PushResult
) -> VariationResult | None:
    """The inventory (when it differs), then each colour's photo (when they differ)."""
    offer = Offer(plan.fields.price, plan.fields.quantity)
    result = VariationResult()
    variations = plan.variations
    stock = stock_colours(api.taxonomy_properties(plan.fields.taxonomy_id)) if variations else {}
    inventory = api.listing_inventory(listing_id)
    check_inventory_is_ours(inventory, listing_id)
    if not inventory_matches(inventory, variations, offer):
        inventory = api.update_inventory(listing_id, inventory_body(variations, offer, stock))
        result.inventory_set = True
    if variations is None:
        return result if result.inventory_set else None
    image_ids = {step.rank: step.listing_image_id for step in images.steps}
    wanted = variation_images_body(variations, stock, inventory, image_ids)
    result.sent = wanted
    if result.inventory_set or not same_variation_images(api.variation_images(listing_id), wanted):
        api.set_variation_images(listing_id, wanted)
        result.images_set = True
    return result


def listing_request(
    run_dir: Path | str,
    fields: DraftFields,
    order: Sequence[int] | None = None,
    alt_texts: Mapping[int, str] | None = None,
    variations: bool = True,
    video: Path | str | None = None,
) -> ListingRequest:
    return ListingRequest(
        run_dir=Path(run_dir),
        fields=fields,
        order=tuple(order) if order is not None else None,
        alt_texts=dict(alt_texts or {}),
        variations=variations,
        video=Path(video) if video is not None else None,
    )
