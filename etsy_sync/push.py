"""Pushing planned images to a listing: resumable, never uploading the same image twice.

Each upload is written down in the manifest before it is sent. When its outcome is unknown
(a dropped connection, a timeout, a 5xx, or this process killed mid-call) the listing is read
back: an image that appeared since is that upload's and is adopted, else it is sent again.

What Etsy is reported to do, and what the push does about it (etsy/open-api issues):
- An upload asked for rank N can land at rank 1, and `overwrite` can be ignored with it, so
  the listing grows (#298, #533, #558, #594): after each upload the listing is read back, the
  image it should have replaced is deleted, and the order is set again.
- Once a listing is full, such an upload fails with 400 "Listings are only allowed N images"
  (#558): the image it was to replace is deleted and the upload sent once more, without
  `overwrite`.
- `overwrite` can fail with 400 "The ListingImages for this Listing are in an inconsistent
  order" (#427): the order is set again from a fresh read and the upload sent once more.
- Uploaded images are processed asynchronously (the spec's text for uploadListingImage,
  #457): a read-back can be stale. A list that lacks an image Etsy confirmed, or still holds
  one we deleted, is read again; no order is ever sent from it.
- `updateListing`'s `image_ids` replaces the listing's images (#228): every order sent lists
  every image that must stay, built from a fresh read.
When a repair does not help, the push stops with one line, the manifest true to the listing,
and the same push resumes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from etsy_sync.client import EtsyApi, EtsyImage
from etsy_sync.errors import EtsyApiError
from etsy_sync.manifest import Manifest, PendingUpload, PushedImage, now_iso
from etsy_sync.plan import (
    UPLOADS,
    PlanItem,
    PushPlan,
    adopt_interrupted,
    build_push_plan,
    check_allowed,
)
from etsy_sync.run_images import PlannedImage
from etsy_sync.transport import CallRecord

FRESH_READ_ATTEMPTS = 5
INCONSISTENT_ORDER = "inconsistent order"  # #427
LISTING_FULL = "only allowed"  # #558: "Listings are only allowed 10 images. ..."


@dataclass(frozen=True)
class PushOptions:
    overwrite_foreign: bool = False
    """Overwrite photos on the listing that did not come from us (the seller's)."""
    remove_extra: bool = False
    """Delete images an earlier push of ours left after the planned ones."""


@dataclass(frozen=True)
class PushStep:
    rank: int
    template: str
    file: str
    action: str
    listing_image_id: int
    seconds: float
    overwrote_foreign: bool = False


@dataclass
class PushResult:
    listing_id: int
    push_id: str
    steps: list[PushStep] = field(default_factory=list)
    adopted: list[PushedImage] = field(default_factory=list)
    """Uploads an interrupted push had made, found on the listing and recorded."""
    removed: list[int] = field(default_factory=list)
    """Images of an earlier push deleted because the plan asked (`remove_extra`)."""
    repairs: list[str] = field(default_factory=list)
    """What Etsy got wrong during the push and what was done about it, one line each."""
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
    api: EtsyApi,
    manifest: Manifest,
    listing_id: int,
    planned: list[PlannedImage],
    remove_extra: bool = False,
) -> PushPlan:
    """The plan a push would follow now; reads Etsy and the manifest, changes neither."""
    current = api.listing_images(listing_id)
    pushed = manifest.pushed(listing_id)
    for pending in manifest.pending(listing_id):
        image_id = adopt_interrupted(pending, current, pushed)
        if image_id is not None:
            pushed[pending.rank] = _pushed(pending, image_id)
    return build_push_plan(listing_id, planned, current, pushed, remove_extra)


