"""The collection as one zip, written as it is read: each finished artwork's mockups under a
folder named after it, and collection.json. Nothing is held whole in memory: zipfile copies
each file in chunks and writes to a stream that needs no seeking (a download, a pipe)."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from mockups.collections.record import COLLECTION_FILE, ArtworkState, Collection
from mockups.runs.catalogue import fetch_run_files
from mockups.runs.folder import mockup_path, read_run


def zip_members(collection: Collection) -> list[tuple[Path, str]]:
    """(file on disk, name in the zip) for every mockup of every finished artwork; a run kept
    in a remote store has its full-size files fetched into its folder first."""
    members = []
    for entry in collection.artworks:
        if entry.state != ArtworkState.DONE or entry.run is None:
            continue
        run_dir = collection.path_of(entry.run)
        run = read_run(run_dir)
        fetch_run_files(run_dir, [mockup.file for mockup in run.mockups])
        folder = PurePosixPath(entry.run).name
        for mockup in run.mockups:
            members.append((mockup_path(run_dir, mockup.file), f"{folder}/{mockup.file}"))
    return members


def write_zip(collection: Collection, out: BinaryIO) -> int:
    """Write the collection's zip to `out`; returns how many mockups it holds."""
    members = zip_members(collection)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for path, name in members:
            archive.write(path, name)
        archive.write(collection.folder / COLLECTION_FILE, COLLECTION_FILE)
    return len(members)
