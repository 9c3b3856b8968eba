"""The command line as an operator uses it: real `python -m etsy_sync` processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.fake_etsy.helpers import change_mockup, environment_for, write_run

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


def test_listings_lists_draft_active_and_inactive_or_one_state(etsy, config):
    draft = etsy.add_listing("Heron print", "draft")
    active = etsy.add_listing("Fox print", "active")
    etsy.add_listing("Old print", "expired")

    every = etsy_sync(config, "listings")
    drafts = etsy_sync(config, "listings", "--state", "draft", "--json")

    assert every.returncode == 0, every.stderr
    assert [line.split()[0] for line in every.stdout.splitlines()] == [
        str(draft.listing_id),
        str(active.listing_id),
    ]
    assert [row["title"] for row in json.loads(drafts.stdout)] == ["Heron print"]


def test_push_dry_run_push_and_status(etsy, config, tmp_path):
    listing = etsy.add_listing()
    run_dir = write_run(tmp_path / "run", count=3)

    dry = etsy_sync(config, "push", str(run_dir), "--listing", str(listing.listing_id), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "3 upload(s)" in dry.stdout and etsy.calls("uploadListingImage") == []

    pushed = etsy_sync(config, "push", str(run_dir), "--listing", str(listing.listing_id), "--json")
    assert pushed.returncode == 0, pushed.stderr
    result = json.loads(pushed.stdout)
    assert result["uploads"] == 3
    ids = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]
    assert [step["listing_image_id"] for step in result["steps"]] == ids

    change_mockup(run_dir, 2)
    again = etsy_sync(config, "push", str(run_dir), "--listing", str(listing.listing_id))
    assert again.returncode == 0, again.stderr
    assert "1 upload(s)" in again.stdout

    status = etsy_sync(config, "status", "--listing", str(listing.listing_id), "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert [row["rank"] for row in report["pushed"]] == [1, 2, 3]
    assert [push["uploads"] for push in report["pushes"]] == [1, 3]
    assert {call["method"] for call in report["calls"]} == {"GET", "POST"}


def test_failures_are_one_line_with_exit_codes(etsy, config, tmp_path):
    not_a_run = etsy_sync(config, "push", str(tmp_path), "--listing", "5")
    assert not_a_run.returncode == 2
    assert not_a_run.stderr.startswith("error: ") and len(not_a_run.stderr.splitlines()) == 1

    config.token_file.unlink()
    run_dir = write_run(tmp_path / "run", count=1)
    disconnected = etsy_sync(config, "push", str(run_dir), "--listing", "5")
    assert disconnected.returncode == 1
    assert "python -m etsy_sync auth" in disconnected.stderr

    usage = etsy_sync(config, "push", str(run_dir))
    assert usage.returncode == 2 and "--listing" in usage.stderr


def test_dry_run_names_the_photos_overwritten_and_left_and_the_push_refuses_foreign_ones(
    etsy, config, tmp_path
):
    listing = etsy.add_listing(images=4)
    seller = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]
    run_dir = write_run(tmp_path / "run", count=2)
    listing_id = str(listing.listing_id)

    dry = etsy_sync(config, "push", str(run_dir), "--listing", listing_id, "--dry-run")
    dry_json = etsy_sync(
        config, "push", str(run_dir), "--listing", listing_id, "--dry-run", "--json"
    )
    refused = etsy_sync(config, "push", str(run_dir), "--listing", listing_id)

    assert dry.returncode == 0, dry.stderr
    assert f"overwrites {seller[0]} (seller's photo)" in dry.stdout
    assert f"overwrites {seller[1]} (seller's photo)" in dry.stdout
    assert f"left after ours: {seller[2]} (seller's)" in dry.stdout
    assert f"left after ours: {seller[3]} (seller's)" in dry.stdout
    assert "--overwrite-foreign" in dry.stdout
    plan = json.loads(dry_json.stdout)
    assert plan["overwrites_foreign"] == [1, 2] and plan["ours"] == []
    assert [image["listing_image_id"] for image in plan["kept"]] == seller[2:]
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1
    assert "did not come from Mockup Lab (rank 1, 2)" in refused.stderr
    assert etsy.calls("uploadListingImage") == []
    assert [i.listing_image_id for i in etsy.listing(listing.listing_id).images] == seller

    allowed = etsy_sync(
        config, "push", str(run_dir), "--listing", listing_id, "--overwrite-foreign"
    )

    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.count("(overwrote a seller's photo)") == 2
    after = [i.listing_image_id for i in etsy.listing(listing.listing_id).images]
    assert after[2:] == seller[2:]


def test_a_shorter_push_keeps_earlier_extras_by_default_and_removes_them_when_asked(
    etsy, config, tmp_path
):
    listing = etsy.add_listing()
    listing_id = str(listing.listing_id)
    assert (
        etsy_sync(
            config, "push", str(write_run(tmp_path / "long", count=5)), "--listing", listing_id
        ).returncode
        == 0
    )
    earlier = [i.listing_image_id for i in etsy.listing(listing.listing_id).images]
    short = write_run(tmp_path / "short", count=3)

    dry = etsy_sync(config, "push", str(short), "--listing", listing_id, "--dry-run")
    kept = etsy_sync(config, "push", str(short), "--listing", listing_id)

    assert "2 image(s) of an earlier push stay (the default); --remove-extra" in dry.stdout
    assert f"left after ours: {earlier[3]} (ours, from an earlier push)" in dry.stdout
    assert kept.returncode == 0, kept.stderr
    assert [i.listing_image_id for i in etsy.listing(listing.listing_id).images] == earlier

    dry_remove = etsy_sync(
        config, "push", str(short), "--listing", listing_id, "--dry-run", "--remove-extra"
    )
    removed = etsy_sync(config, "push", str(short), "--listing", listing_id, "--remove-extra")

    assert f"removed: {earlier[3]} (ours, from an earlier push)" in dry_remove.stdout
    assert removed.returncode == 0, removed.stderr
    assert [i.listing_image_id for i in etsy.listing(listing.listing_id).images] == earlier[:3]
    status = json.loads(etsy_sync(config, "status", "--listing", listing_id, "--json").stdout)
    assert [row["listing_image_id"] for row in status["pushed"]] == earlier[:3]
    assert etsy.state.left_out_by_image_ids == []
