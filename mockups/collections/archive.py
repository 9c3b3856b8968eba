"""The collection as one zip, written as it is read: each finished artwork's mockups under a
folder named after it, and collection.json. Nothing is held whole in memory: zipfile copies
each file in chunks and writes to a stream that needs no seeking (a download, a pipe).

A run kept in a remote store has only its small files here: its full-size mockups are fetched
one run at a time, and those fetched for the zip are removed once they are in it, so the
zip never costs the disk a second copy of the collection."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import BinaryIO

from mockups.collections.record import COLLECTION_FILE, ArtworkState, Collection
from mockups.runs.catalogue import fetch_run_files
from mockups.runs.folder import mockup_path, read_run


def write_zip(collection: Collection, out: BinaryIO) -> int:
    """Write the collection's zip to `out`; returns how many mockups it holds."""
    written = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for entry in collection.artworks:
            if entry.state == ArtworkState.DONE and entry.run is not None:
                written += _add_run(archive, collection.path_of(entry.run))
        archive.write(collection.folder / COLLECTION_FILE, COLLECTION_FILE)
    return written


def _add_run(archive: zipfile.ZipFile, run_dir: Path) -> int:
    """The run's mockups into `archive` under the run's name; those fetched for it removed."""
    names = [mockup.file for mockup in read_run(run_dir).mockups]
    missing = [name for name in names if not mockup_path(run_dir, name).is_file()]
    fetch_run_files(run_dir, missing)
    try:
        for name in names:
            archive.write(mockup_path(run_dir, name), f"{run_dir.name}/{name}")
    finally:
        for name in missing:
            mockup_path(run_dir, name).unlink(missing_ok=True)
    return len(names)
