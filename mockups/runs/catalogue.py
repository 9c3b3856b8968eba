"""Where runs live on disk: one folder per run under the data folder.

With a runs store other than the local folder (`mockups.runs.store`, `MOCKUPLAB_STORAGE`), the
runs folder is this machine's copy of the store: `refresh_runs` brings the finished runs'
small files in, `fetch_run_files` full-size files when asked, and every reader keeps reading
local folders.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mockups.errors import MockupLabError
from mockups.home import data_dir
from mockups.runs.base import RunStore, StoreError, is_cached_copy
from mockups.runs.folder import RUN_FILE, RunResult, artwork_path, mockup_path, read_run
from mockups.runs.store import open_store

REFRESH_SECONDS = 2.0  # a page asks for the run list several times a rerun: list once
_refreshed: dict[tuple[str, str], float] = {}


def new_run_dir(artwork_name: str, root: Path | None = None) -> Path:
    """A fresh, empty folder named after the time and the artwork: runs sort by age."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(artwork_name).stem).strip("-")[:40] or "artwork"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = runs_dir(root) / f"{stamp}-{stem}-{secrets.token_hex(3)}"
    folder.mkdir(parents=True)
    return folder


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


def runs_dir(root: Path | None = None) -> Path:
    return root or data_dir() / "runs"


def list_runs(root: Path | None = None) -> list[RunSummary]:
    """Finished runs, newest first; a folder without a readable run.json is not one."""
    folder = runs_dir(root)
    if not folder.is_dir():
        return []
    found = [summary for path in folder.iterdir() if (summary := read_summary(path))]
    return sorted(found, key=lambda s: (s.started_at, s.path.name), reverse=True)


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


def delete_run(path: Path, root: Path | None = None) -> None:
    """Remove a run from the store and its folder; only a folder directly inside the runs
    folder, never elsewhere."""
    folder = runs_dir(root).resolve()
    target = Path(path).resolve()
    if target.parent != folder or not target.is_dir():
        raise ValueError(f"{path} is not a run folder")
    store = open_store(root=root)
    if store.remote:
        store.delete(target.name)
    shutil.rmtree(target)


def zip_run(path: Path) -> bytes:
    """The run's mockups and run.json as a zip, read from disk when asked for (a download).

    Only the files its run.json names, each checked to lie inside the run folder."""
    run = read_run(path)
    fetch_run_files(path, [mockup.file for mockup in run.mockups])
    files = [mockup_path(path, mockup.file) for mockup in run.mockups]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for item in [*files, Path(path) / RUN_FILE]:
            if item.is_file() and not item.is_symlink():
                archive.write(item, item.name)
    return buffer.getvalue()


def open_run(named: Path | str) -> Path:
    """A run named by its folder, or by its name alone (`20261130-...`): then the runs
    folder's, copied from the store first when the store is not the local folder."""
    path = Path(named)
    if len(path.parts) != 1 or path.is_dir():
        return path
    store = open_store()
    folder = runs_dir() / path.name
    if store.remote:
        store.sync_run(path.name, folder)
    return folder


def run_store(root: Path | None = None) -> RunStore:
    """The runs store this process's settings name (the local runs folder by default)."""
    return open_store(root=root)


def refresh_runs(root: Path | None = None, force: bool = False) -> None:
    """Bring the runs folder up to the store: finished runs copied in (small files only),
    copies of runs gone from the store removed. Nothing to do for the local folder."""
    store = open_store(root=root)
    if not store.remote:
        return
    folder = runs_dir(root)
    key = (str(folder), store.location)
    if not force and time.monotonic() - _refreshed.get(key, -REFRESH_SECONDS) < REFRESH_SECONDS:
        return
    _refreshed[key] = time.monotonic()  # a store out of reach is not asked again at once
    finished = store.finished_runs()
    for name, stamp in finished.items():
        store.sync_run(name, folder / name, stamp)
    if folder.is_dir():
        for copy in folder.iterdir():
            if copy.name not in finished and is_cached_copy(copy):
                shutil.rmtree(copy, ignore_errors=True)
    _refreshed[key] = time.monotonic()


def fetch_run_files(folder: Path | str, names: list[str]) -> None:
    """The run's files `names` present in its local folder (fetched from the store if not)."""
    store = open_store()
    if not store.remote:
        return
    folder = Path(folder)
    for name in names:
        mockup_path(folder, name)  # refuses a name that leads out of the run
    store.fetch(folder, names)


def fetch_run_folder(folder: Path | str, sub: str) -> None:
    """Every file of the run's sub-folder `sub` (a profile's memray captures) present in its
    local folder: fetched from the store when asked for, never copied with the run."""
    open_store().fetch_folder(Path(folder), sub)


def keep_run_files(folder: Path | str, names: list[str]) -> None:
    """Store files a finished run gained on this machine (nothing for the local folder)."""
    open_store().put(Path(folder), names)


def full_size_url(folder: Path | str, name: str) -> str | None:
    """A URL the browser fetches a full-size image from, when the store has one (S3)."""
    store = open_store()
    if not store.remote:
        return None
    folder = Path(folder)
    mockup_path(folder, name)
    return store.image_url(folder, name)


def run_artwork(folder: Path | str, run: RunResult) -> Path:
    """The run's artwork as a local file (`artwork_path`), fetched from the store if need be."""
    path = artwork_path(folder, run)
    if not path.is_file():
        open_store().fetch(Path(folder), [run.working_copy])
    return path


def share_artwork(artwork: Path) -> str | None:
    """Put the uploaded artwork (in its run folder) into the store; the store's location for
    the job to name, or None when runs stay in the local folder (a job names paths)."""
    store = open_store()
    if not store.remote:
        return None
    store.put_artwork(artwork, artwork.parent.name)
    return store.location


def publish_run(folder: Path | str, store_location: str | None, artwork: str) -> None:
    """Store a run rendered here into the store its job names (nothing for the local folder);
    `artwork` (the upload's file name) is in the store already."""
    if store_location is None:
        return
    folder = Path(folder)
    store = store_named(store_location)
    store.publish(folder, folder.name, keep=[artwork])
    store.sync_run(folder.name, folder)


def run_arrived(run_dir: Path | str, store_location: str | None) -> bool:
    """Whether a job's run is finished where its job put it: run.json in the run folder, or
    in the store (then its small files are copied into `run_dir`, this machine's copy)."""
    folder = Path(run_dir)
    if store_location is None:
        return (folder / RUN_FILE).is_file()
    return store_named(store_location).sync_run(folder.name, folder)


def store_named(location: str) -> RunStore:
    """This process's store, which must be the one a job names (`StoreError` if not)."""
    store = open_store()
    if store.location != location:
        raise StoreError(
            f"the job's run is in {location}, but this process's runs store is {store.location}"
        )
    return store
