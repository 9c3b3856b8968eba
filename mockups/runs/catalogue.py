"""Where runs live: one folder per run under the runs folder, kept by one runs store.

`Runs` holds the runs folder and the one store the settings name (`mockups.runs.store`,
`MOCKUPLAB_STORAGE`): the local folder, where store and folder are one, or S3, for which the
runs folder is this machine's copy (`refresh` brings the finished runs' small files in,
`fetch_files` full-size files when asked). Every reader keeps reading local folders, and
nothing here asks which store it has: what differs, each store does. `runs()` is this
process's, made again only when its settings change; the module's functions act through it.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import time
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from mockups.errors import MockupLabError
from mockups.home import RUNS, home
from mockups.runs.base import RUN_NAME, RunStore, StoreError, cached_from, run_name
from mockups.runs.folder import RUN_FILE, RunResult, artwork_path, mockup_path, read_run
from mockups.runs.store import open_store, settings_stamp

REFRESH_SECONDS = 2.0  # a page asks for the run list several times a rerun: list once


@dataclass(frozen=True)
class RunSummary:
    """A finished run on disk, as the history lists it (read from its run.json)."""

    path: Path
    artwork: str
    started_at: str
    mode: str
    workers: int
    mockups: int
    wall_seconds: float
    peak_rss_bytes: int
    profiled: bool


@dataclass(frozen=True)
class Runs:
    """The runs folder and the store that keeps its runs."""

    folder: Path
    store: RunStore
    _refreshed: list[float] = field(default_factory=list, compare=False, repr=False)

    def new_run_dir(self, artwork_name: str) -> Path:
        """A fresh, empty folder named after the time and the artwork: runs sort by age."""
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(artwork_name).stem).strip("-")[:40]
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        folder = self.folder / f"{stamp}-{stem or 'artwork'}-{secrets.token_hex(3)}"
        folder.mkdir(parents=True)
        return folder

    def summaries(self) -> list[RunSummary]:
        """Finished runs, newest first; a folder without a readable run.json is not one."""
        if not self.folder.is_dir():
            return []
        found = [summary for path in self.folder.iterdir() if (summary := read_summary(path))]
        return sorted(found, key=lambda s: (s.started_at, s.path.name), reverse=True)

    def delete(self, path: Path) -> None:
        """Remove a run from the store and its folder; only a folder directly inside the runs
        folder, never elsewhere."""
        target = Path(path).resolve()
        if target.parent != self.folder.resolve() or not target.is_dir():
            raise ValueError(f"{path} is not a run folder")
        self.store.delete(target.name)
        if target.exists():
            shutil.rmtree(target)

    def zip(self, path: Path) -> bytes:
        """The run's mockups and run.json as a zip, read from disk when asked for (a download).

        Only the files its run.json names, each checked to lie inside the run folder."""
        run = read_run(path)
        self.fetch_files(path, [mockup.file for mockup in run.mockups])
        files = [mockup_path(path, mockup.file) for mockup in run.mockups]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            for item in [*files, Path(path) / RUN_FILE]:
                if item.is_file() and not item.is_symlink():
                    archive.write(item, item.name)
        return buffer.getvalue()

    def open(self, named: Path | str) -> Path:
        """A run named by its folder, or by its name alone (`20261130-...`): then the runs
        folder's, brought up to the store first."""
        path = Path(named)
        if len(path.parts) != 1 or path.is_dir():
            return path
        folder = self.folder / run_name(path.name)
        self.store.sync_run(path.name, folder)
        return folder

    def refresh(self, force: bool = False) -> int:
        """The runs folder brought toward the store (at most every REFRESH_SECONDS unless
        `force`): copies of runs gone from the store removed, finished runs copied in, newest
        first, for a bounded time; returns how many are left for the next refresh."""
        last = self._refreshed[-1] if self._refreshed else -REFRESH_SECONDS
        if not force and time.monotonic() - last < REFRESH_SECONDS:
            return 0
        self._refreshed[:] = [time.monotonic()]  # a store out of reach is not asked again at once
        left = self.store.refresh_copies(self.folder)
        self._refreshed[:] = [time.monotonic()]
        return left

    def fetch_files(self, folder: Path | str, names: list[str]) -> None:
        """The run's files `names` present in its local folder (fetched from the store if not)."""
        self.store_of(folder).fetch(Path(folder), names)

    def fetch_folder(self, folder: Path | str, sub: str) -> None:
        """Every file of the run's sub-folder `sub` (a profile's memray captures) present in its
        local folder: fetched from the store when asked for, never copied with the run."""
        self.store_of(folder).fetch_folder(Path(folder), sub)

    def keep_files(self, folder: Path | str, names: list[str]) -> None:
        """Store files a finished run gained on this machine (a mode comparison's table)."""
        self.store_of(folder).put(Path(folder), names)

    def full_size_url(self, folder: Path | str, name: str) -> str | None:
        """A URL the browser fetches a full-size image from, when the store has one (S3)."""
        return self.store_of(folder).image_url(Path(folder), name)

    def artwork(self, folder: Path | str, run: RunResult) -> Path:
        """The run's artwork as a local file (`artwork_path`), fetched from the store if need
        be."""
        path = artwork_path(folder, run)
        if not path.is_file():
            self.store_of(folder).fetch(Path(folder), [run.working_copy])
        return path

    def store_of(self, folder: Path | str) -> RunStore:
        """The store the run in `folder` was copied from (a collection's runs are in a store of
        their own), which must be this process's or inside it; else this process's."""
        location = cached_from(Path(folder))
        return self.store if location is None else self.store_named(location)

    def collection_location(self, collection: str) -> str | None:
        """What the jobs of the collection named `collection` name as their store: None when
        they name the collection's folders (the local store)."""
        if self.store.job_location is None:
            return None
        return self.store.for_collection(collection).location

    def share_artwork(self, artwork: Path) -> str | None:
        """Put the uploaded artwork (in its run folder) into the store; what a job names as its
        store (None when the job's paths are this machine's folders)."""
        self.store.put_artwork(artwork, artwork.parent.name)
        return self.store.job_location

    def publish(self, folder: Path | str, store_location: str | None, artwork: str) -> None:
        """Store a run rendered here into the store its job names (none: nothing to do);
        `artwork` (the upload's file name) is in the store already."""
        if store_location is None:
            return
        folder = Path(folder)
        store = self.store_named(store_location)
        store.publish(folder, folder.name, keep=[artwork])
        store.sync_run(folder.name, folder)

    def arrived(self, run_dir: Path | str, store_location: str | None) -> bool:
        """Whether a job's run is finished where its job put it: run.json in the run folder, or
        in the store (then its small files are copied into this machine's own copy of the run,
        in the runs folder, whatever folder the job names)."""
        folder = Path(run_dir)
        if store_location is None:
            return (folder / RUN_FILE).is_file()
        return self.store_named(store_location).sync_run(folder.name, self.copy_of(folder.name))

    def copy_of(self, run: str) -> Path:
        """This machine's folder for the run called `run` (`StoreError` if it is no run's name)."""
        return self.folder / run_name(run)

    def store_named(self, location: str) -> RunStore:
        """This process's store, or a collection's inside it, as a job names it (`StoreError`
        for any other)."""
        if self.store.location == location:
            return self.store
        collection = location.rpartition("/")[2]
        if self.store.job_location is not None and RUN_NAME.fullmatch(collection):
            inside = self.store.for_collection(collection)
            if inside.location == location:
                return inside
        raise StoreError(
            f"the job's run is in {location}, but this process's runs store is "
            f"{self.store.location}"
        )


