"""Pushing planned images to a listing: resumable, never uploading the same image twice.

Each upload is written down in the manifest before it is sent. When its outcome is unknown
(a dropped connection, a timeout, a 5xx, or this process killed mid-call) the listing is read
back: an image that appeared since is that upload's and is adopted, else it is sent again.
After the uploads the listing is read back and, where Etsy did not honour a rank, reordered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from etsy_sync.client import EtsyApi, EtsyImage
from etsy_sync.errors import EtsyApiError, EtsySyncError
from etsy_sync.manifest import Manifest, PendingUpload, PushedImage, now_iso
from etsy_sync.plan import UPLOADS, Action, PlanItem, PushPlan, adopt_interrupted, build_push_plan
from etsy_sync.run_images import PlannedImage
from etsy_sync.transport import CallRecord


@dataclass(frozen=True)
class PushStep:
    rank: int
    template: str
    file: str
    action: str
    listing_image_id: int
    seconds: float


@dataclass
class PushResult:
    listing_id: int
    push_id: str
    steps: list[PushStep] = field(default_factory=list)
    adopted: list[PushedImage] = field(default_factory=list)
    """Uploads an interrupted push had made, found on the listing and recorded."""
    images: list[EtsyImage] = field(default_factory=list)
    """The listing's images after the push, as Etsy reports them."""
    calls: list[CallRecord] = field(default_factory=list)

    @property
    def uploads(self) -> int:
        return sum(step.action in UPLOADS for step in self.steps)

    @property
    def reordered(self) -> bool:
        """Whether the listing's image order was set (to move images, or to fix Etsy's ranks)."""
        return any(call.method == "PATCH" and call.outcome == "ok" for call in self.calls)


Progress = Callable[[int, int, PushStep], None]


def preview_push(
    api: EtsyApi, manifest: Manifest, listing_id: int, planned: list[PlannedImage]
) -> PushPlan:
    """The plan a push would follow now; reads Etsy and the manifest, changes neither."""
    current = api.listing_images(listing_id)
    pushed = manifest.pushed(listing_id)
    for pending in manifest.pending(listing_id):
        image_id = adopt_interrupted(pending, current, pushed)
        if image_id is not None:
            pushed[pending.rank] = _pushed(pending, image_id)
    return build_push_plan(listing_id, planned, current, pushed)


def push_images(
    api: EtsyApi,
    manifest: Manifest,
    listing_id: int,
    planned: list[PlannedImage],
    push_id: str,
    source: str,
    progress: Progress | None = None,
) -> PushResult:
    """Push `planned` (from the run folder `source`) to the listing; see the module's notes."""
    result = PushResult(listing_id=listing_id, push_id=push_id)
    recorder = api.transport.on_call

    def record(call: CallRecord) -> None:
        result.calls.append(call)
        manifest.record_call(call, push_id, listing_id)
        if recorder is not None:
            recorder(call)

    api.transport.on_call = record
    try:
        with manifest.push_lock(listing_id, push_id):
            manifest.start_push(push_id, listing_id, source)
            try:
                _push(api, manifest, listing_id, planned, result, progress)
            except EtsySyncError as error:
                manifest.finish_push(push_id, f"failed: {error}", result.uploads)
                raise
            except BaseException:
                manifest.finish_push(push_id, "interrupted", result.uploads)
                raise
            manifest.finish_push(push_id, "done", result.uploads)
    finally:
        api.transport.on_call = recorder
    return result


def _push(
    api: EtsyApi,
    manifest: Manifest,
    listing_id: int,
    planned: list[PlannedImage],
    result: PushResult,
    progress: Progress | None,
) -> None:
    current = api.listing_images(listing_id)
    result.adopted = _settle_interrupted(manifest, listing_id, current)
    before = manifest.pushed(listing_id)
    rows_by_image = {row.listing_image_id: row for row in before.values()}
    plan = build_push_plan(listing_id, planned, current, before)
    order = [image.listing_image_id for image in plan.current]
    if plan.order_first is not None:
        api.set_image_order(listing_id, plan.order_first)
        order = list(plan.order_first)
    for done, item in enumerate(plan.items, start=1):
        started = time.perf_counter()
        if item.action in UPLOADS:
            image_id, order = _upload(api, manifest, listing_id, item, order)
        else:
            image_id = item.kept_image_id or 0
            earlier = rows_by_image[image_id]
            if earlier.rank != item.image.rank or earlier.file != str(item.image.file):
                moved = replace(earlier, rank=item.image.rank, file=str(item.image.file))
                manifest.record_pushed(moved)
        step = PushStep(
            rank=item.image.rank,
            template=item.image.template,
            file=item.image.file.name,
            action=str(item.action),
            listing_image_id=image_id,
            seconds=round(time.perf_counter() - started, 4),
        )
        result.steps.append(step)
        if progress is not None:
            progress(done, len(plan.items), step)
    manifest.forget_ranks_above(listing_id, len(planned))
    result.images = _fix_order(api, manifest, listing_id)


