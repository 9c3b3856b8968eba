"""A collection to Etsy: one draft listing per finished artwork, through the draft listing
flow (`etsy_sync.listing`), with the title, price, tags and description of its CSV row.

Each artwork is planned and pushed on its own: a row Etsy would refuse (no price, a bad tag)
or a listing that fails fails alone, with one line, and the others go on. A push stops early
only when going on cannot help: the shop is not connected, or today's allowance is spent. A
second push updates the same drafts (the manifest keeps each run's draft), never doubles them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from etsy_sync.draft import DraftFields
from etsy_sync.errors import AuthError, ConfigError, EtsySyncError, RateLimited
from etsy_sync.listing import listing_request, run_key
from etsy_sync.manifest import Manifest
from etsy_sync.service import EtsySync
from mockups.collections.record import ArtworkEntry, ArtworkState, Collection, read_collection


@dataclass(frozen=True)
class CollectionDefaults:
    """What every draft of the collection shares, and the price of a row that gives none."""

    taxonomy_id: int
    shipping_profile_id: int | None
    price: str | None = None
    who_made: str = "i_did"
    when_made: str = "made_to_order"
    quantity: int = 1


@dataclass(frozen=True)
class ArtworkListing:
    """How one artwork's draft went: its listing, or the one line why not."""

    index: int
    name: str
    listing_id: int | None = None
    created: bool = False
    error: str | None = None


Progress = Callable[[ArtworkListing], None]


def draft_fields(entry: ArtworkEntry, defaults: CollectionDefaults) -> DraftFields:
    """The artwork's draft: its CSV row's fields, else its file name as the title."""
    row = entry.listing
    title = (row.title if row and row.title else Path(entry.name).stem.replace("-", " ")).strip()
    return DraftFields(
        title=title,
        price=(row.price if row and row.price else defaults.price) or "",
        taxonomy_id=defaults.taxonomy_id,
        description=row.description if row else "",
        tags=row.tags if row else (),
        shipping_profile_id=defaults.shipping_profile_id,
        who_made=defaults.who_made,
        when_made=defaults.when_made,
        quantity=defaults.quantity,
    )


def push_collection(
    sync: EtsySync,
    folder: Path | str,
    defaults: CollectionDefaults,
    progress: Progress | None = None,
) -> list[ArtworkListing]:
    """A draft listing per finished artwork of the collection in `folder`, in its order."""
    collection = read_collection(folder)
    results = []
    for entry in finished(collection):
        result = _push_one(sync, collection, entry, defaults)
        results.append(result)
        if progress is not None:
            progress(result)
    return results


def finished(collection: Collection) -> list[ArtworkEntry]:
    return [e for e in collection.artworks if e.state == ArtworkState.DONE and e.run is not None]


def drafts_of(sync: EtsySync, folder: Path | str) -> dict[int, int]:
    """artwork index -> its draft listing on Etsy, as the manifest keeps them; no call."""
    collection = read_collection(folder)
    found = {}
    with Manifest(sync.config.manifest_file) as manifest:
        for entry in finished(collection):
            assert entry.run is not None
            record = manifest.draft(run_key(collection.path_of(entry.run)))
            if record is not None:
                found[entry.index] = record.listing_id
    return found


def _push_one(
    sync: EtsySync, collection: Collection, entry: ArtworkEntry, defaults: CollectionDefaults
) -> ArtworkListing:
    assert entry.run is not None
    if not (entry.listing and entry.listing.price) and not defaults.price:
        return ArtworkListing(entry.index, entry.name, error="no price: give one in the CSV")
    request = listing_request(collection.path_of(entry.run), draft_fields(entry, defaults))
    try:
        result = sync.draft(sync.plan_draft(request))
    except (ConfigError, AuthError, RateLimited):
        raise  # the next artwork would fail the same way
    except EtsySyncError as error:
        return ArtworkListing(entry.index, entry.name, error=_line(error))
    return ArtworkListing(entry.index, entry.name, result.listing_id, result.created)


def _line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
