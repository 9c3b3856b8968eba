"""What a push would do to a listing: a pure function of the planned images, the listing's
current images and what the manifest says we pushed before.

An image already on the listing with the same content (sha256 and alt text) is reused, moved
if needed, never uploaded again. Each other rank is uploaded over the image Etsy shows there
(`overwrite`), or added when there is none. Images the plan does not use stay, after ours,
unless `remove_extra` asks to delete the ones an earlier push of ours left there.

An image is ours when the manifest holds it; any other is the seller's ("foreign"), and a
push overwrites those only when asked (`check_allowed`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from etsy_sync.client import EtsyImage
from etsy_sync.errors import PlanError
from etsy_sync.manifest import PendingUpload, PushedImage
from etsy_sync.run_images import MAX_LISTING_IMAGES, PlannedImage


class Action(StrEnum):
    UNCHANGED = "unchanged"
    MOVE = "move"
    REPLACE = "replace"
    ADD = "add"


UPLOADS = (Action.REPLACE, Action.ADD)


@dataclass(frozen=True)
class PlanItem:
    image: PlannedImage
    action: Action
    current: EtsyImage | None
    """What Etsy shows at this rank now."""
    kept_image_id: int | None = None
    """For UNCHANGED and MOVE: the Etsy image that already has this content."""
    replaces: EtsyImage | None = None
    """For REPLACE: the Etsy image the upload overwrites."""
    replaces_foreign: bool = False
    """For REPLACE: the overwritten image did not come from us (the seller's photo)."""


@dataclass(frozen=True)
class PushPlan:
    listing_id: int
    items: list[PlanItem]
    current: list[EtsyImage]
    kept: list[EtsyImage]
    """Images on the listing the plan leaves alone; they stay after the planned ones."""
    order_first: list[int] | None
    """The image order to set before uploading, when reused images must move; else None."""
    removed: list[EtsyImage] = field(default_factory=list)
    """Images of an earlier push of ours after the planned ones, deleted (`remove_extra`)."""
    ours: frozenset[int] = frozenset()
    """Etsy ids of the listing's images that came from us (the manifest knows them)."""

    @property
    def uploads(self) -> int:
        return sum(item.action in UPLOADS for item in self.items)

    @property
    def overwrites_foreign(self) -> list[PlanItem]:
        """The ranks whose upload overwrites a photo that did not come from us."""
        return [item for item in self.items if item.replaces_foreign]

    @property
    def extra_ours(self) -> list[EtsyImage]:
        """Kept images of an earlier push of ours: what `remove_extra` would delete."""
        return [image for image in self.kept if image.listing_image_id in self.ours]

    @property
    def images_after(self) -> int:
        return len(self.items) + len(self.kept)

    @property
    def changes_anything(self) -> bool:
        return self.uploads > 0 or self.order_first is not None or bool(self.removed)


def check_allowed(plan: PushPlan, overwrite_foreign: bool) -> None:
    """Refuse, with one line and before any change, a push the seller has not agreed to."""
    foreign = plan.overwrites_foreign
    if foreign and not overwrite_foreign:
        ranks = ", ".join(str(item.image.rank) for item in foreign)
        raise PlanError(
            f"listing {plan.listing_id}: the push would overwrite {len(foreign)} photo(s) that "
            f"did not come from Mockup Lab (rank {ranks}); see --dry-run, and push with "
            "--overwrite-foreign to replace them"
        )
    if plan.images_after > MAX_LISTING_IMAGES:
        raise PlanError(
            f"listing {plan.listing_id} would hold {plan.images_after} images; Etsy allows "
            f"{MAX_LISTING_IMAGES}: push fewer, or remove earlier extra images"
        )


def build_push_plan(
    listing_id: int,
    planned: list[PlannedImage],
    current: list[EtsyImage],
    pushed: Mapping[int, PushedImage],
    remove_extra: bool = False,
) -> PushPlan:
    planned = sorted(planned, key=lambda image: image.rank)
    current = sorted(current, key=lambda image: image.rank)
    current_ids = [image.listing_image_id for image in current]
    ours = frozenset(row.listing_image_id for row in pushed.values()) & set(current_ids)
    reused = _reuse_same_content(planned, current_ids, pushed)
    slots = _slots_for_uploads(planned, current_ids, reused)
    taken = set(reused.values()) | set(slots.values())
    left = [i for i in current_ids if i not in taken]
    removed_ids = [i for i in left if i in ours] if remove_extra else []
    kept_ids = [i for i in left if i not in removed_ids]
    chosen = [reused.get(i.rank) or slots.get(i.rank) for i in planned]
    order = [image_id for image_id in chosen if image_id is not None] + left
    by_id = {image.listing_image_id: image for image in current}
    items = [_item(image, current, reused, slots, by_id, current_ids, ours) for image in planned]
    return PushPlan(
        listing_id=listing_id,
        items=items,
        current=current,
        kept=[by_id[i] for i in kept_ids],
        order_first=order if order != current_ids else None,
        removed=[by_id[i] for i in removed_ids],
        ours=ours,
    )


def adopt_interrupted(
    pending: PendingUpload, current: list[EtsyImage], pushed: Mapping[int, PushedImage]
) -> int | None:
    """The image an interrupted upload left on the listing, if Etsy got it; else None.

    One upload is in flight at a time, so a new image (not there before the upload, not
    one of ours) is that upload's, the one with its alt text first.
    """
    known = set(pending.ids_before) | {row.listing_image_id for row in pushed.values()}
    new = [image for image in current if image.listing_image_id not in known]
    matching = [image for image in new if image.alt_text == pending.alt_text]
    if matching:
        return matching[0].listing_image_id
    return new[0].listing_image_id if len(new) == 1 else None


def _reuse_same_content(
    planned: list[PlannedImage], current_ids: list[int], pushed: Mapping[int, PushedImage]
) -> dict[int, int]:
    """rank -> an image already on the listing with this rank's content; each used once."""
    content = {
        row.listing_image_id: (row.sha256, row.alt_text)
        for row in pushed.values()
        if row.listing_image_id in current_ids
    }
    reused: dict[int, int] = {}
    # First the images already at their rank, so a move never takes another rank's image.
    for image in planned:
        here = current_ids[image.rank - 1] if image.rank <= len(current_ids) else None
        if here is not None and content.get(here) == (image.sha256, image.alt_text):
            reused[image.rank] = here
    for image in planned:
        if image.rank in reused:
            continue
        for image_id in current_ids:
            same = content.get(image_id) == (image.sha256, image.alt_text)
            if same and image_id not in reused.values():
                reused[image.rank] = image_id
                break
    return reused


def _slots_for_uploads(
    planned: list[PlannedImage], current_ids: list[int], reused: dict[int, int]
) -> dict[int, int]:
    """rank -> the unused image an upload overwrites: the one at that rank, else any unused."""
    unused = [i for i in current_ids if i not in reused.values()]
    to_upload = [image.rank for image in planned if image.rank not in reused]
    slots: dict[int, int] = {}
    for rank in to_upload:
        here = current_ids[rank - 1] if rank <= len(current_ids) else None
        if here in unused:
            slots[rank] = here
            unused.remove(here)
    for rank in to_upload:
        if rank not in slots and unused:
            slots[rank] = unused.pop(0)
    return slots


def _item(
    image: PlannedImage,
    current: list[EtsyImage],
    reused: dict[int, int],
    slots: dict[int, int],
    by_id: dict[int, EtsyImage],
    current_ids: list[int],
    ours: frozenset[int],
) -> PlanItem:
    here = current[image.rank - 1] if image.rank <= len(current) else None
    if image.rank in reused:
        image_id = reused[image.rank]
        unchanged = image.rank <= len(current_ids) and current_ids[image.rank - 1] == image_id
        action = Action.UNCHANGED if unchanged else Action.MOVE
        return PlanItem(image, action, here, kept_image_id=image_id)
    if image.rank in slots:
        replaced = by_id[slots[image.rank]]
        foreign = replaced.listing_image_id not in ours
        return PlanItem(image, Action.REPLACE, here, replaces=replaced, replaces_foreign=foreign)
    return PlanItem(image, Action.ADD, here)