def _settle_interrupted(
    manifest: Manifest, listing_id: int, current: list[EtsyImage]
) -> list[PushedImage]:
    adopted = []
    for pending in manifest.pending(listing_id):
        image_id = adopt_interrupted(pending, current, manifest.pushed(listing_id))
        if image_id is None:
            manifest.drop_pending(listing_id, pending.rank)
            continue
        image = _pushed(pending, image_id)
        manifest.finish_upload(image)
        adopted.append(image)
    return adopted


def _upload(
    api: EtsyApi, manifest: Manifest, listing_id: int, item: PlanItem, order: list[int]
) -> tuple[int, list[int]]:
    """Upload one image at its rank; returns its Etsy id and the listing's order after it.

    The listing is read back after each upload: Etsy does not always put an upload at the
    rank asked (and says it did), and the next overwrite must hit the right image.
    """
    image = item.image
    data = image.file.read_bytes()
    overwrite = item.action == Action.REPLACE
    attempt = 0
    while True:
        attempt += 1
        pending = PendingUpload(
            listing_id=listing_id,
            rank=image.rank,
            sha256=image.sha256,
            alt_text=image.alt_text,
            file=str(image.file),
            ids_before=tuple(order),
            started_at=now_iso(),
        )
        manifest.begin_upload(pending)
        try:
            created = api.upload_image(
                listing_id,
                data,
                image.file.name,
                image.rank,
                overwrite,
                image.alt_text,
                image.content_type,
            )
        except EtsyApiError as error:
            if not _outcome_unknown(error):
                manifest.drop_pending(listing_id, image.rank)
                raise
            current = api.listing_images(listing_id)
            image_id = adopt_interrupted(pending, current, manifest.pushed(listing_id))
            if image_id is not None:
                manifest.finish_upload(_pushed(pending, image_id))
                return image_id, _placed(api, listing_id, image_id, image.rank, current)
            manifest.drop_pending(listing_id, image.rank)
            if attempt >= api.policy.max_attempts:
                raise
            order = [etsy_image.listing_image_id for etsy_image in current]
            api.policy.sleep(api.policy.backoff(attempt))
            continue
        manifest.finish_upload(_pushed(pending, created.listing_image_id))
        current = api.listing_images(listing_id)
        return created.listing_image_id, _placed(
            api, listing_id, created.listing_image_id, image.rank, current
        )


def _placed(
    api: EtsyApi, listing_id: int, image_id: int, rank: int, current: list[EtsyImage]
) -> list[int]:
    """Make sure `image_id` is at `rank` (Etsy does not always honour it); the order after."""
    ids = [image.listing_image_id for image in current]
    wanted = [i for i in ids if i != image_id]
    wanted.insert(rank - 1, image_id)
    if wanted != ids:
        api.set_image_order(listing_id, wanted)
    return wanted


def _fix_order(api: EtsyApi, manifest: Manifest, listing_id: int) -> list[EtsyImage]:
    """Read the listing back; where Etsy's ranks differ from ours, set the order again."""
    images = api.listing_images(listing_id)
    ids = [image.listing_image_id for image in images]
    ours = [row.listing_image_id for row in manifest.pushed(listing_id).values()]
    wanted = [i for i in ours if i in ids] + [i for i in ids if i not in ours]
    if wanted == ids:
        return images
    api.set_image_order(listing_id, wanted)
    return api.listing_images(listing_id)


def _outcome_unknown(error: EtsyApiError) -> bool:
    """No answer, or a 5xx: Etsy may or may not have stored the upload."""
    return error.status is None or error.status >= 500


def _pushed(pending: PendingUpload, image_id: int) -> PushedImage:
    return PushedImage(
        listing_id=pending.listing_id,
        rank=pending.rank,
        sha256=pending.sha256,
        alt_text=pending.alt_text,
        listing_image_id=image_id,
        file=pending.file,
        pushed_at=now_iso(),
    )
