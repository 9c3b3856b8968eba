"""Whoever can write to the bucket still cannot touch the web's machine: keys that lead out of
a run, planted run records, files of any size, a store that trickles, a bucket of many runs,
and uploads that no run finished. On moto's real S3 server."""

from __future__ import annotations

import io
import json
import logging
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import mockups.runs.s3
from harness.s3_server import put_raw, trickling_proxy
from mockups.runs.base import StoreTimedOut
from mockups.runs.catalogue import list_runs, refresh_runs, run_artwork
from mockups.runs.folder import RUN_FILE, read_run
from mockups.runs.store import open_store
from tests.peak_rss import measured
from tests.store_support import run_folder, run_record

ROOT = Path(__file__).resolve().parents[2]
NO_SECRETS_FILE = Path("/nonexistent/secrets.toml")
PREFIX = "team/runs"
RUN = "20261130-100000-art-aaaaaa"
OTHER = "20261130-090000-art-bbbbbb"


def jpeg_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()


THUMBNAIL = jpeg_bytes(Image.new("RGB", (64, 48), (200, 90, 40)))


def bucket_of(s3_env: dict[str, str]) -> str:
    return s3_env["MOCKUPLAB_STORAGE"].removeprefix("s3://").partition("/")[0]


def plant_run(s3_env: dict[str, str], run: str, record: str | None = None) -> None:
    """A finished run written straight into the bucket: run.json and its thumbnail."""
    endpoint, bucket = s3_env["AWS_ENDPOINT_URL"], bucket_of(s3_env)
    body = record if record is not None else run_record()
    put_raw(endpoint, bucket, f"{PREFIX}/{run}/thumbs/01-poster.jpg", THUMBNAIL)
    put_raw(endpoint, bucket, f"{PREFIX}/{run}/{RUN_FILE}", body.encode())


def on_the_store(monkeypatch, s3_env: dict[str, str], home: Path) -> None:
    monkeypatch.setenv("MOCKUPLAB_HOME", str(home))
    monkeypatch.chdir(home.parent)
    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)


def skipped_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "mockuplab.runs"]


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# Keys that lead out of a run ----------------------------------------------------------------


def test_keys_that_lead_out_of_a_run_write_nothing_outside_it_and_the_run_still_copies(
    s3_env, tmp_path, caplog
):
    victim = tmp_path / "web" / "etsy-token.json"
    victim.parent.mkdir()
    victim.write_text("the web's own token")
    other_run = tmp_path / "web" / "runs" / OTHER / RUN_FILE
    other_run.parent.mkdir(parents=True)
    other_run.write_text("another run's record")
    plant_run(s3_env, RUN)
    planted = {
        f"/{victim}": "an absolute path after the run's name",
        f"thumbs/../../{OTHER}/{RUN_FILE}": "`..` into another run",
        "profile/../../../etsy-token.json": "`..` out of the runs folder",
        "profile/\x1b]0;owned\x07.csv": "a terminal escape",
    }
    for name in planted:
        put_raw(s3_env["AWS_ENDPOINT_URL"], bucket_of(s3_env), f"{PREFIX}/{RUN}/{name}", b"{}")

    caplog.set_level(logging.WARNING, "mockuplab.runs")
    copy = tmp_path / "web" / "runs" / RUN
    assert open_store(s3_env, NO_SECRETS_FILE).sync_run(RUN, copy)

    assert victim.read_text() == "the web's own token"
    assert other_run.read_text() == "another run's record"
    assert files_under(tmp_path / "web") == [
        "etsy-token.json",
        f"runs/{OTHER}/{RUN_FILE}",
        f"runs/{RUN}/.stored.json",
        f"runs/{RUN}/{RUN_FILE}",
        f"runs/{RUN}/thumbs/01-poster.jpg",
    ]
    lines = skipped_lines(caplog)
    assert len(lines) == len(planted), lines
    assert all("skipped: not a file of a run" in line and "\n" not in line for line in lines)
    assert not any("\x1b" in line for line in lines), "an escape reaches the log as text"


def test_a_key_with_dot_dot_leaves_history_working_for_every_user(s3_env, tmp_path, monkeypatch):
    plant_run(s3_env, RUN)
    plant_run(s3_env, OTHER)
    put_raw(s3_env["AWS_ENDPOINT_URL"], bucket_of(s3_env), f"{PREFIX}/{RUN}/thumbs/../x.jpg", b"x")
    on_the_store(monkeypatch, s3_env, tmp_path / "web")

    history = AppTest.from_file(str(ROOT / "pages" / "history.py"), default_timeout=60)
    history.run()
    assert not history.exception
    assert not history.warning and not history.error
    assert sorted(s.path.name for s in list_runs()) == [OTHER, RUN]


