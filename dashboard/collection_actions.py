"""What the Collections page does to a collection: follow its jobs, retry the failed ones,
write its zip, push it to Etsy as drafts. Each a plain function over the collection's folder."""

from __future__ import annotations

from pathlib import Path

from dashboard.collection_jobs import follow, hand_over
from etsy_sync.collection import ArtworkListing, CollectionDefaults, drafts_of, push_collection
from etsy_sync.service import EtsySync
from mockups.collections import Collection, read_collection, retry_failed, write_zip
from mockups.collections.build import collections_root, list_collections
from mockups.collections.record import folder_lock
from mockups.runs.folder import atomic_file

ZIP_FILE = "collection.zip"

__all__ = [
    "ArtworkListing",
    "CollectionDefaults",
    "collections",
    "current",
    "follow",
    "push_drafts",
    "retry",
    "zip_file",
]


def collections() -> list[Collection]:
    return list_collections(collections_root())


def current(folder: Path) -> Collection:
    """The collection as its record stands (no job asked)."""
    return read_collection(folder)


def retry(folder: Path) -> int:
    """Hand the failed artworks over again (the rest untouched); returns how many."""
    count = retry_failed(folder)
    if count:
        hand_over(read_collection(folder))
    return count


def zip_file(folder: Path) -> Path:
    """The collection's zip on disk, written file by file (never whole in memory), again only
    when the record changed since."""
    target = folder / ZIP_FILE
    record = folder / "collection.json"
    with folder_lock(folder):
        fresh = target.is_file() and target.stat().st_mtime_ns >= record.stat().st_mtime_ns
        if not fresh:
            collection = read_collection(folder)
            with atomic_file(target) as partial, partial.open("wb") as out:
                write_zip(collection, out)
    return target


def push_drafts(folder: Path, defaults: CollectionDefaults) -> list[ArtworkListing]:
    return push_collection(EtsySync(), folder, defaults)


def drafts(folder: Path) -> dict[int, int]:
    """artwork index -> its draft listing, as the Etsy record keeps them (no call to Etsy)."""
    return drafts_of(EtsySync(), folder)
