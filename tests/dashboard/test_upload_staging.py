"""Staged uploads that no session rendered do not pile up in the data folder."""

from __future__ import annotations

import io
import os
import time

from dashboard.uploads import CHUNK_BYTES, STALE_SECONDS, stage_file, still_held, sweep_stale

KINDS = ("artwork", "psd", "scene", "mask")


def staged(root, name: str, age: float, now: float):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "artwork.jpg").write_bytes(b"jpeg")
    os.utime(folder, (now - age, now - age))
    return folder


def test_a_staged_artwork_older_than_a_day_is_swept_and_a_fresh_one_kept(tmp_path):
    now = 2_000_000_000.0
    old = staged(tmp_path, "artwork-old", STALE_SECONDS + 60, now)
    fresh = staged(tmp_path, "artwork-fresh", 60, now)
    other = staged(tmp_path, "not-an-upload", STALE_SECONDS * 3, now)
    sweep_stale(tmp_path, now=now)
    assert not old.exists()
    assert fresh.is_dir() and other.is_dir()


def test_the_templates_pages_staged_psd_photo_and_mask_are_swept_by_age_too(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    now = time.time()
    uploads = tmp_path / "uploads"
    old = [staged(uploads, f"{kind}-old", STALE_SECONDS + 60, now) for kind in KINDS]
    fresh = [staged(uploads, f"{kind}-fresh", 60, now) for kind in KINDS]

    stage_file(ChunkedUpload("Scene.jpg", b"jpeg bytes"), "scene")  # stages sweep first
    assert not any(folder.exists() for folder in old)
    assert all(folder.is_dir() for folder in fresh)


def test_sweeping_a_missing_staging_folder_does_nothing(tmp_path):
    sweep_stale(tmp_path / "uploads")
    assert not (tmp_path / "uploads").exists()


class ChunkedUpload(io.BytesIO):
    """An upload as Streamlit hands it over, which refuses to be read whole at once."""

    def __init__(self, name: str, data: bytes) -> None:
        super().__init__(data)
        self.name, self.file_id, self.reads = name, "f1", []

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and 0 < size <= CHUNK_BYTES, "read in chunks"
        self.reads.append(size)
        return super().read(size)

    def getbuffer(self):
        raise AssertionError("the whole upload asked for at once")


def test_a_template_upload_is_streamed_to_disk_under_its_own_name_once(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    data = os.urandom(CHUNK_BYTES * 2 + 10)
    upload = ChunkedUpload("My scene.psd", data)
    path = stage_file(upload, "psd")
    assert path == tmp_path / "uploads" / "psd-f1" / "My scene.psd"
    assert path.read_bytes() == data
    assert not list(path.parent.glob("*.part"))
    reads = len(upload.reads)
    assert stage_file(upload, "psd") == path and len(upload.reads) == reads, "a rerun writes none"


def test_an_upload_already_let_go_of_is_nothing_to_stage_rather_than_an_error():
    """A busy browser may send the emptied uploader's old file id once more: Streamlit hands
    the page a deleted-file marker, which the Render page must pass over (it raised an
    AttributeError the page showed as "Reading the artwork failed unexpectedly")."""
    from streamlit.runtime.uploaded_file_manager import (
        DeletedFile,
        UploadedFile,
        UploadedFileRec,
    )

    held = UploadedFile(UploadedFileRec("f1", "art.png", "image/png", b"png"), None)
    assert still_held(held)
    assert not still_held(DeletedFile("f1")) and not still_held(None)
