"""The fake Etsy is as strict as the spec and Etsy: what etsy-python 1.2.3 sends on its own
is refused, which is why our wrapper covers it (and why the other tests mean something)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import requests
from etsy_python.v3.exceptions.RequestException import RequestException
from etsy_python.v3.models.Listing import UpdateListingRequest, UploadListingImageRequest
from etsy_python.v3.resources.Listing import ListingResource
from etsy_python.v3.resources.ListingImage import ListingImageResource
from etsy_python.v3.resources.Session import EtsyClient
from PIL import Image

from etsy_sync.etsy_python_gaps import point_at
from tests.fake_etsy import KEYSTRING, SHARED_SECRET, FakeEtsy
from tests.fake_etsy.helpers import config_for


@pytest.fixture
def etsy():
    with FakeEtsy.running() as fake:
        yield fake


@pytest.fixture
def bare_client(etsy, tmp_path):
    """etsy-python as shipped, only aimed at the fake."""
    point_at(config_for(etsy, tmp_path))
    tokens = etsy.grant_tokens()
    expiry = datetime.now(UTC) + timedelta(hours=1)
    return EtsyClient(KEYSTRING, tokens["access_token"], tokens["refresh_token"], expiry)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def test_the_bare_keystring_in_x_api_key_is_refused(etsy, bare_client):
    listing = etsy.add_listing()

    with pytest.raises(RequestException) as raised:
        ListingImageResource(bare_client).get_listing_images(listing.listing_id)

    assert raised.value.code == 403
    assert "Shared secret is required" in raised.value.error
    assert etsy.violations == []


def test_an_upload_with_python_booleans_and_a_nameless_part_breaks_the_spec(etsy, bare_client):
    bare_client.session.headers["x-api-key"] = f"{KEYSTRING}:{SHARED_SECRET}"
    listing = etsy.add_listing()
    request = UploadListingImageRequest(jpeg(), rank=1, overwrite=True, alt_text="A mug")

    with pytest.raises(RequestException) as raised:
        ListingImageResource(bare_client).upload_listing_image(
            etsy.state.shop_id, listing.listing_id, request
        )

    assert raised.value.code == 400
    assert any("'True' is not of type 'boolean'" in v for v in etsy.violations)
    assert etsy.listing(listing.listing_id).images == []


def test_an_image_part_sent_as_plain_bytes_has_no_image_type_and_is_refused(etsy, bare_client):
    bare_client.session.headers["x-api-key"] = f"{KEYSTRING}:{SHARED_SECRET}"
    listing = etsy.add_listing()
    request = UploadListingImageRequest(jpeg(), rank=1, alt_text="A mug")
    request.data = {"rank": "1", "alt_text": "A mug", "overwrite": "false"}

    with pytest.raises(RequestException, match="image type"):
        ListingImageResource(bare_client).upload_listing_image(
            etsy.state.shop_id, listing.listing_id, request
        )
    assert etsy.violations == []


def test_update_listing_as_json_is_not_what_the_spec_accepts(etsy, bare_client):
    bare_client.session.headers["x-api-key"] = f"{KEYSTRING}:{SHARED_SECRET}"
    listing = etsy.add_listing(images=2)
    ids = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]

    with pytest.raises(RequestException):
        ListingResource(bare_client).update_listing(
            etsy.state.shop_id, listing.listing_id, UpdateListingRequest(image_ids=ids[::-1])
        )

    assert any("application/json" in v for v in etsy.violations)


def test_paths_and_parameters_outside_the_spec_are_violations(etsy):
    key = {"x-api-key": f"{KEYSTRING}:{SHARED_SECRET}"}
    base = etsy.api_base + "/v3/application"

    requests.get(f"{base}/shops/not-a-number/listings", headers=key, timeout=5)
    requests.get(f"{base}/shops/1/listings?state=sideways", headers=key, timeout=5)
    requests.get(f"{base}/no/such/path", headers=key, timeout=5)

    assert len(etsy.violations) >= 3
    assert any("shop_id" in v for v in etsy.violations)
    assert any("state" in v for v in etsy.violations)
    assert any("not in the spec" in v for v in etsy.violations)


def test_a_listing_holds_at_most_the_specs_twenty_images(etsy, tmp_path):
    listing = etsy.add_listing(images=20)
    with pytest.raises(Exception, match="only allowed 20 images"):
        etsy.state.upload(listing, jpeg(), "x.jpg", rank=21, overwrite=False, alt_text="")
    image, rank = etsy.state.upload(listing, jpeg(), "x.jpg", rank=4, overwrite=True, alt_text="")
    assert rank == 4 and etsy.listing(listing.listing_id).images[3] == image
    assert len(etsy.listing(listing.listing_id).images) == 20


def patch_image_ids(etsy, listing_id, body: str) -> requests.Response:
    token = etsy.grant_tokens()["access_token"]
    return requests.patch(
        f"{etsy.api_base}/v3/application/shops/{etsy.state.shop_id}/listings/{listing_id}",
        data=body,
        headers={
            "x-api-key": f"{KEYSTRING}:{SHARED_SECRET}",
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        timeout=5,
    )


def test_image_ids_as_one_comma_value_or_a_json_array_set_the_order(etsy):
    # Etsy's staff: one comma-delimited string (etsy/open-api #330).
    listing = etsy.add_listing(images=3)
    a, b, c = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]

    comma = patch_image_ids(etsy, listing.listing_id, f"image_ids={c}%2C{a}%2C{b}")
    after_comma = [i.listing_image_id for i in etsy.listing(listing.listing_id).images]
    array = patch_image_ids(etsy, listing.listing_id, f"image_ids=%5B{b}%2C{c}%2C{a}%5D")
    after_array = [i.listing_image_id for i in etsy.listing(listing.listing_id).images]

    assert (comma.status_code, after_comma) == (200, [c, a, b])
    assert (array.status_code, after_array) == (200, [b, c, a])
    assert etsy.violations == []


def test_repeated_image_ids_keys_keep_the_last_and_the_list_replaces_the_images(etsy):
    # A repeated key is not a list to Etsy (#330); the list replaces the images (#228).
    listing = etsy.add_listing(images=3)
    a, b, c = [image.listing_image_id for image in etsy.listing(listing.listing_id).images]

    answer = patch_image_ids(etsy, listing.listing_id, f"image_ids={a}&image_ids={b}")

    assert answer.status_code == 200
    assert [i.listing_image_id for i in etsy.listing(listing.listing_id).images] == [b]
    assert sorted(etsy.state.left_out_by_image_ids) == sorted([a, c])


def test_image_ids_that_are_not_numbers_break_the_spec(etsy):
    listing = etsy.add_listing(images=2)

    answer = patch_image_ids(etsy, listing.listing_id, "image_ids=one%2Ctwo")

    assert answer.status_code == 400
    assert any("image_ids" in v or "integer" in v for v in etsy.violations)
    etsy.violations.clear()


def test_an_upload_that_lands_first_ignores_overwrite_and_a_full_listing_refuses_it(etsy):
    # etsy/open-api #558: "always appear at rank 1", then "only allowed 10 images" once full.
    listing = etsy.add_listing(images=19)
    first = etsy.listing(listing.listing_id).images[0]
    image, rank = etsy.state.upload(
        listing, jpeg(), "x.jpg", rank=5, overwrite=True, alt_text="", lands_first=True
    )
    assert rank == 1 and etsy.listing(listing.listing_id).images[:2] == [image, first]
    assert len(etsy.listing(listing.listing_id).images) == 20
    with pytest.raises(Exception, match="only allowed 20 images"):
        etsy.state.upload(
            listing, jpeg(), "y.jpg", rank=5, overwrite=True, alt_text="", lands_first=True
        )
