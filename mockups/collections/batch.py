"""`python -m mockups batch`: a collection made (or found again) in one folder and rendered,
here or through the Redis queue, with one line per artwork as it ends and a summary.

The lines go to `say`; this module prints nothing itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mockups.collections.build import create_collection, template_ids
from mockups.collections.record import (
    ArtworkEntry,
    ArtworkState,
    Collection,
    CollectionError,
    is_collection,
    read_collection,
)
from mockups.collections.runner import render_here, render_through, take_stock
from mockups.options import RenderOptions

Say = Callable[[str], None]


@dataclass(frozen=True)
class BatchSummary:
    artworks: int
    done: int
    earlier: int
    failed: int
    seconds: float

    def line(self) -> str:
        earlier = f" ({self.earlier} finished earlier)" if self.earlier else ""
        return (
            f"{self.artworks} artworks: {self.done} done{earlier}, {self.failed} failed, "
            f"{self.seconds:.1f} s"
        )


def entry_line(entry: ArtworkEntry) -> str:
    """One line for an artwork that ended: done with its mockups and time, or why it failed."""
    where = f"{entry.index:03d} {entry.name}"
    if entry.state == ArtworkState.DONE:
        return f"done    {where}: {entry.done} mockups in {entry.seconds or 0:.1f} s -> {entry.run}"
    return f"failed  {where}: {entry.error}"


def run_batch(
    source: Path,
    out: Path,
    templates: str,
    csv: Path | None = None,
    queue_url: str | None = None,
    say: Say = print,
) -> BatchSummary:
    """Make the collection in `out`, named after its folder (or resume the one there), and
    render what is not done. `out` lies in the collections folder (`named_collection`), where
    the workers run a collection's jobs from."""
    started = time.monotonic()
    collection = _open_or_create(source, out, templates, csv, say)
    finished = take_stock(collection)
    for entry in finished:
        say(f"skip    {entry.index:03d} {entry.name}: finished earlier")
    for entry in collection.artworks:
        if entry.state == ArtworkState.FAILED and not entry.retryable:
            say(entry_line(entry))
    base = RenderOptions(mode="sequential")
    if queue_url is None:
        render_here(collection, base, ended=lambda entry: say(entry_line(entry)))
    else:
        from mockups.jobs.redis_queue import RenderQueue

        queue = RenderQueue.from_url(queue_url)
        render_through(
            collection, queue, base.with_changes(mode="auto"), lambda e: say(entry_line(e))
        )
    return BatchSummary(
        artworks=len(collection.artworks),
        done=collection.count(ArtworkState.DONE),
        earlier=len(finished),
        failed=collection.count(ArtworkState.FAILED),
        seconds=time.monotonic() - started,
    )


def _open_or_create(
    source: Path, out: Path, templates: str, csv: Path | None, say: Say
) -> Collection:
    if is_collection(out):
        collection = read_collection(out)
        say(
            f"resuming the collection in {out} ({len(collection.artworks)} artworks, on its "
            "own templates and CSV rows)"
        )
        return collection
    if out.exists() and not out.is_dir():
        raise CollectionError(f"--out {out} is a file, not a folder")
    if out.is_dir() and any(out.iterdir()):
        raise CollectionError(f"--out {out} is a folder with other files; choose a new one")
    collection = create_collection(out, source, template_ids(templates), csv, name=out.name)
    say(f"collection {collection.name}: {len(collection.artworks)} artworks in {out}")
    return collection
