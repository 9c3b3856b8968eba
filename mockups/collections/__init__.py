"""Collections: many artworks rendered on the same templates, each into a run of its own,
recorded in one `collection.json` (`record`) that a killed process resumes from.

`build.create_collection` takes a folder or a zip (hostile input: `intake`) and an optional
CSV of listing rows (`rows`); `runner` renders the artworks here (`render_here`) or as jobs on
a render back-end (`submit_waiting`, `refresh`, `render_through`); `archive.write_zip` streams
the finished mockups as one zip; `batch.run_batch` is the command line's whole flow.
"""

from mockups.collections.archive import write_zip
from mockups.collections.build import create_collection, new_collection_dir, template_ids
from mockups.collections.record import (
    ArtworkEntry,
    ArtworkState,
    Collection,
    CollectionError,
    ListingRow,
    read_collection,
)
from mockups.collections.runner import refresh, render_here, retry_failed, submit_waiting

__all__ = [
    "ArtworkEntry",
    "ArtworkState",
    "Collection",
    "CollectionError",
    "ListingRow",
    "create_collection",
    "new_collection_dir",
    "read_collection",
    "refresh",
    "render_here",
    "retry_failed",
    "submit_waiting",
    "template_ids",
    "write_zip",
]
