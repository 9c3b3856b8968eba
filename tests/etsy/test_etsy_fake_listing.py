"""The fake Etsy's drafts, inventory, colour photos and videos: as strict as the spec, and
doing what Etsy is reported to do (each test names its source)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from etsy_python.v3.exceptions.RequestException import RequestException
from etsy_python.v3.models.Listing import CreateDraftListingRequest
from etsy_python.v3.resources.Listing import ListingResource
from etsy_python.v3.resources.Session import EtsyClient

from etsy_sync.client import EtsyApi
from etsy_sync.errors import EtsyApiError, RateLimited
from etsy_sync.etsy_python_gaps import point_at
from tests.fake_etsy import KEYSTRING, SHARED_SECRET, FakeEtsy
from tests.fake_etsy.helpers import RecordedSleeps, config_for, connect, quick_policy
from tests.fake_etsy.state import STOCK_COLOURS

MP4 = b"\0\0\0\x18ftypmp42" + bytes(64)


@pytest.fixture
def etsy():
    with FakeEtsy.running() as fake:
        yield fake


@pytest.fixture
def api(etsy, tmp_path):
    config = config_for(etsy, tmp_path)
    connect(etsy, config)
    return EtsyApi(config, quick_policy(RecordedSleeps(etsy)))


@pytest.fixture
def bare_client(etsy, tmp_path):
    """etsy-python as shipped, only aimed at the fake (and given the whole API key)."""
    point_at(config_for(etsy, tmp_path))
    tokens = etsy.grant_tokens()
    expiry = datetime.now(UTC) + timedelta(hours=1)
    client = EtsyClient(KEYSTRING, tokens["access_token"], tokens["refresh_token"], expiry)
    client.session.headers["x-api-key"] = f"{KEYSTRING}:{SHARED_SECRET}"
    return client


def colour_listing(etsy, api, colours=("Navy", "White")):
    """A listing with a photo and a product per colour, as the sync leaves one."""
    listing = etsy.add_listing(images=len(colours))
    api.update_inventory(listing.listing_id, inventory(colours))
    return listing


def inventory(colours):
    products = [
        {
            "sku": "",
            "property_values": [{"property_id": 200, "value_ids": [], "values": [colour]}],
            "offerings": [
                {"price": 10.0, "quantity": 1, "is_enabled": True, "readiness_state_id": None}
            ],
        }
        for colour in colours
    ]
    return {"products": products}


def test_a_draft_sent_as_json_as_etsy_python_does_breaks_the_spec(etsy, bare_client):
    request = CreateDraftListingRequest(
        quantity=1, title="Print", description="d", price=5.0, who_made="i_did",
        when_made="made_to_order", taxonomy_id=1, shipping_profile_id=7,
    )  # fmt: skip

    with pytest.raises(RequestException) as raised:
        ListingResource(bare_client).create_draft_listing(etsy.state.shop_id, request)

    assert raised.value.code == 400
    assert any("createDraftListing" in v or "/listings" in v for v in etsy.violations)
    assert etsy.state.drafts_created == 0


def test_a_draft_takes_tags_as_one_comma_separated_value(etsy, api):
    fields = {"title": "Sunset print", "description": "d", "price": "12.50", "quantity": 2}
    fields |= {"who_made": "i_did", "when_made": "made_to_order", "taxonomy_id": 2078}
    fields |= {"shipping_profile_id": 7, "tags": ["sunset", "wall art"]}

    created = api.create_draft(fields)

    listing = etsy.listing(created.listing_id)
    assert (listing.state, listing.fields["tags"]) == ("draft", ["sunset", "wall art"])
    assert dict(etsy.calls("createDraftListing")[0].sent)["tags"] == "sunset,wall art"
    assert [(p.price_cents, p.quantity) for p in listing.products] == [(1250, 2)]
    assert etsy.violations == []


def test_a_physical_draft_without_a_shipping_profile_is_refused(etsy, api):
    fields = {"title": "Print", "description": "d", "price": "5", "quantity": 1}
    fields |= {"who_made": "i_did", "when_made": "made_to_order", "taxonomy_id": 1}

    with pytest.raises(EtsyApiError, match="shipping_profile_id"):  # the spec's text
        api.create_draft(fields)


def test_variation_images_overwrite_all_of_them(etsy, api):  # the spec's text
    listing = colour_listing(etsy, api)
    navy = etsy.state.shop_value_ids["navy"]
    first, second = (image.listing_image_id for image in listing.images)
    api.set_variation_images(
        listing.listing_id,
        [
            {"property_id": 200, "value_id": navy, "image_id": first},
            {"property_id": 200, "value_id": STOCK_COLOURS["White"], "image_id": second},
        ],
    )

    api.set_variation_images(
        listing.listing_id, [{"property_id": 200, "value_id": navy, "image_id": second}]
    )

    assert listing.variation_images == [{"property_id": 200, "value_id": navy, "image_id": second}]
    assert etsy.violations == []


def test_a_stock_colour_takes_etsys_own_value_id_not_the_inventorys(etsy, api):  # #355
    listing = colour_listing(etsy, api)
    image = listing.images[0].listing_image_id
    seller_white = etsy.state.shop_value_ids["white"]

    with pytest.raises(EtsyApiError, match=f"value_id {seller_white} is invalid"):
        api.set_variation_images(
            listing.listing_id, [{"property_id": 200, "value_id": seller_white, "image_id": image}]
        )


def test_variation_images_take_one_property_and_only_their_three_fields(etsy, api):
    listing = colour_listing(etsy, api)
    image = listing.images[0].listing_image_id
    navy = etsy.state.shop_value_ids["navy"]

    with pytest.raises(EtsyApiError, match="multiple property_ids"):  # #452
        api.set_variation_images(
            listing.listing_id,
            [
                {"property_id": 200, "value_id": navy, "image_id": image},
                {"property_id": 513, "value_id": navy, "image_id": image},
            ],
        )
    with pytest.raises(EtsyApiError, match="Missing input parameter"):  # #436
        api.set_variation_images(
            listing.listing_id,
            [{"property_id": 200, "value_id": navy, "image_id": image, "value": "Navy"}],
        )


def test_setting_the_inventory_clears_the_variation_images(etsy, api):  # #351
    listing = colour_listing(etsy, api)
    navy = etsy.state.shop_value_ids["navy"]
    image = listing.images[0].listing_image_id
    api.set_variation_images(
        listing.listing_id, [{"property_id": 200, "value_id": navy, "image_id": image}]
    )

    api.update_inventory(listing.listing_id, inventory(("Navy", "White")))

    assert api.variation_images(listing.listing_id) == []


def test_more_than_70_values_of_a_property_are_refused(etsy, api):  # #567
    with pytest.raises(EtsyApiError, match="cannot be more than 70 items"):
        colour_listing(etsy, api, colours=tuple(f"Colour {n}" for n in range(71)))


def test_a_third_video_is_refused_with_409(etsy, api):  # discussion #1760
    listing = etsy.add_listing()
    api.upload_video(listing.listing_id, MP4, "a.mp4")
    api.upload_video(listing.listing_id, MP4 + b"b", "b.mp4")

    with pytest.raises(EtsyApiError) as raised:
        api.upload_video(listing.listing_id, MP4 + b"c", "c.mp4")

    assert raised.value.status == 409
    assert len(api.listing_videos(listing.listing_id)) == 2
    assert etsy.violations == []


def test_a_video_still_processing_reads_inactive_then_active(etsy, api):
    listing = etsy.add_listing()
    etsy.video_processing_reads = 2
    etsy.inject("uploadListingVideo", "video-processing")

    uploaded = api.upload_video(listing.listing_id, MP4, "a.mp4")

    states = [api.listing_videos(listing.listing_id)[0].state for _ in range(3)]
    assert (uploaded.state, states) == ("inactive", ["inactive", "inactive", "active"])


def test_the_daily_allowance_is_a_sliding_24_hours(etsy, tmp_path):
    config = config_for(etsy, tmp_path)
    connect(etsy, config)
    policy = quick_policy(RecordedSleeps(etsy), daily_reserve=0)
    listing = etsy.add_listing()
    etsy.per_day_limit = 3
    etsy.clock.freeze()
    for _ in range(3):
        etsy.clock.advance(3600)
        EtsyApi(config, policy).listing_videos(listing.listing_id)

    with pytest.raises(RateLimited, match="daily allowance"):
        EtsyApi(config, policy).listing_videos(listing.listing_id)
    etsy.clock.advance(22 * 3600 + 1)  # the first call of the three is 24 h old
    EtsyApi(config, policy).listing_videos(listing.listing_id)

    assert [seen.status for seen in etsy.seen] == [200, 200, 200, 429, 200]