def test_a_run_with_a_key_the_client_refuses_is_deleted_whole(s3_env, tmp_path):
    store = open_store(s3_env, NO_SECRETS_FILE)
    plant_run(s3_env, RUN)
    put_raw(s3_env["AWS_ENDPOINT_URL"], bucket_of(s3_env), f"{PREFIX}/{RUN}/a/../b.json", b"x")
    store.delete(RUN)
    assert store.run_names() == []


# Planted run records -----------------------------------------------------------------------


def test_a_planted_artwork_path_is_never_read_the_runs_working_copy_is(
    s3_env, tmp_path, monkeypatch
):
    private = tmp_path / "private" / "passport.png"
    private.parent.mkdir()
    private.write_bytes(b"a private image on the web's machine")
    plant_run(s3_env, RUN, run_record(artwork_path=str(private)))
    working_copy = b"the run's own working copy"
    put_raw(
        s3_env["AWS_ENDPOINT_URL"], bucket_of(s3_env), f"{PREFIX}/{RUN}/artwork.png", working_copy
    )
    on_the_store(monkeypatch, s3_env, tmp_path / "web")
    refresh_runs(force=True)
    folder = tmp_path / "web" / "runs" / RUN

    artwork = run_artwork(folder, read_run(folder))  # what "render again" renders
    assert artwork == folder / "artwork.png"
    assert artwork.read_bytes() == working_copy


def test_an_upload_that_is_a_symlink_out_of_its_run_is_not_taken_for_the_artwork(tmp_path):
    from mockups.runs.folder import artwork_path

    private = tmp_path / "private.png"
    private.write_bytes(b"private")
    folder = tmp_path / "runs" / RUN
    folder.mkdir(parents=True)
    (folder / "upload.png").symlink_to(private)
    (folder / RUN_FILE).write_text(run_record(artwork_path=str(folder / "upload.png")))
    assert artwork_path(folder, read_run(folder)) == folder / "artwork.png"


# Sizes ---------------------------------------------------------------------------------------


LISTING = """
import sys
from mockups.runs.catalogue import list_runs, refresh_runs
refresh_runs(force=True)
print(",".join(summary.path.name for summary in list_runs()))
"""


def test_a_huge_run_json_in_the_bucket_is_skipped_unread_and_costs_the_web_no_memory(
    s3_env, tmp_path
):
    plant_run(s3_env, OTHER)
    padding = json.dumps({"warnings": ["x" * 1000] * 60_000})  # 60 MB of valid JSON
    plant_run(s3_env, RUN, padding)
    env = {"MOCKUPLAB_HOME": str(tmp_path / "web"), "PATH": "/usr/bin:/bin", **s3_env}

    import os

    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        outcome = measured([sys.executable, "-c", LISTING], tmp_path)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert outcome.returncode == 0, outcome.stderr_lines
    assert outcome.stdout.strip() == OTHER
    (line,) = outcome.stderr_lines
    assert f"run {RUN} skipped for now" in line and "no run record" in line
    assert not (tmp_path / "web" / "runs" / RUN / RUN_FILE).exists()
    assert outcome.peak_rss_mb < 110, f"{outcome.peak_rss_mb:.0f} MB"


@pytest.mark.limit_memory("8 MB")
def test_a_run_json_larger_than_any_run_record_is_refused_before_it_is_read(tmp_path):
    from mockups.runs.folder import RunFolderError

    with (tmp_path / RUN_FILE).open("wb") as record:  # 40 MB of valid JSON
        record.write(b"[")
        for _ in range(40):
            record.write(b"0," * 500_000)
        record.write(b"0]")
    with pytest.raises(RunFolderError, match="larger than 4 MB, not a run record$"):
        read_run(tmp_path)


# Time ----------------------------------------------------------------------------------------


@pytest.fixture
def quick_deadlines(monkeypatch):
    """The store's deadlines shortened, so a test waits seconds where a web waits tens."""
    monkeypatch.setattr(mockups.runs.s3, "REQUEST_SECONDS", 1.5)
    monkeypatch.setattr(mockups.runs.s3, "RUN_SYNC_SECONDS", 2.0)


