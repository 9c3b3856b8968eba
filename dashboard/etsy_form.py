"""The Etsy page's draft form as plain data, and the request it makes: checked in one line per
mistake, as the command line checks it, before any call to Etsy. No Streamlit here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from etsy_sync.draft import DraftFields, check_draft, parse_tags
from etsy_sync.errors import PlanError
from etsy_sync.listing import ListingPlan, ListingRequest, listing_request
from etsy_sync.listing_video import VIDEO_FILE_NAME


@dataclass(frozen=True)
class DraftForm:
    """What the seller typed and ticked, as the widgets return it."""

    title: str
    price: str
    taxonomy_id: int | None
    shipping_profile_id: int | None
    tags: str = ""
    description: str = ""
    who_made: str = "i_did"
    when_made: str = "made_to_order"
    quantity: int = 1
    order: str = ""
    colours: bool = True
    video: bool = True


def draft_request(form: DraftForm, run_dir: Path) -> ListingRequest:
    """The request the form asks for; a PlanError with one line for the first mistake."""
    if form.taxonomy_id is None:
        raise PlanError("give the listing's category: its Etsy taxonomy id (a whole number)")
    if form.shipping_profile_id is None:
        raise PlanError("give a shipping profile id: Etsy requires one for a physical listing")
    fields = DraftFields(
        title=form.title.strip(),
        price=form.price.strip(),
        taxonomy_id=int(form.taxonomy_id),
        description=form.description.strip(),
        tags=parse_tags(form.tags),
        shipping_profile_id=int(form.shipping_profile_id),
        who_made=form.who_made,
        when_made=form.when_made,
        quantity=int(form.quantity),
    )
    check_draft(fields)
    video = run_dir / VIDEO_FILE_NAME if form.video else None
    if video is not None and not video.is_file():
        raise PlanError(
            "make the listing video first (Make the listing video, above), or untick "
            "'Add the listing video'"
        )
    return listing_request(
        run_dir, fields, parse_order(form.order), variations=form.colours, video=video
    )


def parse_order(text: str) -> list[int] | None:
    """`3,1,2` -> [3, 1, 2]; blank -> None (the run's own order)."""
    if not text.strip():
        return None
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise PlanError("give mockup numbers separated by commas, e.g. 3,1,2") from None


def edited_alt_texts(plan: ListingPlan, shown: Mapping[int, str]) -> dict[int, str]:
    """The alt texts the seller changed from the plan's, by rank."""
    planned = plan.alt_texts
    return {rank: text for rank, text in shown.items() if text != planned.get(rank)}


def with_alt_texts(request: ListingRequest, edited: Mapping[int, str]) -> ListingRequest:
    """`request` with the seller's edited alt texts over any it had."""
    return replace(request, alt_texts={**request.alt_texts, **edited})
