"""A push killed mid-upload (a real `python -m etsy_sync push` process, killed by the fake
Etsy while it uploads) resumes on the next push: nothing lost, nothing uploaded twice."""

from __future__ import annotations

import hashlib
import signal
import subprocess

import pytest

from etsy_sync.push import PushOptions
from etsy_sync.service import EtsySync
from tests.fake_etsy.helpers import (
    RecordedSleeps,
    config_for,
    connect,
    quick_policy,
    start_command,
    write_run,
)


def start_push(config, run_dir, listing_id) -> subprocess.Popen:
    return start_command(
        config, "push", str(run_dir), "--listing", str(listing_id), "--overwrite-foreign"
    )


@pytest.mark.parametrize(
    ("kind", "uploads_on_resume"),
    [("crash-after", 5), ("crash-before", 6)],
    ids=["killed-after-etsy-stored-the-upload", "killed-before-etsy-stored-it"],
)
def test_a_killed_push_resumes_without_losing_or_duplicating_images(
    etsy, tmp_path, kind, uploads_on_resume
):
    config = config_for(etsy, tmp_path)
    connect(etsy, config)
    listing = etsy.add_listing(images=3)
    run_dir = write_run(tmp_path / "run")
    process: dict[str, subprocess.Popen] = {}
    etsy.inject("uploadListingImage", kind, skip=4, action=lambda: process["push"].kill())

    process["push"] = start_push(config, run_dir, listing.listing_id)
    process["push"].communicate(timeout=60)
    assert process["push"].returncode == -signal.SIGKILL
    uploads_before = len(etsy.calls("uploadListingImage"))

    resumed = EtsySync(config, quick_policy(RecordedSleeps(etsy)))
    result = resumed.push(run_dir, listing.listing_id, options=PushOptions(overwrite_foreign=True))

    files = [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(run_dir.glob("*.jpg"))]
    assert [image.sha256 for image in etsy.listing(listing.listing_id).images] == files
    assert etsy.state.uploads_stored == 10
    assert len(etsy.calls("uploadListingImage")) - uploads_before == uploads_on_resume
    assert [image.rank for image in result.adopted] == ([5] if kind == "crash-after" else [])
    status = EtsySync(config).status(listing.listing_id)
    assert [row.rank for row in status.pushed] == list(range(1, 11))
    assert status.pending == []
    assert [push.finished_at is None for push in status.pushes] == [False, True]
