"""The client over etsy-python: headers Etsy requires, tokens kept fresh, retries, rate limits."""

from __future__ import annotations

import os
import socket
import stat

import pytest

from etsy_sync.client import EtsyApi
from etsy_sync.errors import EtsyApiError, RateLimited, ReconnectNeeded
from etsy_sync.tokens import TokenStore
from etsy_sync.transport import RetryPolicy
from tests.fake_etsy import KEYSTRING, SHARED_SECRET, FakeEtsy
from tests.fake_etsy.helpers import config_for, connect, quick_policy
from tests.fake_etsy.state import EtsyRefusal


@pytest.fixture
def config(etsy, tmp_path):
    return config_for(etsy, tmp_path)


def api_for(config, sleeps, **policy):
    return EtsyApi(config, quick_policy(sleeps, **policy))


def test_every_call_carries_keystring_and_shared_secret_in_x_api_key(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing()

    api_for(config, sleeps).listing_images(listing.listing_id)

    assert etsy.seen
    assert {seen.headers["x-api-key"] for seen in etsy.seen} == {f"{KEYSTRING}:{SHARED_SECRET}"}


def test_a_token_about_to_expire_is_refreshed_first_and_the_rotated_one_saved(etsy, config, sleeps):
    old = connect(etsy, config, expires_in=60)

    shop = api_for(config, sleeps).shop()

    assert [seen.operation for seen in etsy.seen] == ["token", "getMe"]
    assert etsy.seen[0].form == {"grant_type": "refresh_token", "client_id": KEYSTRING}
    saved = TokenStore(config.token_file).load()
    assert saved.refresh_token != old.refresh_token
    assert saved.access_token != old.access_token
    assert saved.expires_at > old.expires_at + 3000
    assert stat.S_IMODE(os.stat(config.token_file).st_mode) == 0o600
    with pytest.raises(EtsyRefusal, match="invalid_grant"):
        etsy.state.refresh({"client_id": KEYSTRING, "refresh_token": old.refresh_token})
    assert shop.shop_id == etsy.state.shop_id


def test_a_401_refreshes_once_and_repeats_the_call(etsy, config, sleeps):
    old = connect(etsy, config)
    etsy.add_listing()
    etsy.state.expire_access_tokens()

    listings = api_for(config, sleeps).listings("draft")

    assert len(listings) == 1
    assert [(seen.operation, seen.status) for seen in etsy.seen] == [
        ("getMe", 401),
        ("token", 200),
        ("getMe", 200),
        ("getListingsByShop", 200),
    ]
    assert TokenStore(config.token_file).load().refresh_token != old.refresh_token


def test_a_revoked_connection_asks_to_reconnect_without_showing_secrets(etsy, config, sleeps):
    tokens = connect(etsy, config)
    etsy.state.revoke_all()

    with pytest.raises(ReconnectNeeded, match="reconnect") as raised:
        api_for(config, sleeps).shop()

    message = str(raised.value)
    for secret in (SHARED_SECRET, tokens.access_token, tokens.refresh_token):
        assert secret not in message
    assert "invalid_grant" in message


def test_429_waits_at_least_what_retry_after_asks(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing()
    etsy.inject("getListingImages", "429", times=2, retry_after=9)

    api_for(config, sleeps).listing_images(listing.listing_id)

    assert sleeps.waits == [9, 9]
    assert [seen.status for seen in etsy.seen] == [429, 429, 200]


def test_a_rate_limit_longer_than_the_wait_budget_fails_at_once_and_clearly(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing()
    etsy.inject("getListingImages", "429", retry_after=300)

    with pytest.raises(RateLimited, match="rate limiting"):
        api_for(config, sleeps, max_total_wait=60).listing_images(listing.listing_id)

    assert sleeps.waits == []


def test_server_errors_are_retried_with_exponential_backoff(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing()
    etsy.inject("getListingImages", "500", times=4)

    api_for(config, sleeps).listing_images(listing.listing_id)

    assert sleeps.waits == [0.5, 1.0, 2.0, 4.0]


def test_retries_stop_after_the_allowed_attempts(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing()
    etsy.inject("getListingImages", "500", times=10)

    with pytest.raises(EtsyApiError, match="500"):
        api_for(config, sleeps, max_attempts=3).listing_images(listing.listing_id)

    assert len(etsy.calls("getListingImages")) == 3


def test_backoff_is_jittered_between_half_and_all_of_the_exponential_step():
    policy = RetryPolicy(base_delay=1.0, max_delay=30.0)
    waits = [policy.backoff(4) for _ in range(50)]
    assert all(4.0 <= wait <= 8.0 for wait in waits)
    assert len(set(waits)) > 1
    assert all(15.0 <= policy.backoff(9) <= 30.0 for _ in range(10))


def test_a_slow_answer_times_out_and_the_read_is_repeated(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing()
    etsy.inject("getListingImages", "slow", delay=2.0)
    outcomes = []
    api = api_for(config, sleeps, read_timeout=0.5)
    api.transport.on_call = lambda call: outcomes.append(call.outcome)

    api.listing_images(listing.listing_id)

    assert outcomes == ["timeout", "ok"]


def test_a_dropped_connection_on_a_read_is_repeated(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing()
    etsy.inject("getListingImages", "drop-before")

    api_for(config, sleeps).listing_images(listing.listing_id)

    assert [seen.status for seen in etsy.calls("getListingImages")] == [None, 200]


def test_an_upload_with_an_unknown_outcome_is_not_blindly_sent_again(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing()
    etsy.inject("uploadListingImage", "drop-after")
    api = api_for(config, sleeps)

    with pytest.raises(EtsyApiError, match="could not reach Etsy") as raised:
        api.upload_image(listing.listing_id, _jpeg(), "a.jpg", 1, False, "A mug")

    assert raised.value.status is None
    assert len(etsy.calls("uploadListingImage")) == 1


def test_an_unreachable_etsy_is_retried_then_reported(tmp_path, sleeps):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with FakeEtsy.running() as etsy:
        config = config_for(etsy, tmp_path)
        connect(etsy, config)
    config = type(config)(**{**config.__dict__, "api_base": f"http://127.0.0.1:{port}"})

    with pytest.raises(EtsyApiError, match="could not reach Etsy"):
        api_for(config, sleeps, max_attempts=3).shop()

    assert sleeps.waits == [0.5, 1.0]


def test_calls_slow_down_before_the_per_second_allowance_runs_out(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing()
    etsy.per_second_limit = 3
    etsy.clock.freeze()
    api = api_for(config, sleeps)

    for _ in range(7):
        api.listing_images(listing.listing_id)

    assert 429 not in {seen.status for seen in etsy.seen}
    assert len(sleeps.waits) == 3
    assert all(0.5 < wait <= 1.0 for wait in sleeps.waits)


def test_calls_stop_before_the_daily_allowance_runs_out(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing()
    etsy.per_day_limit = 22
    api = api_for(config, sleeps)
    api.listing_images(listing.listing_id)
    api.listing_images(listing.listing_id)

    with pytest.raises(RateLimited, match="daily"):
        api.listing_images(listing.listing_id)

    assert len(etsy.seen) == 2


def test_uploads_send_lowercase_booleans_and_a_named_jpeg_part(etsy, config, sleeps):
    connect(etsy, config)
    listing = etsy.add_listing(images=1)

    image = api_for(config, sleeps).upload_image(
        listing.listing_id, _jpeg(), "01-poster.jpg", 1, True, "A poster"
    )

    upload = etsy.calls("uploadListingImage")[0]
    assert upload.status == 201
    assert upload.form["overwrite"] is True and upload.form["is_watermarked"] is False
    assert etsy.listing(listing.listing_id).images[0].filename == "01-poster.jpg"
    assert image.rank == 1 and image.alt_text == "A poster"


def test_the_image_order_is_sent_as_one_comma_delimited_form_value(etsy, config, sleeps):
    # Etsy's staff: image_ids is one comma-delimited string (etsy/open-api #330).
    connect(etsy, config)
    listing = etsy.add_listing(images=3)
    ids = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]

    api_for(config, sleeps).set_image_order(listing.listing_id, ids[::-1])

    assert [i.listing_image_id for i in etsy.listing(listing.listing_id).images] == ids[::-1]
    (call,) = etsy.calls("updateListing")
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert call.sent == [("image_ids", ",".join(str(i) for i in ids[::-1]))]


def test_a_deleted_image_leaves_the_listing_and_one_already_gone_counts_as_deleted(
    etsy, config, sleeps
):
    connect(etsy, config)
    listing = etsy.add_listing(images=3)
    ids = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]
    api = api_for(config, sleeps)

    api.delete_image(listing.listing_id, ids[1])
    api.delete_image(listing.listing_id, ids[1])

    assert [i.listing_image_id for i in etsy.listing(listing.listing_id).images] == [
        ids[0],
        ids[2],
    ]
    assert [call.status for call in etsy.calls("deleteListingImage")] == [204, 404]


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()
