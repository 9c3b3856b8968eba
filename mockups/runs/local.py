"""The local runs store: the runs folder on this machine, where store and cache are one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mockups.home import OutsideHome, child
from mockups.runs.base import RUN_NAME, MissingInStore, StoreError, files_of, run_name
from mockups.runs.folder import RUN_FILE, atomic_file


@dataclass(frozen=True)
class LocalRunStore:
    """The runs folder on this machine: the store and its cache are the same folders."""

    root: Path
    location: str = "local"
    job_location: str | None = None  # a job names the run's folder itself

    def check(self) -> None:
        return None

    def put_artwork(self, artwork: Path, run: str) -> str:
        return f"{run_name(run)}/{artwork.name}"

    def fetch_artwork(self, key: str, into: Path) -> Path:
        run, _, name = key.partition("/")
        try:
            path = child(self.root / run_name(run), name, "the artwork")
        except OutsideHome:
            raise MissingInStore(f"the runs folder has no {key}") from None
        if not path.is_file():
            raise MissingInStore(f"the runs folder has no {key}")
        return path

    def finished_runs(self) -> dict[str, str]:
        if not self.root.is_dir():
            return {}
        found = {}
        for entry in os.scandir(self.root):
            if not RUN_NAME.fullmatch(entry.name):
                continue
            try:
                found[entry.name] = str(os.stat(Path(entry.path) / RUN_FILE).st_mtime_ns)
            except OSError:
                continue
        return found

    def sync_run(self, run: str, folder: Path, stamp: str | None = None) -> bool:
        return (folder / RUN_FILE).is_file()

    def refresh_copies(self, runs_folder: Path) -> int:
        return 0

    def fetch(self, folder: Path, names: Iterable[str]) -> None:
        return None

    def fetch_folder(self, folder: Path, sub: str) -> None:
        return None

    def put(self, folder: Path, names: Iterable[str]) -> None:
        return None

    def image_url(self, folder: Path, name: str) -> str | None:
        return None

    def publish(self, folder: Path, run: str, keep: Iterable[str] = ()) -> None:
        target = self.root / run_name(run)
        if folder.resolve() == target.resolve():
            return
        target.mkdir(parents=True, exist_ok=True)
        (target / RUN_FILE).unlink(missing_ok=True)
        for relative in sorted(files_of(folder)):
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            with atomic_file(destination) as partial:
                shutil.copyfile(folder / relative, partial)
        with atomic_file(target / RUN_FILE) as partial:
            shutil.copyfile(folder / RUN_FILE, partial)

    def delete(self, run: str) -> None:
        shutil.rmtree(self.root / run_name(run), ignore_errors=True)

    def for_collection(self, name: str) -> LocalRunStore:
        raise StoreError("the local runs folder keeps no collection's runs: they stay with it")
