"""Damaged or hostile local input to `python -m etsy_sync`: one line on stderr, exit 2, the
file left as it was, no secret quoted, and nothing read from outside the run folder."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from etsy_sync import manifest as manifest_module
from etsy_sync.cli import main
from tests.fake_etsy.helpers import environment_for, write_run

REPO = Path(__file__).resolve().parents[2]


def etsy_sync(config, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "etsy_sync", *args],
        cwd=REPO,
        env={**os.environ, **environment_for(config)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line_refusal(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("error: ")
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr


def test_a_corrupt_manifest_is_one_line_and_left_as_it_was(etsy, config):
    config.manifest_file.write_bytes(b"this is not an SQLite database" * 100)
    before = config.manifest_file.read_bytes()

    done = etsy_sync(config, "status", "--listing", "5")

    assert_one_line_refusal(done, str(config.manifest_file), "damaged")
    assert config.manifest_file.read_bytes() == before


def test_a_manifest_locked_by_another_process_is_one_line(
    etsy, config, tmp_path, monkeypatch, capsys
):
    listing = etsy.add_listing()
    run_dir = write_run(tmp_path / "run", count=2)
    for name, value in environment_for(config).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(manifest_module, "LOCK_WAIT_SECONDS", 0.2)
    holder = sqlite3.connect(config.manifest_file, isolation_level=None)
    holder.execute("CREATE TABLE held (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        status = main(["push", str(run_dir), "--listing", str(listing.listing_id)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    err = capsys.readouterr().err
    assert status == 2
    assert len(err.splitlines()) == 1 and "in use by another process" in err
    assert etsy.calls("uploadListingImage") == []


def test_a_token_file_that_is_a_folder_is_one_line(etsy, config):
    config.token_file.unlink()
    config.token_file.mkdir()

    done = etsy_sync(config, "listings")

    assert_one_line_refusal(done, str(config.token_file), "IsADirectoryError")
    assert config.token_file.is_dir()


@pytest.mark.parametrize("expires_at", ["NaN", "1e400", "-1e400", '"soon"', "true"])
def test_a_token_file_with_an_impossible_expiry_is_one_line_without_the_tokens(
    etsy, config, expires_at
):
    saved = json.loads(config.token_file.read_text())
    text = (
        f'{{"access_token": "{saved["access_token"]}", '
        f'"refresh_token": "{saved["refresh_token"]}", "expires_at": {expires_at}}}'
    )
    config.token_file.write_text(text)

    done = etsy_sync(config, "listings")

    assert_one_line_refusal(done, "expires_at", "connect again")
    assert saved["access_token"] not in done.stderr + done.stdout
    assert saved["refresh_token"].split(".")[1] not in done.stderr + done.stdout
    assert config.token_file.read_text() == text
    assert etsy.seen == []


def test_a_pending_connect_file_holding_a_list_is_one_line_and_kept(etsy, config):
    config.pending_connects_file.write_text('["not", "a", "map"]')

    done = subprocess.run(
        [sys.executable, "-m", "etsy_sync", "auth"],
        cwd=REPO,
        env={**os.environ, **environment_for(config), "OAUTHLIB_INSECURE_TRANSPORT": "1"},
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert_one_line_refusal(done, str(config.pending_connects_file))
    assert config.pending_connects_file.read_text() == '["not", "a", "map"]'


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        (7, "is not an object"),
        ({"index": "one", "template": "mug", "file": "01-poster.jpg"}, "'index'"),
        ({"index": 1, "template": ["mug"], "file": "01-poster.jpg"}, "'template'"),
        ({"index": 1, "template": "mug"}, "'file'"),
        ({"index": 1, "template": "mug", "file": {"path": "x.jpg"}}, "'file'"),
    ],
)
def test_a_run_json_with_a_malformed_mockup_entry_is_one_line(etsy, config, tmp_path, entry, says):
    listing = etsy.add_listing()
    run_dir = write_run(tmp_path / "run", count=2)
    run = json.loads((run_dir / "run.json").read_text())
    run["mockups"][1] = entry
    (run_dir / "run.json").write_text(json.dumps(run))

    done = etsy_sync(config, "push", str(run_dir), "--listing", str(listing.listing_id))

    assert_one_line_refusal(done, "mockup 2", says)
    assert etsy.calls("uploadListingImage") == []


@pytest.mark.parametrize("how", ["absolute", "dot-dot", "sub-folder", "symlink-out"])
def test_a_push_never_reads_a_mockup_file_from_outside_the_run(etsy, config, tmp_path, how):
    listing = etsy.add_listing()
    run_dir = write_run(tmp_path / "run", count=2)
    outside = tmp_path / "private.jpg"
    outside.write_bytes((run_dir / "01-poster.jpg").read_bytes())
    (run_dir / "inner").mkdir()
    names = {
        "absolute": str(outside),
        "dot-dot": "../private.jpg",
        "sub-folder": "inner/../../private.jpg",
        "symlink-out": "linked.jpg",
    }
    (run_dir / "linked.jpg").symlink_to(outside)
    run = json.loads((run_dir / "run.json").read_text())
    run["mockups"][1]["file"] = names[how]
    (run_dir / "run.json").write_text(json.dumps(run))

    pushed = etsy_sync(config, "push", str(run_dir), "--listing", str(listing.listing_id))
    dry = etsy_sync(config, "push", str(run_dir), "--listing", "1", "--dry-run")

    assert_one_line_refusal(pushed, "mockup 2")
    assert_one_line_refusal(dry, "mockup 2")
    assert etsy.calls("uploadListingImage") == []


def test_a_symlink_to_another_file_inside_the_run_is_pushed(etsy, config, tmp_path):
    listing = etsy.add_listing()
    run_dir = write_run(tmp_path / "run", count=2)
    (run_dir / "linked.jpg").symlink_to(run_dir / "01-poster.jpg")
    run = json.loads((run_dir / "run.json").read_text())
    run["mockups"][1]["file"] = "linked.jpg"
    (run_dir / "run.json").write_text(json.dumps(run))

    done = etsy_sync(config, "push", str(run_dir), "--listing", str(listing.listing_id))

    assert done.returncode == 0, done.stderr
    assert len(etsy.calls("uploadListingImage")) == 2
