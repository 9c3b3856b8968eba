"""Pushing a run's mockups to a listing, against the fake Etsy: in order, once, resumably."""

from __future__ import annotations

import hashlib

import pytest

from etsy_sync.errors import NotConnected, PushInProgress
from etsy_sync.manifest import Manifest
from etsy_sync.plan import Action
from etsy_sync.push import PushOptions
from etsy_sync.service import EtsySync
from tests.fake_etsy.helpers import (
    change_mockup,
    config_for,
    quick_policy,
    write_run,
)


@pytest.fixture
def run_dir(tmp_path):
    return write_run(tmp_path / "run")


def file_hashes(run_dir, count=10):
    return [
        hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(run_dir.glob("*.jpg"))[:count]
    ]


OVERWRITE_FOREIGN = PushOptions(overwrite_foreign=True)


def listing_hashes(etsy, listing_id):
    return [image.sha256 for image in etsy.listing(listing_id).images]


def test_push_puts_the_ten_mockups_on_the_listing_in_rank_order_with_alt_text(etsy, sync, run_dir):
    listing = etsy.add_listing()
    result = sync.push(run_dir, listing.listing_id)

    assert listing_hashes(etsy, listing.listing_id) == file_hashes(run_dir)
    images = etsy.listing(listing.listing_id).images
    assert images[0].alt_text == "Poster taped to a wall showing sunset over hills"
    assert all(0 < len(image.alt_text) <= 500 for image in images)
    assert [call.form["rank"] for call in etsy.calls("uploadListingImage")] == list(range(1, 11))
    assert result.uploads == 10
    assert [step.listing_image_id for step in result.steps] == [
        image.listing_image_id for image in images
    ]
    pushed = sync.status(listing.listing_id).pushed
    assert [(row.rank, row.listing_image_id) for row in pushed] == [
        (rank, image.listing_image_id) for rank, image in enumerate(images, start=1)
    ]


def test_pushing_the_same_run_again_uploads_nothing(etsy, sync, run_dir):
    listing = etsy.add_listing()
    sync.push(run_dir, listing.listing_id)
    ids = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]
    writes_before = [seen for seen in etsy.seen if seen.method != "GET"]

    again = sync.push(run_dir, listing.listing_id)

    assert [seen for seen in etsy.seen if seen.method != "GET"] == writes_before
    assert again.uploads == 0
    assert {step.action for step in again.steps} == {"unchanged"}
    assert [image.listing_image_id for image in etsy.listing(listing.listing_id).images] == ids


def test_a_changed_mockup_replaces_only_its_own_rank(etsy, sync, run_dir):
    listing = etsy.add_listing()
    sync.push(run_dir, listing.listing_id)
    ids = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]
    uploads_before = len(etsy.calls("uploadListingImage"))
    change_mockup(run_dir, 3)

    result = sync.push(run_dir, listing.listing_id)

    uploads = etsy.calls("uploadListingImage")[uploads_before:]
    assert [(call.form["rank"], call.form["overwrite"]) for call in uploads] == [(3, True)]
    after = etsy.listing(listing.listing_id).images
    assert len(after) == 10
    assert [image.listing_image_id for image in after][:2] == ids[:2]
    assert [image.listing_image_id for image in after][3:] == ids[3:]
    assert after[2].listing_image_id not in ids
    assert listing_hashes(etsy, listing.listing_id) == file_hashes(run_dir)
    assert [step.action for step in result.steps if step.action != "unchanged"] == ["replace"]


def test_dry_run_shows_what_would_change_and_changes_nothing(etsy, sync, run_dir):
    listing = etsy.add_listing()
    sync.push(run_dir, listing.listing_id)
    change_mockup(run_dir, 7)
    seen_before = len(etsy.seen)
    manifest_before = sync.status(listing.listing_id).pushed

    plan = sync.plan(run_dir, listing.listing_id)

    assert [item.action for item in plan.items] == [Action.UNCHANGED] * 6 + [Action.REPLACE] + [
        Action.UNCHANGED
    ] * 3
    assert plan.items[6].replaces == plan.current[6]
    assert plan.uploads == 1
    assert {seen.method for seen in etsy.seen[seen_before:]} == {"GET"}
    assert sync.status(listing.listing_id).pushed == manifest_before


def test_seller_photos_are_overwritten_rank_by_rank_and_never_exceed_ten(etsy, sync, run_dir):
    listing = etsy.add_listing(images=10)

    sync.push(run_dir, listing.listing_id, options=OVERWRITE_FOREIGN)

    uploads = etsy.calls("uploadListingImage")
    assert [call.status for call in uploads] == [201] * 10
    assert all(call.form["overwrite"] is True for call in uploads)
    assert listing_hashes(etsy, listing.listing_id) == file_hashes(run_dir)


def test_photos_beyond_the_planned_ranks_stay_after_the_mockups(etsy, sync, tmp_path):
    listing = etsy.add_listing(images=4)
    seller = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]
    run_dir = write_run(tmp_path / "short-run", count=2)

    plan = sync.plan(run_dir, listing.listing_id)
    sync.push(run_dir, listing.listing_id, options=OVERWRITE_FOREIGN)

    assert [image.listing_image_id for image in plan.kept] == seller[2:]
    after = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]
    assert after[2:] == seller[2:]
    assert listing_hashes(etsy, listing.listing_id)[:2] == file_hashes(run_dir, 2)


