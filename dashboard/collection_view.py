"""What the Collections page shows: a row per artwork (its state as it moves, a thumbnail once
done, the one-line reason of a failure) and the collection's totals."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from dashboard.text import without_paths
from mockups.collections import ArtworkEntry, ArtworkState, Collection
from mockups.runs.folder import RunFolderError, read_run, write_atomically
from mockups.templates.library import listing_ids
from mockups.templates.model import Template

PREVIEW_PX = 96
PREVIEWS_DIR = "previews"  # the page's own small copies, beside the record


def default_templates(library: dict[str, Template]) -> list[str]:
    """The templates a new collection starts with: a listing's (`listing_ids`), as on Render."""
    return listing_ids(library)


@dataclass(frozen=True)
class Totals:
    artworks: int
    done: int
    failed: int
    waiting: int
    rendering: int
    render_seconds: float
    elapsed_seconds: float


def state_text(entry: ArtworkEntry) -> str:
    """`waiting`, `rendering 3/10`, `done` or `failed`."""
    if entry.state == ArtworkState.RENDERING:
        return f"rendering {entry.done}/{entry.total}"
    return entry.state.value


def failure_line(entry: ArtworkEntry) -> str:
    """Why the artwork failed, naming it once."""
    reason = without_paths(entry.error or "")
    return reason if reason.startswith(entry.name) else f"{entry.name}: {reason}"


def table_rows(collection: Collection) -> list[dict]:
    """One row per artwork, in the collection's order."""
    return [
        {
            "#": entry.index,
            "Preview": preview_url(collection, entry),
            "Artwork": entry.name,
            "Title": entry.listing.title if entry.listing else "",
            "State": state_text(entry),
            "Time (s)": round(entry.seconds, 1) if entry.seconds is not None else None,
            "Reason": without_paths(entry.error) if entry.error else "",
        }
        for entry in collection.artworks
    ]


def totals(collection: Collection, now: datetime | None = None) -> Totals:
    entries = collection.artworks
    started = datetime.fromisoformat(collection.created_at)
    ended = now or datetime.now(UTC)
    return Totals(
        artworks=len(entries),
        done=collection.count(ArtworkState.DONE),
        failed=collection.count(ArtworkState.FAILED),
        waiting=collection.count(ArtworkState.WAITING),
        rendering=collection.count(ArtworkState.RENDERING),
        render_seconds=sum(e.seconds or 0.0 for e in entries),
        elapsed_seconds=max(0.0, (ended - started).total_seconds()),
    )


def preview_url(collection: Collection, entry: ArtworkEntry) -> str | None:
    """A done artwork's first mockup as a small inline JPEG (made once, kept on disk)."""
    if entry.state != ArtworkState.DONE or entry.run is None:
        return None
    cached = collection.folder / PREVIEWS_DIR / f"{entry.index:03d}.jpg"
    if not cached.is_file():
        try:
            _make_preview(collection.path_of(entry.run), cached)
        except (OSError, RunFolderError):
            return None
    return "data:image/jpeg;base64," + base64.b64encode(cached.read_bytes()).decode()


def _make_preview(run_dir: Path, target: Path) -> None:
    run = read_run(run_dir)
    if not run.mockups:
        raise RunFolderError("no mockups")
    with Image.open(run_dir / run.mockups[0].thumbnail) as image:
        image.thumbnail((PREVIEW_PX, PREVIEW_PX))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=80)
    target.parent.mkdir(exist_ok=True)
    write_atomically(target, buffer.getvalue())