def runs(root: Path | None = None) -> Runs:
    """This process's runs: the runs folder (`root`, else `$MOCKUPLAB_HOME/runs`) and the store
    the settings name, made again only when the settings (environment, secrets file) change."""
    return _runs(runs_dir(root), settings_stamp())


@lru_cache(maxsize=8)
def _runs(folder: Path, stamp: tuple) -> Runs:
    return Runs(folder, open_store(root=folder))


def runs_dir(root: Path | None = None) -> Path:
    return root or home(RUNS)


def read_summary(path: Path) -> RunSummary | None:
    try:
        run = read_run(path)
    except MockupLabError:
        return None
    return RunSummary(
        path=path,
        artwork=run.artwork_name,
        started_at=run.started_at,
        mode=run.mode,
        workers=run.workers,
        mockups=len(run.mockups),
        wall_seconds=run.wall_seconds,
        peak_rss_bytes=run.peak_rss_bytes,
        profiled=run.profiled,
    )


def new_run_dir(artwork_name: str, root: Path | None = None) -> Path:
    return runs(root).new_run_dir(artwork_name)


def list_runs(root: Path | None = None) -> list[RunSummary]:
    return runs(root).summaries()


def delete_run(path: Path, root: Path | None = None) -> None:
    runs(root).delete(path)


def zip_run(path: Path) -> bytes:
    return runs().zip(path)


def open_run(named: Path | str) -> Path:
    return runs().open(named)


def run_store(root: Path | None = None) -> RunStore:
    """The runs store this process's settings name (the local runs folder by default)."""
    return runs(root).store


def refresh_runs(root: Path | None = None, force: bool = False) -> int:
    return runs(root).refresh(force)


def fetch_run_files(folder: Path | str, names: list[str]) -> None:
    runs().fetch_files(folder, names)


def fetch_run_folder(folder: Path | str, sub: str) -> None:
    runs().fetch_folder(folder, sub)


def keep_run_files(folder: Path | str, names: list[str]) -> None:
    runs().keep_files(folder, names)


def full_size_url(folder: Path | str, name: str) -> str | None:
    return runs().full_size_url(folder, name)


def run_artwork(folder: Path | str, run: RunResult) -> Path:
    return runs().artwork(folder, run)


def collection_location(collection: str) -> str | None:
    return runs().collection_location(collection)


def share_artwork(artwork: Path) -> str | None:
    return runs().share_artwork(artwork)


def publish_run(folder: Path | str, store_location: str | None, artwork: str) -> None:
    runs().publish(folder, store_location, artwork)


def run_arrived(run_dir: Path | str, store_location: str | None) -> bool:
    return runs().arrived(run_dir, store_location)


def store_named(location: str) -> RunStore:
    return runs().store_named(location)
