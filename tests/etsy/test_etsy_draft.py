"""From a run to a finished draft listing, against the fake Etsy: the draft, ten photos with
alt text, two colours with their photos, a video; once, never published, within Etsy's
daily allowance."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from etsy_sync.cli import main
from etsy_sync.draft import DraftFields
from etsy_sync.errors import PlanError, RateLimited
from etsy_sync.listing import listing_request
from etsy_sync.service import EtsySync, run_video
from tests.fake_etsy.helpers import (
    TEMPLATES,
    environment_for,
    quick_policy,
    write_run,
)
from tests.fake_etsy.state import STOCK_COLOURS

# Ten mockups, two of them the t-shirt in navy (no Etsy colour of that name) and in white
# (one of Etsy's own colours).
COLOUR_TEMPLATES = ("poster", "tshirt@navy", "mug", "tshirt@white", *TEMPLATES[4:10])
FIELDS = DraftFields(
    title="Sunset over hills print",
    price="24.50",
    taxonomy_id=2078,
    description="A warm sunset.",
    tags=("sunset", "wall art"),
    shipping_profile_id=77,
)


@pytest.fixture
def run_dir(tmp_path):
    run = write_run(tmp_path / "run", templates=COLOUR_TEMPLATES)
    run_video(run)
    return run


def draft(sync, run_dir, fields=FIELDS, **kwargs):
    kwargs.setdefault("video", run_dir / "listing-video.mp4")
    return sync.draft(sync.plan_draft(listing_request(run_dir, fields, **kwargs)))


def writes(etsy):
    return [seen.operation for seen in etsy.seen if seen.method != "GET"]


def test_a_draft_gets_ten_photos_with_alt_text_two_colours_and_a_video(etsy, sync, run_dir):
    result = draft(sync, run_dir)

    listing = etsy.listing(result.listing_id)
    assert (listing.state, listing.title, listing.fields["tags"]) == (
        "draft",
        FIELDS.title,
        ["sunset", "wall art"],
    )
    files = [hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(run_dir.glob("*.jpg"))]
    assert [image.sha256 for image in listing.images] == files
    assert listing.images[1].alt_text == f"T-shirt, flat lay in navy showing {FIELDS.title}"
    assert [p.property_values[0]["values"] for p in listing.products] == [["Navy"], ["White"]]
    assert [p.price_cents for p in listing.products] == [2450, 2450]
    colour_photos = {item["value_id"]: item["image_id"] for item in listing.variation_images}
    navy_id = etsy.state.shop_value_ids["navy"]
    assert colour_photos == {
        navy_id: listing.images[1].listing_image_id,
        STOCK_COLOURS["White"]: listing.images[3].listing_image_id,
    }
    video = (run_dir / "listing-video.mp4").read_bytes()
    assert [v.sha256 for v in listing.live_videos()] == [hashlib.sha256(video).hexdigest()]
    assert result.created and result.video is not None and result.video.action == "uploaded"
    recorded = sync.status(result.listing_id).video
    assert recorded is not None and recorded.video_id == result.video.video_id
    assert "state" not in {key for seen in etsy.seen for key in seen.form}


def test_colours_are_set_in_one_call_after_the_inventory(etsy, sync, run_dir):
    draft(sync, run_dir)

    done = writes(etsy)
    assert done.count("updateVariationImages") == 1
    assert done.index("updateListingInventory") < done.index("updateVariationImages")
    sent = etsy.calls("updateVariationImages")[0].form["variation_images"]
    assert {item["value_id"] for item in sent} >= {STOCK_COLOURS["White"]}  # #355
    assert etsy.state.shop_value_ids["white"] not in {item["value_id"] for item in sent}


def test_the_same_draft_again_changes_nothing_on_etsy(etsy, sync, run_dir):
    first = draft(sync, run_dir)
    before = len(etsy.seen)

    again = draft(sync, run_dir)

    assert again.listing_id == first.listing_id
    assert [s.operation for s in etsy.seen[before:] if s.method != "GET"] == []
    assert (etsy.state.drafts_created, etsy.state.uploads_stored, etsy.state.videos_stored) == (
        1,
        10,
        1,
    )
    assert not again.created and not again.updated
    assert again.video is not None and again.video.action == "unchanged"


def test_a_second_draft_from_the_run_updates_its_listing(etsy, sync, run_dir):
    first = draft(sync, run_dir)
    changed = DraftFields(**{**FIELDS.__dict__, "title": "Sunset over hills poster"})
    before = len(etsy.seen)

    second = draft(sync, run_dir, changed)

    assert second.listing_id == first.listing_id and second.updated
    made = [s.operation for s in etsy.seen[before:] if s.method != "GET"]
    assert "createDraftListing" not in made and made.count("updateListing") == 1
    assert etsy.listing(first.listing_id).title == "Sunset over hills poster"
    assert etsy.state.drafts_created == 1


def test_a_new_price_goes_to_the_inventory_and_the_colour_photos_follow(etsy, sync, run_dir):
    first = draft(sync, run_dir)
    dearer = DraftFields(**{**FIELDS.__dict__, "price": "30.00"})

    draft(sync, run_dir, dearer)

    listing = etsy.listing(first.listing_id)
    assert [p.price_cents for p in listing.products] == [3000, 3000]
    assert len(listing.variation_images) == 2  # set again: the inventory cleared them (#351)


def test_edited_alt_text_is_what_etsy_gets(etsy, sync, run_dir):
    result = draft(sync, run_dir, alt_texts={3: "A sage mug on an oak table"})

    assert etsy.listing(result.listing_id).images[2].alt_text == "A sage mug on an oak table"


def test_alt_text_over_500_characters_is_refused_before_any_call(etsy, sync, run_dir):
    with pytest.raises(PlanError, match="at most 500"):
        sync.plan_draft(listing_request(run_dir, FIELDS, alt_texts={1: "x" * 501}))

    assert etsy.seen == []


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--title", "x" * 141, "141 characters; Etsy takes at most 140"),
        ("--tags", ",".join(f"tag{i}" for i in range(14)), "14 tags"),
        ("--tags", "a" * 21, "at most 20"),
        ("--price", "0", "above 0"),
        ("--shipping-profile", None, "needs --shipping-profile"),
    ],
    ids=["title-over-140", "fourteen-tags", "tag-over-20", "price-0", "no-shipping-profile"],
)
def test_bad_fields_are_refused_in_one_line_before_any_call(
    etsy, config, run_dir, monkeypatch, capsys, option, value, says
):
    for name, setting in environment_for(config).items():
        monkeypatch.setenv(name, setting)
    arguments = {"--title": "Sunset", "--price": "24.50", "--taxonomy": "2078"}
    arguments |= {"--shipping-profile": "77", option: value}

    given = [part for key, value in arguments.items() if value for part in (key, value)]

    status = main(["draft", str(run_dir), *given])

    error = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(error) == 1 and says in error[0]
    assert etsy.seen == []


@pytest.mark.parametrize("again", [False, True], ids=["new-draft", "same-draft-again"])
def test_a_draft_makes_no_more_calls_than_its_plan_counts(etsy, sync, run_dir, again):
    if again:
        draft(sync, run_dir)
    plan = sync.plan_draft(listing_request(run_dir, FIELDS, video=run_dir / "listing-video.mp4"))
    before = len(etsy.seen)

    result = sync.draft(plan)

    assert result.calls_made == len(etsy.seen) - before <= plan.calls_needed


def test_a_push_that_cannot_finish_today_is_not_started(etsy, sync, run_dir):
    etsy.per_day_limit = 40

    with pytest.raises(RateLimited, match=r"needs about \d+ calls to Etsy and \d+ are left today"):
        draft(sync, run_dir)

    assert writes(etsy) == []


def test_a_429_on_the_daily_limit_stops_at_once_with_one_line(etsy, config, run_dir, sleeps):
    # A patient policy: only knowing the daily allowance is spent can stop it from waiting.
    sync = EtsySync(config, quick_policy(sleeps, max_total_wait=10**6, max_delay=10**6))

    def another_app_spends_the_allowance():
        etsy.per_day_limit = len(etsy._day)

    etsy.inject("uploadListingImage", "act-after", skip=3, action=another_app_spends_the_allowance)

    with pytest.raises(RateLimited, match="daily allowance of calls is spent"):
        draft(sync, run_dir)

    assert etsy.seen[-1].status == 429
    assert [s.status for s in etsy.seen].count(429) == 1  # not retried
    assert all(wait < 60 for wait in sleeps.waits)


def test_a_video_still_processing_is_ours_and_not_uploaded_again(etsy, sync, run_dir):
    etsy.inject("uploadListingVideo", "video-processing")
    etsy.video_processing_reads = 5

    first = draft(sync, run_dir)
    again = draft(sync, run_dir)

    assert first.video is not None and first.video.state == "inactive"
    assert again.video is not None and again.video.action == "unchanged"
    assert etsy.state.videos_stored == 1


def test_a_changed_video_replaces_ours_and_leaves_the_sellers(etsy, sync, run_dir, tmp_path):
    first = draft(sync, run_dir)
    listing = etsy.listing(first.listing_id)
    sellers = etsy.state.upload_video(listing, b"\0\0\0\x18ftypmp42seller", "seller.mp4", 0)
    run_video(run_dir, order=[2, 1, 3])

    second = draft(sync, run_dir)

    assert second.video is not None and second.video.action == "replaced"
    live = {v.video_id for v in listing.live_videos()}
    assert live == {sellers.video_id, second.video.video_id}


def test_a_listing_with_two_videos_of_the_sellers_is_refused_before_the_upload(etsy, sync, run_dir):
    first = draft(sync, run_dir, video=None)
    listing = etsy.listing(first.listing_id)
    for name in ("a.mp4", "b.mp4"):
        etsy.state.upload_video(listing, b"\0\0\0\x18ftypmp42" + name.encode(), name, 0)

    with pytest.raises(PlanError, match="already holds 2 videos"):
        draft(sync, run_dir)

    assert etsy.calls("uploadListingVideo") == []
    assert etsy.state.videos_stored == 2


def test_dry_run_json_lists_alt_texts_a_seller_can_edit_and_send_back(
    etsy, config, run_dir, monkeypatch, capsys, tmp_path
):
    for name, setting in environment_for(config).items():
        monkeypatch.setenv(name, setting)
    base = ["draft", str(run_dir), "--title", "Sunset", "--price", "9", "--taxonomy", "2078"]
    base += ["--shipping-profile", "77"]

    assert main([*base, "--dry-run", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    edited = {**plan["alt_texts"], "2": "Navy tee, flat"}
    (tmp_path / "alt.json").write_text(json.dumps(edited))
    assert main([*base, "--alt-text-file", str(tmp_path / "alt.json")]) == 0

    assert writes(etsy)[0] == "createDraftListing"
    (listing,) = etsy.state.listings.values()
    assert listing.images[1].alt_text == "Navy tee, flat"
    assert plan["variations"]["colours"][0]["value"] == "Navy"


def test_a_video_older_than_the_runs_mockups_is_refused_before_any_call(etsy, sync, run_dir):
    video = run_dir / "listing-video.mp4"
    later = video.stat().st_mtime + 60
    os.utime(run_dir / "run.json", (later, later))  # rendered again since the video was made

    with pytest.raises(PlanError, match="older than the run's mockups"):
        sync.plan_draft(listing_request(run_dir, FIELDS, video=video))

    assert etsy.seen == []


def test_a_draft_whose_seller_added_other_variations_is_not_overwritten(etsy, sync, run_dir):
    first = draft(sync, run_dir)
    listing = etsy.listing(first.listing_id)
    sizes = {"property_id": 100, "value_ids": [], "values": ["A3"], "property_name": "Size"}
    etsy.state.set_inventory(
        listing,
        {"products": [{"property_values": [sizes], "offerings": [{"price": 9.0, "quantity": 1}]}]},
    )
    before = len(etsy.seen)

    with pytest.raises(PlanError, match="variations Mockup Lab did not make"):
        draft(sync, run_dir, DraftFields(**{**FIELDS.__dict__, "price": "30.00"}))

    assert [s.operation for s in etsy.seen[before:] if s.method != "GET"] == []
