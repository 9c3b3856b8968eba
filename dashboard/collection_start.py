"""Starting a collection from the Collections page: each upload streamed to disk and let go,
a zip unpacked as hostile input, the CSV matched, then every artwork handed to the render
back-end (Redis's workers, or this server's render slots)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard.collection_jobs import hand_over
from dashboard.uploads import original_name, release
from mockups.collections import create_collection, new_collection_dir
from mockups.collections.build import collections_root
from mockups.collections.intake import copy_bounded, from_files
from mockups.collections.rows import MAX_CSV_BYTES

CSV_FILE = "rows.csv"


def start_collection(
    name: str, files: Sequence[UploadedFile], csv: UploadedFile | None, templates: list[str]
) -> Path:
    """A new collection of `files` (images or zips) on `templates`, its artworks handed over;
    returns its folder. A refused upload removes the folder and says why in one line."""
    title = original_name(name or (files[0].name if files else "collection"))
    folder = new_collection_dir(collections_root(), title)
    try:
        intakes = from_files(_released(files), folder)
        rows = None
        if csv is not None:
            rows = folder / CSV_FILE
            copy_csv_upload(csv, rows)
        collection = create_collection(
            folder, None, templates, rows, name=Path(title).stem, intakes=intakes
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    hand_over(collection)
    return folder


def copy_csv_upload(upload: UploadedFile, target: Path) -> None:
    upload.seek(0)
    try:
        copy_bounded(upload, target, original_name(upload.name), MAX_CSV_BYTES)
    finally:
        release(upload)


def _released(files: Sequence[UploadedFile]) -> Iterator[tuple[str, IO[bytes]]]:
    """Each upload as (name, bytes), let go of by the server once it is on disk."""
    for upload in files:
        upload.seek(0)
        try:
            yield upload.name, upload
        finally:
            release(upload)
