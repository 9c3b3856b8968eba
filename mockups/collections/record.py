"""A collection on disk: `collection.json`, the one place that reads and writes it.

    collection.json     Collection (written through a .part file and renamed: never half written)
    artworks/NNN-<name> the artworks, as the user gave them
    runs/NNN-<name>/    one run folder per artwork (run.json last: done when it is there); with
                        a remote runs store (`Collection.store`), the copy of the stored run

Every path the record names is checked to lie inside the collection's folder.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from mockups.errors import MockupLabError, first_line
from mockups.runs.folder import write_atomically

COLLECTION_FILE = "collection.json"
ARTWORKS_DIR = "artworks"
RUNS_DIR = "runs"
FORMAT = 1
CSV_ROW = "CSV row"
PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


class CollectionError(MockupLabError):
    """A collection that cannot be made or read (a bad zip, a damaged collection.json)."""


class ArtworkState(StrEnum):
    WAITING = "waiting"
    RENDERING = "rendering"
    DONE = "done"
    FAILED = "failed"


ENDED = (ArtworkState.DONE, ArtworkState.FAILED)


@dataclass(frozen=True)
class ListingRow:
    """An artwork's listing fields from the collection's CSV (strings as given, checked)."""

    title: str = ""
    price: str = ""
    tags: tuple[str, ...] = ()
    description: str = ""
    colours: tuple[str, ...] = ()


@dataclass
class ArtworkEntry:
    """One artwork of a collection and where it stands.

    `file` and `run` are relative to the collection's folder; an entry without a file is a
    CSV row that names no artwork, failed from the start."""

    index: int
    name: str
    file: str | None
    run: str | None
    state: ArtworkState = ArtworkState.WAITING
    error: str | None = None
    job_id: str | None = None
    done: int = 0
    total: int = 0
    seconds: float | None = None
    listing: ListingRow | None = None

    @property
    def ended(self) -> bool:
        return self.state in ENDED

    @property
    def retryable(self) -> bool:
        """Failed while rendering (a CSV row's own mistake fails again: fix the CSV)."""
        failed = self.state == ArtworkState.FAILED and self.file is not None
        return failed and self.run is not None and not (self.error or "").startswith(CSV_ROW)


@dataclass
class Collection:
    """Artworks rendered on the same templates, each into a run folder of its own."""

    folder: Path
    name: str
    created_at: str
    templates: list[str]
    artworks: list[ArtworkEntry] = field(default_factory=list)
    format: int = FORMAT
    store: str | None = None  # the runs store its jobs' runs go to; None: its own folder

    def path_of(self, relative: str) -> Path:
        """`folder/relative` for a path the record names; never outside the folder."""
        return inside(self.folder, relative)

    def count(self, state: ArtworkState) -> int:
        return sum(1 for entry in self.artworks if entry.state == state)

    @property
    def pending(self) -> list[ArtworkEntry]:
        return [entry for entry in self.artworks if not entry.ended]

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("folder")
        return json.dumps(data, indent=2)


def write_collection(collection: Collection) -> None:
    write_atomically(collection.folder / COLLECTION_FILE, collection.to_json().encode())


def is_collection(folder: Path | str) -> bool:
    return (Path(folder) / COLLECTION_FILE).is_file()


def read_collection(folder: Path | str) -> Collection:
    """The collection.json of `folder`, checked; `CollectionError` (one line) if unusable."""
    folder = Path(folder)
    path = folder / COLLECTION_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CollectionError(f"{folder.name}: not a collection (no {COLLECTION_FILE})") from None
    except (OSError, ValueError, RecursionError) as error:
        raise CollectionError(f"{folder.name}/{COLLECTION_FILE}: {first_line(error)}") from None
    try:
        collection = _collection(folder, data)
    except (KeyError, TypeError, ValueError) as error:
        raise CollectionError(
            f"{folder.name}/{COLLECTION_FILE}: damaged ({first_line(error)})"
        ) from None
    return collection


def folder_lock(folder: Path) -> threading.Lock:
    """One lock per collection folder in this process: read, change, write under it."""
    key = str(folder.resolve())
    with _LOCKS_LOCK:
        return _LOCKS.setdefault(key, threading.Lock())


def inside(folder: Path, relative: str) -> Path:
    """`folder/relative` when it is `artworks/<plain name>` or `runs/<plain name>`."""
    head, _, name = relative.partition("/")
    if head not in (ARTWORKS_DIR, RUNS_DIR) or not PLAIN_NAME.fullmatch(name):
        raise ValueError(f"{relative[:80]!r} is not a file of the collection")
    return folder / head / name


def _collection(folder: Path, data: Any) -> Collection:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"not a collection of format {FORMAT}")
    templates = data["templates"]
    if not isinstance(templates, list) or not all(isinstance(t, str) for t in templates):
        raise TypeError("templates is not a list of template ids")
    collection = Collection(
        folder=folder,
        name=_text(data["name"], "name"),
        created_at=_text(data["created_at"], "created_at"),
        templates=templates,
        store=_optional_text(data.get("store"), "store"),
    )
    collection.artworks = [_entry(folder, item) for item in data["artworks"]]
    return collection


def _entry(folder: Path, item: Any) -> ArtworkEntry:
    if not isinstance(item, dict):
        raise TypeError("an artwork is not an object")
    for key in ("file", "run"):
        if item.get(key) is not None:
            inside(folder, _text(item[key], key))
    listing = item.get("listing")
    return ArtworkEntry(
        index=_whole(item["index"], "index"),
        name=_text(item["name"], "name"),
        file=item.get("file"),
        run=item.get("run"),
        state=ArtworkState(item["state"]),
        error=_optional_text(item.get("error"), "error"),
        job_id=_optional_text(item.get("job_id"), "job_id"),
        done=_whole(item.get("done", 0), "done"),
        total=_whole(item.get("total", 0), "total"),
        seconds=float(item["seconds"]) if item.get("seconds") is not None else None,
        listing=_listing(listing) if listing is not None else None,
    )


def _listing(item: Any) -> ListingRow:
    if not isinstance(item, dict):
        raise TypeError("a listing is not an object")
    return ListingRow(
        title=_text(item.get("title", ""), "title"),
        price=_text(item.get("price", ""), "price"),
        tags=tuple(_text(t, "tag") for t in item.get("tags", [])),
        description=_text(item.get("description", ""), "description"),
        colours=tuple(_text(c, "colour") for c in item.get("colours", [])),
    )


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} is not text")
    return value


def _optional_text(value: Any, name: str) -> str | None:
    return None if value is None else _text(value, name)


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} is not a whole number")
    return value
