"""A `draft` killed at each of its steps (a real `python -m etsy_sync draft` process, killed
by the fake Etsy as it calls) resumes on the next run: one draft, ten photos, two colours,
one video; nothing lost, nothing twice."""

from __future__ import annotations

import hashlib
import signal
import subprocess

import pytest

from etsy_sync.listing import listing_request
from etsy_sync.manifest import Manifest
from etsy_sync.service import EtsySync, run_video
from tests.etsy.test_etsy_draft import COLOUR_TEMPLATES, FIELDS
from tests.fake_etsy.helpers import (
    RecordedSleeps,
    config_for,
    connect,
    quick_policy,
    start_command,
    write_run,
)


def start_draft(config, run_dir) -> subprocess.Popen:
    return start_command(
        config,
        *("draft", str(run_dir), "--video", "--title", FIELDS.title, "--price", FIELDS.price),
        *("--taxonomy", str(FIELDS.taxonomy_id), "--shipping-profile", "77"),
        *("--tags", ",".join(FIELDS.tags), "--description-file", str(run_dir / "d.txt")),
    )


@pytest.mark.parametrize(
    ("operation", "kind", "skip"),
    [
        ("createDraftListing", "crash-after", 0),
        ("createDraftListing", "crash-before", 0),
        ("uploadListingImage", "crash-after", 4),
        ("updateListingInventory", "crash-after", 0),
        ("updateVariationImages", "crash-before", 0),
        ("uploadListingVideo", "crash-after", 0),
        ("uploadListingVideo", "crash-before", 0),
    ],
)
def test_a_killed_draft_resumes_without_losing_or_duplicating_anything(
    etsy, tmp_path, operation, kind, skip
):
    config = config_for(etsy, tmp_path)
    connect(etsy, config)
    run_dir = write_run(tmp_path / "run", templates=COLOUR_TEMPLATES)
    (run_dir / "d.txt").write_text(FIELDS.description)
    run_video(run_dir)
    process: dict[str, subprocess.Popen] = {}
    etsy.inject(operation, kind, skip=skip, action=lambda: process["draft"].kill())

    process["draft"] = start_draft(config, run_dir)
    process["draft"].communicate(timeout=120)
    assert process["draft"].returncode == -signal.SIGKILL
    assert len(etsy.calls(operation)) == skip + 1

    sync = EtsySync(config, quick_policy(RecordedSleeps(etsy)))
    video = run_dir / "listing-video.mp4"
    result = sync.draft(sync.plan_draft(listing_request(run_dir, FIELDS, video=video)))

    (listing,) = etsy.state.listings.values()
    assert result.listing_id == listing.listing_id and listing.state == "draft"
    files = [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(run_dir.glob("*.jpg"))]
    assert [image.sha256 for image in listing.images] == files
    assert etsy.state.uploads_stored == 10
    assert {item["image_id"] for item in listing.variation_images} == {
        listing.images[1].listing_image_id,
        listing.images[3].listing_image_id,
    }
    assert [v.sha256 for v in listing.live_videos()] == [
        hashlib.sha256(video.read_bytes()).hexdigest()
    ]
    assert (etsy.state.drafts_created, etsy.state.videos_stored) == (1, 1)
    with Manifest(config.manifest_file) as manifest:
        assert manifest.pending_draft(str(run_dir.resolve())) is None
        assert manifest.pending_video(listing.listing_id) is None
        assert manifest.video(listing.listing_id) is not None