def test_a_new_order_moves_the_images_already_there_without_uploading(etsy, sync, run_dir):
    listing = etsy.add_listing()
    sync.push(run_dir, listing.listing_id)
    ids = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]
    uploads_before = len(etsy.calls("uploadListingImage"))

    result = sync.push(run_dir, listing.listing_id, order=[2, 1, 3, 4, 5, 6, 7, 8, 9, 10])

    assert len(etsy.calls("uploadListingImage")) == uploads_before
    after = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]
    assert after == [ids[1], ids[0], *ids[2:]]
    assert [step.action for step in result.steps[:2]] == ["move", "move"]
    assert sync.push(run_dir, listing.listing_id, order=[2, 1, 3, 4, 5, 6, 7, 8, 9, 10]).steps[
        0
    ].action == ("unchanged")


def test_images_etsy_put_at_the_wrong_rank_are_put_back_in_order(etsy, sync, run_dir):
    listing = etsy.add_listing(images=3)
    etsy.state.misrank_uploads = True

    result = sync.push(run_dir, listing.listing_id, options=OVERWRITE_FOREIGN)

    assert listing_hashes(etsy, listing.listing_id) == file_hashes(run_dir)
    assert etsy.calls("updateListing")
    assert result.reordered
    assert [image.rank for image in result.images] == list(range(1, 11))


def test_ranks_etsy_shuffled_behind_our_back_are_fixed_after_the_push(etsy, sync, run_dir):
    listing = etsy.add_listing()

    def etsy_shuffles_earlier_ranks():
        images = etsy.listing(listing.listing_id).images
        images[:9] = images[:9][::-1]

    etsy.inject("uploadListingImage", "act-after", skip=9, action=etsy_shuffles_earlier_ranks)

    result = sync.push(run_dir, listing.listing_id)

    assert listing_hashes(etsy, listing.listing_id) == file_hashes(run_dir)
    assert [image.listing_image_id for image in result.images] == [
        step.listing_image_id for step in result.steps
    ]


def test_a_storm_of_429s_is_waited_out_as_etsy_asks(etsy, sync, sleeps, run_dir):
    listing = etsy.add_listing()
    etsy.inject("uploadListingImage", "429", times=3, skip=2, retry_after=7)

    sync.push(run_dir, listing.listing_id)

    assert sleeps.waits.count(7) == 3
    assert listing_hashes(etsy, listing.listing_id) == file_hashes(run_dir)
    assert etsy.state.uploads_stored == 10


@pytest.mark.parametrize("kind", ["drop-before", "drop-after", "500"])
def test_a_connection_lost_mid_upload_loses_and_duplicates_nothing(etsy, sync, run_dir, kind):
    listing = etsy.add_listing(images=2)
    etsy.inject("uploadListingImage", kind, skip=4)

    result = sync.push(run_dir, listing.listing_id, options=OVERWRITE_FOREIGN)

    assert listing_hashes(etsy, listing.listing_id) == file_hashes(run_dir)
    assert etsy.state.uploads_stored == 10
    sent = len(etsy.calls("uploadListingImage"))
    assert sent == (10 if kind == "drop-after" else 11)
    assert [step.listing_image_id for step in result.steps] == [
        image.listing_image_id for image in etsy.listing(listing.listing_id).images
    ]


def test_every_call_and_its_outcome_is_recorded(etsy, sync, run_dir):
    listing = etsy.add_listing()
    etsy.inject("uploadListingImage", "429", skip=1, retry_after=3)

    result = sync.push(run_dir, listing.listing_id)

    status = sync.status(listing.listing_id)
    assert [push.outcome for push in status.pushes] == ["done"]
    assert len(status.calls) == len(result.calls) == len(etsy.seen)
    limited = [call for call in status.calls if call.status == 429]
    assert len(limited) == 1
    assert limited[0].outcome == "rate-limited" and limited[0].retry_in == 3
    assert [call.status for call in status.calls if call.method == "POST"] == [201, 429] + [201] * 9


def test_progress_is_reported_after_each_rank(etsy, sync, run_dir):
    listing = etsy.add_listing()
    seen = []

    sync.push(
        run_dir,
        listing.listing_id,
        progress=lambda done, total, step: seen.append((done, total, step.rank)),
    )

    assert seen == [(rank, 10, rank) for rank in range(1, 11)]


def test_a_second_push_to_the_same_listing_waits_for_the_first(etsy, sync, config, run_dir):
    listing = etsy.add_listing()
    with (
        Manifest(config.manifest_file) as manifest,
        manifest.push_lock(listing.listing_id, "x"),
        pytest.raises(PushInProgress, match="another push"),
    ):
        sync.push(run_dir, listing.listing_id)
    assert etsy.calls("uploadListingImage") == []


def test_pushing_without_a_connection_says_how_to_connect(etsy, tmp_path, sleeps, run_dir):
    sync = EtsySync(config_for(etsy, tmp_path / "elsewhere"), quick_policy(sleeps))

    with pytest.raises(NotConnected, match="python -m etsy_sync auth"):
        sync.push(run_dir, 1)
    assert etsy.seen == []
