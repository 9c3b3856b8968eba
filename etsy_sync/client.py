"""Etsy's API as this project uses it, on top of etsy-python: a few calls, dataclasses back.

Before each call the access token is refreshed if it expires within five minutes; a 401 gets
one refresh and one more try. Every refresh is saved at once, because Etsy rotates the
refresh token each time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from etsy_python.v3.enums.Listing import State
from etsy_python.v3.exceptions.RequestException import RequestException
from etsy_python.v3.models.Listing import (
    UpdateListingInventoryRequest,
    UpdateVariationImagesRequest,
)
from etsy_python.v3.resources.Listing import ListingResource
from etsy_python.v3.resources.ListingImage import ListingImageResource
from etsy_python.v3.resources.ListingInventory import ListingInventoryResource
from etsy_python.v3.resources.ListingVariationImages import ListingVariationImagesResource
from etsy_python.v3.resources.ListingVideo import ListingVideoResource
from etsy_python.v3.resources.Response import Response
from etsy_python.v3.resources.Session import EtsyClient
from etsy_python.v3.resources.Taxonomy import SellerTaxonomyResource
from etsy_python.v3.resources.User import UserResource

from etsy_sync.config import EtsyConfig
from etsy_sync.errors import EtsyApiError, NotConnected, RateLimited, ReconnectNeeded
from etsy_sync.etsy_python_gaps import (
    authenticate,
    form_patch,
    form_post,
    point_at,
    upload_request,
    video_upload_request,
)
from etsy_sync.tokens import Tokens, TokenStore
from etsy_sync.transport import CallRecorder, EtsyTransport, RetryPolicy

REFRESH_MARGIN_SECONDS = 300
LISTINGS_PAGE = 100
LISTING_STATES = ("draft", "active", "inactive")
CONNECT_HOW = "`python -m etsy_sync auth` or Connect on the dashboard"


@dataclass(frozen=True)
class Shop:
    user_id: int
    shop_id: int


@dataclass(frozen=True)
class Listing:
    listing_id: int
    title: str
    state: str
    url: str


@dataclass(frozen=True)
class EtsyImage:
    listing_image_id: int
    rank: int
    alt_text: str
    width: int | None
    height: int | None
    url_75x75: str
    url_570xN: str
    url_fullxfull: str

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> EtsyImage:
        return cls(
            listing_image_id=int(data["listing_image_id"]),
            rank=int(data.get("rank") or 0),
            alt_text=data.get("alt_text") or "",
            width=data.get("full_width"),
            height=data.get("full_height"),
            url_75x75=data.get("url_75x75", ""),
            url_570xN=data.get("url_570xN", ""),
            url_fullxfull=data.get("url_fullxfull", ""),
        )


@dataclass(frozen=True)
class EtsyVideo:
    video_id: int
    state: str
    """Etsy's `video_state`: active, inactive (also while Etsy still processes it), deleted
    or flagged."""

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> EtsyVideo:
        return cls(video_id=int(data["video_id"]), state=data.get("video_state") or "active")


class EtsyApi:
    def __init__(
        self,
        config: EtsyConfig,
        policy: RetryPolicy | None = None,
        on_call: CallRecorder | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.policy = policy or RetryPolicy()
        self.transport = EtsyTransport(self.policy, on_call)
        self.store = TokenStore(config.token_file)
        self.clock = clock
        self._client: EtsyClient | None = None
        self._shop: Shop | None = None

    def shop(self) -> Shop:
        if self._shop is None:
            me = self._call("read your Etsy account", lambda c: UserResource(c).get_me())
            if not me.get("shop_id"):
                raise EtsyApiError("this Etsy account has no shop")
            self._shop = Shop(user_id=int(me["user_id"]), shop_id=int(me["shop_id"]))
        return self._shop

    def listings(self, state: str) -> list[Listing]:
        shop_id = self.shop().shop_id
        found: list[Listing] = []
        while True:
            offset = len(found)
            page = self._call(
                f"list the shop's {state} listings", _listings_page(shop_id, state, offset)
            )
            results = page.get("results") or []
            found += [_listing(item) for item in results]
            if not results or len(found) >= int(page.get("count") or 0):
                return found

    def listing(self, listing_id: int) -> Listing:
        """getListing: the listing as Etsy shows it now (its state, its page's address)."""
        return _listing(
            self._call(
                f"read listing {listing_id}", lambda c: ListingResource(c).get_listing(listing_id)
            )
        )

    def listing_images(self, listing_id: int) -> list[EtsyImage]:
        page = self._call(
            f"read the images of listing {listing_id}",
            lambda c: ListingImageResource(c).get_listing_images(listing_id),
        )
        images = [EtsyImage.from_api(item) for item in page.get("results") or []]
        return sorted(images, key=lambda image: image.rank)

    def upload_image(
        self,
        listing_id: int,
        image: bytes,
        filename: str,
        rank: int,
        overwrite: bool,
        alt_text: str,
        content_type: str = "image/jpeg",
    ) -> EtsyImage:
        shop_id = self.shop().shop_id
        request = upload_request(image, filename, rank, overwrite, alt_text, content_type)
        created = self._call(
            f"upload {filename} to listing {listing_id}",
            lambda c: ListingImageResource(c).upload_listing_image(shop_id, listing_id, request),
        )
        return EtsyImage.from_api(created)

    def set_image_order(self, listing_id: int, image_ids: list[int]) -> None:
        """Set the listing's images to `image_ids`, in this order.

        Etsy replaces the listing's images with the list (etsy/open-api #228): an image left
        out leaves the listing. Callers pass every image that must stay.
        """
        shop_id = self.shop().shop_id
        path = f"/shops/{shop_id}/listings/{listing_id}"
        self._call(
            f"reorder the images of listing {listing_id}",
            lambda c: form_patch(c, path, {"image_ids": image_ids}),
        )

    def delete_image(self, listing_id: int, listing_image_id: int) -> None:
        """Remove an image from the listing; one already gone counts as removed."""
        shop_id = self.shop().shop_id
        self._delete(
            f"remove image {listing_image_id} from listing {listing_id}",
            lambda c: ListingImageResource(c).delete_listing_image(
                shop_id, listing_id, listing_image_id
            ),
        )

    def create_draft(self, fields: dict[str, Any]) -> Listing:
        """createDraftListing, as a form (the spec's only body for it)."""
        path = f"/shops/{self.shop().shop_id}/listings"
        created = self._call("create the draft listing", lambda c: form_post(c, path, fields))
        return _listing(created)

    def update_listing(self, listing_id: int, fields: dict[str, Any]) -> None:
        """updateListing with `fields` (never `state`: a draft stays a draft)."""
        path = f"/shops/{self.shop().shop_id}/listings/{listing_id}"
        self._call(f"update listing {listing_id}", lambda c: form_patch(c, path, fields))

    def listing_inventory(self, listing_id: int) -> dict[str, Any]:
        return self._call(
            f"read the inventory of listing {listing_id}",
            lambda c: ListingInventoryResource(c).get_listing_inventory(listing_id),
        )

    def update_inventory(self, listing_id: int, body: dict[str, Any]) -> dict[str, Any]:
        request = UpdateListingInventoryRequest(
            products=body["products"],
            price_on_property=body.get("price_on_property", []),
            quantity_on_property=body.get("quantity_on_property", []),
            sku_on_property=body.get("sku_on_property", []),
        )
        return self._call(
            f"set the inventory of listing {listing_id}",
            lambda c: ListingInventoryResource(c).update_listing_inventory(listing_id, request),
        )

    def taxonomy_properties(self, taxonomy_id: int) -> list[dict[str, Any]]:
        page = self._call(
            f"read the properties of taxonomy {taxonomy_id}",
            lambda c: SellerTaxonomyResource(c).get_properties_by_taxonomy_id(taxonomy_id),
        )
        return list(page.get("results") or [])

    def variation_images(self, listing_id: int) -> list[dict[str, Any]]:
        shop_id = self.shop().shop_id
        page = self._call(
            f"read the variation images of listing {listing_id}",
            lambda c: ListingVariationImagesResource(c).get_listing_variation_images(
                shop_id, listing_id
            ),
        )
        return list(page.get("results") or [])

    def set_variation_images(self, listing_id: int, items: list[dict[str, int]]) -> None:
        """updateVariationImages: the list replaces every variation image of the listing."""
        shop_id = self.shop().shop_id
        request = UpdateVariationImagesRequest(variation_images=items)
        self._call(
            f"set the colour photos of listing {listing_id}",
            lambda c: ListingVariationImagesResource(c).update_variation_images(
                shop_id, listing_id, request
            ),
        )

    def listing_videos(self, listing_id: int) -> list[EtsyVideo]:
        page = self._call(
            f"read the videos of listing {listing_id}",
            lambda c: ListingVideoResource(c).get_listing_videos(listing_id),
        )
        return [EtsyVideo.from_api(item) for item in page.get("results") or []]

    def upload_video(self, listing_id: int, video: bytes, name: str) -> EtsyVideo:
        shop_id = self.shop().shop_id
        request = video_upload_request(video, name)
        created = self._call(
            f"upload the video {name} to listing {listing_id}",
            lambda c: ListingVideoResource(c).upload_listing_video(shop_id, listing_id, request),
        )
        return EtsyVideo.from_api(created)

    def delete_video(self, listing_id: int, video_id: int) -> None:
        """Remove a video from the listing; one already gone counts as removed."""
        shop_id = self.shop().shop_id
        self._delete(
            f"remove video {video_id} from listing {listing_id}",
            lambda c: ListingVideoResource(c).delete_listing_video(shop_id, listing_id, video_id),
        )

    @property
    def remaining_today(self) -> int | None:
        """Calls Etsy still allows today, as its last answer said (None before any call)."""
        return self.transport.remaining_today

    def _delete(self, operation: str, send: Callable[[EtsyClient], Response]) -> None:
        """A deletion; what is already gone (404) counts as deleted."""
        try:
            self._call(operation, send)
        except EtsyApiError as error:
            if error.status != 404:
                raise

    def _call(self, operation: str, send: Callable[[EtsyClient], Response]) -> Any:
        point_at(self.config)
        client = self._etsy_client()
        if self._current_tokens(client).expires_within(REFRESH_MARGIN_SECONDS, self.clock()):
            self._refresh(client)
        try:
            return self._send(operation, send, client)
        except _Unauthorized:
            self._refresh(client)
        try:
            return self._send(operation, send, client)
        except _Unauthorized:
            raise ReconnectNeeded(
                f"Etsy refused the saved connection; reconnect with {CONNECT_HOW}"
            ) from None

    def _send(
        self, operation: str, send: Callable[[EtsyClient], Response], client: EtsyClient
    ) -> Any:
        try:
            return send(client).message
        except RequestException as error:
            if error.code == 401:
                raise _Unauthorized() from None
            raise _api_error(operation, error) from None
        except requests.RequestException as error:
            raise EtsyApiError(
                f"{operation}: could not reach Etsy ({type(error).__name__}) after retries"
            ) from None

    def _etsy_client(self) -> EtsyClient:
        if self._client is None:
            tokens = self.store.load()
            if tokens is None:
                raise NotConnected(f"not connected to Etsy: connect with {CONNECT_HOW}")
            client = EtsyClient(
                self.config.keystring,
                tokens.access_token,
                tokens.refresh_token,
                datetime.fromtimestamp(tokens.expires_at, UTC),
                sync_refresh=self._save_refreshed,
            )
            authenticate(client, self.config, self.transport)
            self._client = client
        return self._client

    def _refresh(self, client: EtsyClient) -> None:
        """Refresh once, unless another process just did: then use what it saved."""
        with self.store.locked():
            saved = self.store.load()
            if saved is None:
                raise NotConnected(
                    f"the saved Etsy connection is gone; reconnect with {CONNECT_HOW}"
                )
            fresh = not saved.expires_within(REFRESH_MARGIN_SECONDS, self.clock())
            if saved.access_token != client.access_token and fresh:
                _use_tokens(client, saved)
                return
            client.refresh_token = saved.refresh_token
            try:
                client.update_token()
            except RequestException as error:
                if error.error == "invalid_grant" or error.code in (400, 401):
                    raise ReconnectNeeded(
                        f"Etsy no longer accepts the saved connection ({error.error}); "
                        f"reconnect with {CONNECT_HOW}"
                    ) from None
                raise _api_error("refresh the Etsy connection", error) from None
            except requests.RequestException as error:
                raise EtsyApiError(
                    f"refresh the Etsy connection: could not reach Etsy ({type(error).__name__})"
                ) from None

    def _save_refreshed(self, access_token: str, refresh_token: str, expiry: datetime) -> None:
        self.store.save(Tokens(access_token, refresh_token, expiry.timestamp()))

    @staticmethod
    def _current_tokens(client: EtsyClient) -> Tokens:
        expiry = EtsyClient.ensure_utc(client.expiry)
        return Tokens(client.access_token, client.refresh_token, expiry.timestamp())


class _Unauthorized(Exception):
    pass


def _use_tokens(client: EtsyClient, tokens: Tokens) -> None:
    client.access_token = tokens.access_token
    client.refresh_token = tokens.refresh_token
    client.expiry = datetime.fromtimestamp(tokens.expires_at, UTC)
    client.session.headers["Authorization"] = f"Bearer {tokens.access_token}"


def _listings_page(shop_id: int, state: str, offset: int) -> Callable[[EtsyClient], Response]:
    """The request for one page of the shop's listings in `state`, from `offset`."""
    return lambda c: ListingResource(c).get_listings_by_shop(
        shop_id, state=State(state), limit=LISTINGS_PAGE, offset=offset
    )


def _listing(data: dict[str, Any]) -> Listing:
    return Listing(
        listing_id=int(data["listing_id"]),
        title=data.get("title") or "",
        state=data.get("state") or "",
        url=data.get("url") or "",
    )


def _api_error(operation: str, error: RequestException) -> EtsyApiError:
    if error.code == 429 and _daily_allowance_spent(error):
        return RateLimited(
            f"{operation}: Etsy's daily allowance of calls is spent; the allowance refills "
            "over 24 hours, so try again later",
            429,
        )
    if error.code == 429:
        return RateLimited(
            f"{operation}: Etsy is still rate limiting after the allowed retries; try again later",
            429,
        )
    detail = str(error.error_description or error.error or "no details")
    return EtsyApiError(f"{operation}: Etsy answered {error.code} ({detail})", error.code, detail)


def _daily_allowance_spent(error: RequestException) -> bool:
    limits = error.rate_limits
    remaining = getattr(limits, "remaining_today", None) if limits is not None else None
    try:
        return remaining is not None and int(remaining) <= 0
    except (TypeError, ValueError):
        return False