def push_images(
    api: EtsyApi,
    manifest: Manifest,
    listing_id: int,
    planned: list[PlannedImage],
    push_id: str,
    source: str,
    progress: Progress | None = None,
    options: PushOptions | None = None,
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
            push = _Push(api, manifest, listing_id, result)
            try:
                push.run(planned, options or PushOptions(), progress)
            except EtsyApiError as error:
                stopped = push.stopped(error)
                manifest.finish_push(push_id, f"failed: {stopped}", result.uploads)
                raise stopped from None
            except Exception as error:
                manifest.finish_push(push_id, f"failed: {error}", result.uploads)
                raise
            except BaseException:
                manifest.finish_push(push_id, "interrupted", result.uploads)
                raise
            manifest.finish_push(push_id, "done", result.uploads)
    finally:
        api.transport.on_call = recorder
    return result


class _Push:
    """One push's state: what it knows must be on the listing, and what it deleted."""

    def __init__(
        self, api: EtsyApi, manifest: Manifest, listing_id: int, result: PushResult
    ) -> None:
        self.api = api
        self.manifest = manifest
        self.listing_id = listing_id
        self.result = result
        self.present: set[int] = set()
        """Images a fresh read must show: Etsy confirmed them, or we keep them."""
        self.absent: set[int] = set()
        """Images we deleted: a read that still shows one is stale."""
        self.known_rows: dict[int, PushedImage] = {}

    def run(
        self, planned: list[PlannedImage], options: PushOptions, progress: Progress | None
    ) -> None:
        current = self._settle_interrupted()
        before = self.manifest.pushed(self.listing_id)
        current = self._checked_against(before, current)
        self.known_rows = {row.listing_image_id: row for row in before.values()}
        plan = build_push_plan(self.listing_id, planned, current, before, options.remove_extra)
        check_allowed(plan, options.overwrite_foreign)
        self.present |= {item.kept_image_id for item in plan.items if item.kept_image_id}
        order = [image.listing_image_id for image in plan.current]
        if plan.order_first is not None:
            self.api.set_image_order(self.listing_id, plan.order_first)
            order = list(plan.order_first)
        for done, item in enumerate(plan.items, start=1):
            started = time.perf_counter()
            if item.action in UPLOADS:
                image_id, order = self._upload(item, order)
            else:
                image_id = self._keep(item)
            step = PushStep(
                rank=item.image.rank,
                template=item.image.template,
                file=item.image.file.name,
                action=str(item.action),
                listing_image_id=image_id,
                seconds=round(time.perf_counter() - started, 4),
                overwrote_foreign=item.replaces_foreign,
            )
            self.result.steps.append(step)
            if progress is not None:
                progress(done, len(plan.items), step)
        for image in plan.removed:
            self._delete(image.listing_image_id)
            self.result.removed.append(image.listing_image_id)
        ours = [step.listing_image_id for step in self.result.steps]
        self.result.images = self._final_order(ours)
        self._record_listing(self.result.images)

    def stopped(self, error: EtsyApiError) -> EtsyApiError:
        """The error to stop with, once the manifest is made true to the listing."""
        try:
            images = self._read_fresh()
            self._record_listing(images)
        except Exception:  # no fresh read of the listing: the manifest keeps what it knows
            return type(error)(
                f"{error}; run the same push again to resume", error.status, error.detail
            )
        return type(error)(
            f"{error}; the listing holds {len(images)} image(s), recorded; run the same push "
            "again to resume",
            error.status,
            error.detail,
        )

    # Steps

    def _keep(self, item: PlanItem) -> int:
        image_id = item.kept_image_id or 0
        earlier = self.known_rows[image_id]
        if earlier.rank != item.image.rank or earlier.file != str(item.image.file):
            moved = replace(earlier, rank=item.image.rank, file=str(item.image.file))
            self.manifest.record_pushed(moved)
            self.known_rows[image_id] = moved
        return image_id

    def _upload(self, item: PlanItem, order: list[int]) -> tuple[int, list[int]]:
        """Upload one image at its rank; its Etsy id and the listing's order after it."""
        image = item.image
        data = image.file.read_bytes()
        target = item.replaces.listing_image_id if item.replaces is not None else None
        if target is not None and target not in order:
            target = None  # gone since the plan: add instead
        repaired = False
        while True:
            try:
                created = self._send(image, data, target is not None, order)
                break
            except EtsyApiError as error:
                if repaired or error.status != 400:
                    raise
                repaired = True
                if INCONSISTENT_ORDER in error.detail:
                    order = self._renumber()
                    self._note(f"rank {image.rank}: Etsy said the order was inconsistent (#427)")
                elif LISTING_FULL in error.detail and target is not None:
                    self._delete(target)
                    order = [i for i in order if i != target]
                    target = None
                    self._note(f"rank {image.rank}: Etsy ignored overwrite on a full listing")
                else:
                    raise
        self.present.add(created)
        ids = self._image_ids(self._read_fresh())
        if target is not None and target in ids:  # overwrite ignored (#298, #558, #594)
            self._delete(target)
            ids.remove(target)
            self._note(f"rank {image.rank}: Etsy ignored overwrite; the old image was removed")
        expected = [i for i in order if i != target]
        expected.insert(image.rank - 1, created)
        wanted = [i for i in expected if i in ids] + [i for i in ids if i not in expected]
        if wanted != ids:  # the upload did not land at its rank (#298, #533, #594)
            self.api.set_image_order(self.listing_id, wanted)
            self._note(f"rank {image.rank}: Etsy put the upload at rank {ids.index(created) + 1}")
        return created, wanted

    def _send(self, image: PlannedImage, data: bytes, overwrite: bool, order: list[int]) -> int:
        """Send the upload until Etsy stores it once; an unknown outcome is looked up first."""
        attempt = 0
        while True:
            attempt += 1
            pending = PendingUpload(
                listing_id=self.listing_id,
                rank=image.rank,
                sha256=image.sha256,
                alt_text=image.alt_text,
                file=str(image.file),
                ids_before=tuple(order),
                started_at=now_iso(),
            )
            self.manifest.begin_upload(pending)
            try:
                created = self.api.upload_image(
                    self.listing_id,
                    data,
                    image.file.name,
                    image.rank,
                    overwrite,
                    image.alt_text,
                    image.content_type,
                )
            except EtsyApiError as error:
                if not _outcome_unknown(error):
                    self.manifest.drop_pending(self.listing_id, image.rank)
                    raise
                image_id = self._adopt(pending)
                if image_id is not None:
                    return image_id
                self.manifest.drop_pending(self.listing_id, image.rank)
                if attempt >= self.api.policy.max_attempts:
                    raise
                self.api.policy.sleep(self.api.policy.backoff(attempt))
                continue
            self._record_upload(pending, created.listing_image_id)
            return created.listing_image_id

    def _adopt(self, pending: PendingUpload) -> int | None:
        """The image an upload of unknown outcome left, read twice: the first read may be
        stale (#457)."""
        for attempt in (1, 2):
            current = self.api.listing_images(self.listing_id)
            image_id = adopt_interrupted(pending, current, self.manifest.pushed(self.listing_id))
            if image_id is not None:
                self._record_upload(pending, image_id)
                return image_id
            if attempt == 1:
                self.api.policy.sleep(self.api.policy.backoff(1))
        return None

    def _settle_interrupted(self) -> list[EtsyImage]:
        """Adopt what an interrupted push's uploads left; the listing's images, fresh."""
        current = self.api.listing_images(self.listing_id)
        pending = self.manifest.pending(self.listing_id)
        if not pending:
            return current
        for upload in pending:
            image_id = self._adopt(upload)
            if image_id is None:
                self.manifest.drop_pending(self.listing_id, upload.rank)
                continue
            self.present.add(image_id)
            self.result.adopted.append(self.known_rows.get(image_id) or _pushed(upload, image_id))
        return self._read_fresh()

    def _checked_against(
        self, pushed: dict[int, PushedImage], current: list[EtsyImage]
    ) -> list[EtsyImage]:
        """`current`, or a new read when it lacks an image the manifest says is ours: it may
        be stale (#457), and an order built from it would drop that image (#228). A second
        read that still lacks it is believed (the seller deleted the image)."""
        ours = {row.listing_image_id for row in pushed.values()}
        if ours <= set(self._image_ids(current)):
            return current
        self.api.policy.sleep(self.api.policy.backoff(1))
        return self.api.listing_images(self.listing_id)

    def _renumber(self) -> list[int]:
        """Set the listing's order to itself, from a fresh read: Etsy renumbers the ranks."""
        ids = self._image_ids(self._read_fresh())
        self.api.set_image_order(self.listing_id, ids)
        return ids

    def _final_order(self, ours: list[int]) -> list[EtsyImage]:
        """Ours at their ranks, then the rest as they are; set again where Etsy differs."""
        images = self._read_fresh()
        ids = self._image_ids(images)
        wanted = [i for i in ours if i in ids] + [i for i in ids if i not in ours]
        if wanted == ids:
            return images
        self.api.set_image_order(self.listing_id, wanted)
        return self._read_fresh()

    def _delete(self, image_id: int) -> None:
        self.api.delete_image(self.listing_id, image_id)
        self.absent.add(image_id)
        self.present.discard(image_id)

    # Reading and recording

    def _read_fresh(self) -> list[EtsyImage]:
        """The listing's images, read again while the list is stale (#457)."""
        for attempt in range(1, FRESH_READ_ATTEMPTS + 1):
            images = self.api.listing_images(self.listing_id)
            ids = set(self._image_ids(images))
            if self.present <= ids and not self.absent & ids:
                return images
            if attempt < FRESH_READ_ATTEMPTS:
                self.api.policy.sleep(self.api.policy.backoff(attempt))
        missing = sorted(self.present - ids)
        raise EtsyApiError(
            f"listing {self.listing_id}: Etsy's image list still differs from what Etsy "
            f"confirmed after {FRESH_READ_ATTEMPTS} reads (missing {missing[:3]}, "
            f"deleted {sorted(self.absent & ids)[:3]}); nothing was reordered"
        )

    def _record_upload(self, pending: PendingUpload, image_id: int) -> None:
        row = _pushed(pending, image_id)
        self.manifest.finish_upload(row)
        self.known_rows[image_id] = row

    def _record_listing(self, images: list[EtsyImage]) -> None:
        """Make the manifest true to the listing as read: our images at their ranks."""
        for row in self.manifest.pushed(self.listing_id).values():
            self.known_rows[row.listing_image_id] = row
        ranks = {image.listing_image_id: rank for rank, image in enumerate(images, start=1)}
        self.manifest.reconcile(self.listing_id, ranks, list(self.known_rows.values()))

    def _note(self, text: str) -> None:
        self.result.repairs.append(text)

    @staticmethod
    def _image_ids(images: list[EtsyImage]) -> list[int]:
        return [image.listing_image_id for image in images]


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
