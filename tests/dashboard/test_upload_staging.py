"""Staged uploads that no session rendered do not pile up in the data folder."""

from __future__ import annotations

import os

from dashboard.uploads import STALE_SECONDS, sweep_stale


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


def test_sweeping_a_missing_staging_folder_does_nothing(tmp_path):
    sweep_stale(tmp_path / "uploads")
    assert not (tmp_path / "uploads").exists()
