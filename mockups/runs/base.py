"""Where finished runs are kept: what every runs store does, whichever backend keeps them.

A run is a folder of files under one name (its folder's name); `run.json`, written last,
makes it finished, in a bucket as on disk. Every process reads runs as local folders: the
local store *is* its folders (`mockups.runs.local`); the S3 store (`mockups.runs.s3`) copies
a run's small files into the local runs folder, which serves as its cache. `open_store`
(`mockups.runs.store`) picks one from the settings; `mockups.runs.catalogue.Runs` holds it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from mockups.errors import MockupLabError
from mockups.home import OutsideHome, relative_path
from mockups.runs.folder import PART_SUFFIX, RUN_FILE, THUMBS_DIR

# A run's name: its folder's, as `catalogue.new_run_dir` makes it.
RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
# What a cache copies of a run: everything but full-size images, artworks and memray captures.
PROFILE_DIR = "profile"
SMALL_SUFFIXES = (".json", ".csv")
CACHE_MARK = ".stored.json"
# Where a store keeps each collection's runs (`<store>/_collections/<collection>/<run>`): not a
# run's name, so the run list never shows them, nor sweeps them as unfinished runs.
COLLECTIONS_KEY = "_collections"


class StoreError(MockupLabError):
    """The runs store cannot do what was asked; the message is one line, without secrets."""


class StoreUnavailable(StoreError):
    """The runs store cannot be reached, or refuses this process's credentials."""


class StoreTimedOut(StoreUnavailable):
    """An exchange with the runs store did not end within its deadline (a store that
    trickles)."""


class MissingInStore(StoreError):
    """A key the job or page needs is not in the runs store."""


class DamagedInStore(StoreError):
    """A stored file that no run has: larger than any, or not what its name says."""


class RunStore(Protocol):
    """What every process does with runs, whichever backend keeps them."""

    @property
    def location(self) -> str: ...

    @property
    def job_location(self) -> str | None:
        """What a render job names as its store: None when the runs are this machine's
        folders (a job names paths), else `location`."""
        ...

    def check(self) -> None:
        """`StoreUnavailable` (one line) when the store cannot be reached."""
        ...

    def put_artwork(self, artwork: Path, run: str) -> str:
        """Keep the uploaded artwork (a file in the run's local folder); returns its key."""
        ...

    def fetch_artwork(self, key: str, into: Path) -> Path:
        """The artwork `key` as a local file in the folder `into`."""
        ...

    def finished_runs(self) -> dict[str, str]:
        """Each finished run's name, with a stamp that changes when its run.json does."""
        ...

    def sync_run(self, run: str, folder: Path, stamp: str | None = None) -> bool:
        """Bring the run's small files into `folder`; False when the run is not finished."""
        ...

    def refresh_copies(self, runs_folder: Path) -> int:
        """Bring `runs_folder` toward the store: copies of runs gone from the store removed,
        finished runs' small files copied in, newest first, for a bounded time; returns how
        many runs are left for the next refresh (nothing to do where they are one)."""
        ...

    def fetch(self, folder: Path, names: Iterable[str]) -> None:
        """Make the run files `names` (relative to the run) present in its local `folder`."""
        ...

    def fetch_folder(self, folder: Path, sub: str) -> None:
        """Make every stored file under the run's sub-folder `sub` present in `folder`."""
        ...

    def put(self, folder: Path, names: Iterable[str]) -> None:
        """Store files a finished run gained here (a mode comparison's table)."""
        ...

    def image_url(self, folder: Path, name: str) -> str | None:
        """A URL a browser may fetch the file from directly, when the backend has one."""
        ...

    def publish(self, folder: Path, run: str, keep: Iterable[str] = ()) -> None:
        """Store the finished run in the local `folder` as `run`, run.json last; the files
        `keep` names are already stored (the artwork) and stay as they are."""
        ...

    def delete(self, run: str) -> None: ...

    def for_collection(self, name: str) -> RunStore:
        """The store of the collection `name`'s runs, inside this one, apart from its run
        list; `StoreError` where a collection's runs stay in its own folder (the local store)."""
        ...


def files_of(folder: Path) -> list[str]:
    """Every file under `folder` but run.json, partial files and the cache's mark, relative."""
    names = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).as_posix()
        skipped = relative in (RUN_FILE, CACHE_MARK) or path.name.endswith(PART_SUFFIX)
        if path.is_file() and not path.is_symlink() and not skipped:
            names.append(relative)
    return names


def is_small(name: str) -> bool:
    """A file the cache copies: thumbnails, and the profile's and comparison's JSON and CSV."""
    head = name.split("/")[0]
    if head == THUMBS_DIR:
        return True
    return "/" in name and name.endswith(SMALL_SUFFIXES)


def cache_stamp(folder: Path) -> str | None:
    return _mark(folder, "stamp")


def cached_from(folder: Path) -> str | None:
    """The location of the store `folder` is a copy from (None: not a copy, or one made
    before copies named their store, which was then this process's)."""
    return _mark(folder, "store")


def _mark(folder: Path, key: str) -> str | None:
    try:
        value = json.loads((folder / CACHE_MARK).read_text())[key]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


def is_cached_copy(folder: Path) -> bool:
    """Whether `folder` is a copy of a stored run (as opposed to a render still going here)."""
    return (folder / CACHE_MARK).is_file()


def run_name(run: str) -> str:
    if not RUN_NAME.fullmatch(run):
        raise StoreError(f"{run[:80]!r} is not a run's name")
    return run


def relative_name(name: str) -> str:
    """`name` if it is a path inside a run (`home.relative_path`); else `StoreError`."""
    try:
        return relative_path(name)
    except OutsideHome:
        raise StoreError(f"{name[:80]!r} is not a file of a run") from None