def test_a_run_whose_files_trickle_is_given_up_and_the_others_are_listed(
    s3_env, tmp_path, monkeypatch, quick_deadlines, caplog
):
    plant_run(s3_env, RUN)
    plant_run(s3_env, OTHER)
    slow = f"/{RUN}/{RUN_FILE}"
    with trickling_proxy(s3_env["AWS_ENDPOINT_URL"], lambda _, path: slow in path) as proxy:
        on_the_store(monkeypatch, {**s3_env, "AWS_ENDPOINT_URL": proxy}, tmp_path / "web")
        caplog.set_level(logging.WARNING, "mockuplab.runs")
        started = time.monotonic()
        refresh_runs(force=True)
        took = time.monotonic() - started
        assert [s.path.name for s in list_runs()] == [OTHER]
        assert took < 6, f"the refresh waited {took:.1f} s"
        (line,) = skipped_lines(caplog)
        assert line.startswith(f"run {RUN} skipped for now: the runs store ")
        assert "is too slow" in line

        started = time.monotonic()
        refresh_runs(force=True)
        assert time.monotonic() - started < 1.5, "a slow run is left alone for a while"


def test_a_full_size_file_that_trickles_is_one_line_and_leaves_no_partial_file(
    s3_env, tmp_path, quick_deadlines
):
    store = open_store(s3_env, NO_SECRETS_FILE)
    run = run_folder(tmp_path / "out" / RUN)
    store.publish(run, RUN)
    copy = tmp_path / "web" / RUN
    assert store.sync_run(RUN, copy)
    settings = {**s3_env}
    with trickling_proxy(s3_env["AWS_ENDPOINT_URL"], lambda m, p: "01-poster.jpg" in p) as proxy:
        settings["AWS_ENDPOINT_URL"] = proxy
        slow_store = open_store(settings, NO_SECRETS_FILE)
        started = time.monotonic()
        with pytest.raises(StoreTimedOut) as raised:
            slow_store.fetch(copy, ["01-poster.jpg"])
        assert time.monotonic() - started < 5
    assert str(raised.value).startswith(f"the runs store {s3_env['MOCKUPLAB_STORAGE']} is too slow")
    assert "\n" not in str(raised.value)
    assert not (copy / "01-poster.jpg").exists()
    assert not list(copy.glob("*.part"))


# Many runs -----------------------------------------------------------------------------------


def test_the_first_refresh_copies_the_newest_runs_within_its_budget_and_the_rest_follow(
    s3_env, tmp_path, monkeypatch
):
    names = [f"20261130-{n:06d}-art-cccccc" for n in range(60)]
    for name in names:
        plant_run(s3_env, name)
    store = open_store(s3_env, NO_SECRETS_FILE)
    runs = tmp_path / "web" / "runs"
    runs.mkdir(parents=True)

    started = time.monotonic()
    left = store.refresh_copies(runs, budget_seconds=0.3)
    took = time.monotonic() - started
    copied = sorted((p.name for p in runs.iterdir()), reverse=True)
    assert 0 < len(copied) < len(names) and left == len(names) - len(copied)
    assert copied == sorted(names, reverse=True)[: len(copied)], "the newest first"
    assert took < 2.0, f"{took:.1f} s"

    for _ in range(len(names)):
        if store.refresh_copies(runs, budget_seconds=0.3) == 0:
            break
    assert sorted(p.name for p in runs.iterdir()) == names


# Uploads no run finished ---------------------------------------------------------------------


def test_an_upload_whose_run_never_finished_is_swept_once_stale_and_not_before(
    s3_env, tmp_path, monkeypatch, caplog
):
    monkeypatch.setattr(mockups.runs.s3, "UNFINISHED_KEEP_SECONDS", 3.0)
    store = open_store(s3_env, NO_SECRETS_FILE)
    upload = tmp_path / "upload.png"
    upload.write_bytes(b"an artwork whose worker was killed")
    store.put_artwork(upload, RUN)
    plant_run(s3_env, OTHER)
    runs = tmp_path / "web" / "runs"
    caplog.set_level(logging.WARNING, "mockuplab.runs")

    store.refresh_copies(runs)
    assert store.run_names() == [RUN, OTHER], "a run still rendering keeps its upload"
    time.sleep(4.5)
    store.refresh_copies(runs)
    assert store.run_names() == [OTHER]
    (line,) = skipped_lines(caplog)
    assert f"swept unfinished run {RUN} (no run.json" in line
