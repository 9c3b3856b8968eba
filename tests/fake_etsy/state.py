"""What the fake Etsy knows: one seller, their shop's listings and images, and OAuth grants."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import secrets
import time
from dataclasses import dataclass, field

from PIL import Image

# updateListing's image_ids "can include up to 20 images" (Etsy's current spec); the
# refusal's wording is the one users quote from Etsy (etsy/open-api #558), with this limit.
MAX_IMAGES = 20
LISTING_FULL = (
    f"Listings are only allowed {MAX_IMAGES} images. "
    "Please delete a ListingImage before trying to upload another."
)
INCONSISTENT_ORDER = "The ListingImages for this Listing are in an inconsistent order."
ACCESS_TOKEN_SECONDS = 3600
AUTH_CODE_SECONDS = 300

# Etsy's standard colour property and its own values: "Primary color" is property 200; its
# value ids are Etsy's (Black 1 and Green 4 as etsy/open-api #148 and #343 quote them).
COLOUR_PROPERTY = 200
STOCK_COLOURS = {
    "Beige": 1213, "Black": 1, "Blue": 2, "Bronze": 1216, "Brown": 3, "Clear": 1219,
    "Copper": 1218, "Gold": 1214, "Gray": 5, "Green": 4, "Orange": 6, "Pink": 7,
    "Purple": 8, "Rainbow": 1220, "Red": 9, "Rose gold": 1217, "Silver": 1215, "White": 10,
    "Yellow": 11,
}  # fmt: skip
# "There was a problem with /values : cannot be more than 70 items" (etsy/open-api #567).
MAX_PROPERTY_VALUES = 70
# A third video is refused with 409 since 2026-10-21 (etsy/open-api discussion #1760).
MAX_VIDEOS = 2


class EtsyRefusal(Exception):
    """An answer Etsy gives instead of doing what was asked."""

    def __init__(self, status: int, error: str, description: str = "") -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description

    def body(self) -> dict:
        body = {"error": self.error}
        if self.description:
            body["error_description"] = self.description
        return body


class Clock:
    """Real time, plus whatever the tests add: a recorded sleep moves the fake's time too."""

    def __init__(self) -> None:
        self.offset = 0.0
        self.frozen_at: float | None = None

    def __call__(self) -> float:
        return (self.frozen_at if self.frozen_at is not None else time.time()) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds

    def freeze(self) -> None:
        """Stop real time (only `advance` moves the clock): for tests counting per second.

        Stopped mid-second, so a wait of most of a second always reaches the next one.
        """
        self.frozen_at = int(time.time()) + 0.5


@dataclass
class FakeImage:
    listing_image_id: int
    sha256: str
    width: int
    height: int
    alt_text: str
    filename: str
    created: int

    def to_api(self, listing_id: int, rank: int) -> dict:
        base = f"https://i.etsystatic.com/fake/{self.listing_image_id}"
        return {
            "listing_id": listing_id,
            "listing_image_id": self.listing_image_id,
            "hex_code": None,
            "red": None,
            "green": None,
            "blue": None,
            "hue": None,
            "saturation": None,
            "brightness": None,
            "is_black_and_white": None,
            "creation_tsz": self.created,
            "created_timestamp": self.created,
            "rank": rank,
            "url_75x75": f"{base}/il_75x75.jpg",
            "url_170x135": f"{base}/il_170x135.jpg",
            "url_570xN": f"{base}/il_570xN.jpg",
            "url_fullxfull": f"{base}/il_fullxfull.jpg",
            "full_height": self.height,
            "full_width": self.width,
            "alt_text": self.alt_text,
        }


LISTING_FIELDS_SHOWN = ("taxonomy_id", "who_made", "when_made", "is_supply", "shipping_profile_id")


@dataclass
class FakeProduct:
    product_id: int
    offering_id: int
    property_values: list[dict]
    price_cents: int
    quantity: int

    def to_api(self) -> dict:
        return {
            "product_id": self.product_id,
            "sku": "",
            "is_deleted": False,
            "offerings": [
                {
                    "offering_id": self.offering_id,
                    "quantity": self.quantity,
                    "is_enabled": True,
                    "is_deleted": False,
                    "price": {"amount": self.price_cents, "divisor": 100, "currency_code": "USD"},
                    "readiness_state_id": None,
                }
            ],
            "property_values": [dict(value) for value in self.property_values],
        }


@dataclass
class FakeVideo:
    video_id: int
    sha256: str
    name: str
    state: str = "active"
    processing_reads: int = 0
    """Reads that still show it `inactive`, as Etsy processes it."""

    def to_api(self) -> dict:
        base = f"https://v.etsystatic.com/fake/{self.video_id}"
        return {
            "video_id": self.video_id,
            "height": 1080,
            "width": 1440,
            "thumbnail_url": f"{base}/thumb.jpg",
            "video_url": f"{base}/video.mp4",
            "video_state": "inactive" if self.processing_reads > 0 else self.state,
        }


@dataclass
class FakeListing:
    listing_id: int
    shop_id: int
    user_id: int
    title: str
    state: str
    created: int
    images: list[FakeImage] = field(default_factory=list)
    stale_images: list[FakeImage] | None = None
    """What the next read of the images returns instead of the truth (#457), once."""
    description: str = ""
    fields: dict = field(default_factory=dict)
    """What createDraftListing and updateListing set besides the title and description."""
    products: list[FakeProduct] = field(default_factory=list)
    variation_images: list[dict] = field(default_factory=list)
    videos: list[FakeVideo] = field(default_factory=list)

    def to_api(self) -> dict:
        price = self.products[0].price_cents if self.products else 100
        return {
            "listing_id": self.listing_id,
            "user_id": self.user_id,
            "shop_id": self.shop_id,
            "title": self.title,
            "description": self.description,
            "state": self.state,
            "creation_timestamp": self.created,
            "created_timestamp": self.created,
            "ending_timestamp": self.created + 120 * 86400,
            "original_creation_timestamp": self.created,
            "last_modified_timestamp": self.created,
            "updated_timestamp": self.created,
            "quantity": sum(p.quantity for p in self.products) or 1,
            "url": f"https://www.etsy.com/listing/{self.listing_id}",
            "num_favorers": 0,
            "is_taxable": True,
            "listing_type": "physical",
            "tags": list(self.fields.get("tags", [])),
            "materials": [],
            "price": {"amount": price, "divisor": 100, "currency_code": "USD"},
            "has_variations": any(p.property_values for p in self.products),
            **{
                name: self.fields[name]
                for name in LISTING_FIELDS_SHOWN
                if self.fields.get(name) is not None
            },
        }

    def live_videos(self) -> list[FakeVideo]:
        return [video for video in self.videos if video.state != "deleted"]


@dataclass
class Grant:
    user_id: int
    scopes: frozenset[str]
    refresh_token: str
    revoked: bool = False


@dataclass
class AccessToken:
    grant: Grant
    expires_at: float


@dataclass
class AuthCode:
    user_id: int
    redirect_uri: str
    code_challenge: str
    scopes: frozenset[str]
    expires_at: float
    used: bool = False


class EtsyState:
    def __init__(self, keystring: str, shared_secret: str, redirect_uri: str, clock: Clock):
        self.keystring = keystring
        self.shared_secret = shared_secret
        self.redirect_uri = redirect_uri
        self.clock = clock
        self.user_id = 40123456
        self.shop_id = 30765432
        self.listings: dict[int, FakeListing] = {}
        self.codes: dict[str, AuthCode] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.grants_by_refresh: dict[str, Grant] = {}
        self.misrank_uploads = False
        self.uploads_stored = 0
        self.left_out_by_image_ids: list[int] = []
        """Images an updateListing removed by leaving them out of `image_ids` (#228)."""
        self.shop_value_ids: dict[str, int] = {}
        """The seller-side value id of each colour name in this shop: stable across listings,
        and not the stock id even for a stock colour (etsy/open-api #343)."""
        self.drafts_created = 0
        self.videos_stored = 0
        self._listing_ids = itertools.count(1_500_000_001)
        self._image_ids = itertools.count(6_100_000_001)
        self._product_ids = itertools.count(8_200_000_001)
        self._value_ids = itertools.count(49_974_750_678)
        self._video_ids = itertools.count(3_300_000_001)

    # Listings and images

    def add_listing(self, title: str, state: str, images: int) -> FakeListing:
        now = int(self.clock())
        listing = FakeListing(
            next(self._listing_ids), self.shop_id, self.user_id, title, state, now
        )
        for number in range(images):
            listing.images.append(
                FakeImage(
                    listing_image_id=next(self._image_ids),
                    sha256=hashlib.sha256(f"seller photo {number}".encode()).hexdigest(),
                    width=2000,
                    height=2000,
                    alt_text=f"Seller photo {number + 1}",
                    filename=f"photo-{number + 1}.jpg",
                    created=now,
                )
            )
        self.listings[listing.listing_id] = listing
        return listing

    def listing_of_shop(self, shop_id: int, listing_id: int) -> FakeListing:
        listing = self.listings.get(listing_id)
        if shop_id != self.shop_id:
            raise EtsyRefusal(403, "You do not have permission to modify this shop")
        if listing is None or listing.shop_id != shop_id:
            raise EtsyRefusal(404, f"Listing {listing_id} not found in shop {shop_id}")
        return listing

    def upload(
        self,
        listing: FakeListing,
        data: bytes,
        filename: str,
        rank: int,
        overwrite: bool,
        alt_text: str,
        lands_first: bool = False,
    ) -> tuple[FakeImage, int]:
        """Store an upload like Etsy: overwrite the image at `rank`, or insert there.

        With `misrank_uploads`, Etsy's rank bug: the image lands last, the answer says `rank`.
        With `lands_first`, the bug Etsy's users report most (etsy/open-api #298, #533, #558,
        #594): the image lands at rank 1, `overwrite` is ignored so the listing grows, and
        once the listing is full the upload is refused; the answer says rank 1 (#594).
        """
        if len(alt_text) > 500:
            raise EtsyRefusal(400, "alt_text must be 500 characters or fewer")
        width, height = _image_size(data)
        rank = max(1, min(rank, len(listing.images) + 1))
        if lands_first:
            rank, overwrite = 1, False
        replacing = overwrite and rank <= len(listing.images)
        if not replacing and len(listing.images) >= MAX_IMAGES:
            raise EtsyRefusal(400, LISTING_FULL)
        image = FakeImage(
            listing_image_id=next(self._image_ids),
            sha256=hashlib.sha256(data).hexdigest(),
            width=width,
            height=height,
            alt_text=alt_text,
            filename=filename,
            created=int(self.clock()),
        )
        if replacing:
            del listing.images[rank - 1]
        if self.misrank_uploads:
            listing.images.append(image)
        else:
            listing.images.insert(rank - 1, image)
        self.uploads_stored += 1
        return image, rank

    def set_images(self, listing: FakeListing, image_ids: list[int]) -> None:
        """updateListing's `image_ids`: the list replaces the listing's images (Etsy staff,
        etsy/open-api #228), so an image left out leaves the listing.

        The spec is silent on ids that are not the listing's, repeats and an empty list; the
        fake refuses them (stricter than Etsy may be, so a client never relies on them).
        """
        current = {image.listing_image_id: image for image in listing.images}
        unknown = [i for i in image_ids if i not in current]
        if unknown or len(set(image_ids)) != len(image_ids) or not image_ids:
            raise EtsyRefusal(400, f"image_ids must be images of this listing, once: {unknown}")
        if len(image_ids) > MAX_IMAGES:
            raise EtsyRefusal(400, LISTING_FULL)
        self.left_out_by_image_ids += [i for i in current if i not in image_ids]
        listing.images = [current[i] for i in image_ids]

    def create_draft(self, body: dict) -> FakeListing:
        """createDraftListing. The spec's texts: price and quantity "positive non-zero",
        shipping_profile_id "required when listing type is physical"; the title's rules are
        the spec's (its characters; % : & + once each) and the Seller Handbook's 140
        characters, as are the 13 tags of at most 20 characters."""
        check_listing_fields(body)
        if body["price"] <= 0 or body["quantity"] <= 0:
            raise EtsyRefusal(400, "price and quantity must be positive non-zero")
        if body.get("type", "physical") == "physical" and not body.get("shipping_profile_id"):
            raise EtsyRefusal(400, "shipping_profile_id is required for a physical listing")
        listing = self.add_listing(body["title"], "draft", 0)
        listing.description = body.get("description", "")
        listing.fields = {k: v for k, v in body.items() if k not in ("title", "description")}
        listing.products = [self._product([], body["price"], body["quantity"])]
        self.drafts_created += 1
        return listing

    def update_listing(self, listing: FakeListing, body: dict) -> None:
        check_listing_fields(body)
        if "title" in body:
            listing.title = body["title"]
        if "description" in body:
            listing.description = body["description"]
        listing.fields.update({k: v for k, v in body.items() if k not in ("title", "description")})

    def set_inventory(self, listing: FakeListing, body: dict) -> None:
        """updateListingInventory: the products replace the listing's, and the variation
        images go (etsy/open-api #351, #200, #384: reported to clear them)."""
        products = []
        values_per_property: dict[int, set[str]] = {}
        for product in body["products"]:
            offering = product["offerings"][0]
            stored = []
            for value in product.get("property_values", []):
                names = value["values"]
                if any("(" in name or ")" in name for name in names):
                    raise EtsyRefusal(400, "property values cannot hold parentheses")
                values_per_property.setdefault(value["property_id"], set()).update(names)
                stored.append(
                    {
                        "property_id": value["property_id"],
                        "property_name": value.get("property_name"),
                        "scale_id": None,
                        "scale_name": None,
                        "value_ids": [self._seller_value_id(name) for name in names],
                        "values": list(names),
                    }
                )
            if offering["price"] <= 0:
                raise EtsyRefusal(400, "price must be positive non-zero")
            products.append(self._product(stored, offering["price"], offering["quantity"]))
        if any(len(names) > MAX_PROPERTY_VALUES for names in values_per_property.values()):
            limit = MAX_PROPERTY_VALUES
            raise EtsyRefusal(
                400, f"There was a problem with /values : cannot be more than {limit} items"
            )
        listing.products = products
        listing.variation_images = []

    def set_variation_images(self, listing: FakeListing, items: list[dict]) -> None:
        """updateVariationImages: the list replaces every variation image (the spec's text)."""
        prefix = "Could not update variation images because of the following error: "
        if any(set(item) - {"property_id", "value_id", "image_id"} for item in items):
            raise EtsyRefusal(400, "Missing input parameter: [variation_images]")  # #436
        if len({item["property_id"] for item in items}) > 1:
            raise EtsyRefusal(400, prefix + "variation images contains multiple property_ids")
        pairs = [(item["property_id"], item["value_id"]) for item in items]
        if len(set(pairs)) != len(pairs):
            raise EtsyRefusal(400, prefix + "variation images contains duplicates")
        image_ids = {image.listing_image_id for image in listing.images}
        for item in items:
            if not self._variation_value(listing, item["property_id"], item["value_id"]):
                raise EtsyRefusal(
                    400,
                    prefix + f"variation with property_id {item['property_id']} and value_id "
                    f"{item['value_id']} is invalid",  # the wording quoted in #300
                )
            if item["image_id"] not in image_ids:
                raise EtsyRefusal(400, prefix + f"image {item['image_id']} is not on the listing")
        listing.variation_images = [dict(item) for item in items]

    def variation_images_api(self, listing: FakeListing) -> list[dict]:
        names = {}
        for product in listing.products:
            for value in product.property_values:
                for name, value_id in zip(value["values"], value["value_ids"], strict=True):
                    names[value_id] = name
                    if value["property_id"] == COLOUR_PROPERTY and name in STOCK_COLOURS:
                        names[STOCK_COLOURS[name]] = name
        return [{**item, "value": names.get(item["value_id"])} for item in listing.variation_images]

    def upload_video(
        self, listing: FakeListing, data: bytes, name: str, processing: int
    ) -> FakeVideo:
        """uploadListingVideo since 2026-10-21: adds a video, up to two (a third: 409), and
        `is_multi_video` is gone (discussions #1714, #1760)."""
        if len(data) < 12 or data[4:8] != b"ftyp":
            raise EtsyRefusal(400, "The video could not be read (not an MP4)")
        if len(listing.live_videos()) >= MAX_VIDEOS:
            raise EtsyRefusal(409, f"This listing already has {MAX_VIDEOS} videos")
        video = FakeVideo(
            next(self._video_ids), hashlib.sha256(data).hexdigest(), name, "active", processing
        )
        listing.videos.append(video)
        self.videos_stored += 1
        return video

    def delete_video(self, listing: FakeListing, video_id: int) -> None:
        for video in listing.live_videos():
            if video.video_id == video_id:
                video.state = "deleted"
                return
        raise EtsyRefusal(404, f"Video {video_id} not found on this listing")

    def _product(self, values: list[dict], price: float, quantity: int) -> FakeProduct:
        return FakeProduct(
            next(self._product_ids), next(self._product_ids), values, round(price * 100), quantity
        )

    def _seller_value_id(self, name: str) -> int:
        if name.lower() not in self.shop_value_ids:
            self.shop_value_ids[name.lower()] = next(self._value_ids)
        return self.shop_value_ids[name.lower()]

    def _variation_value(self, listing: FakeListing, property_id: int, value_id: int) -> bool:
        """Whether the listing's inventory has this value, as updateVariationImages takes it:
        for Etsy's standard colour property only Etsy's own (stock) id of a stock colour, not
        the seller-side id the inventory shows for it (#355); a colour Etsy has no value for
        by its seller-side id."""
        for product in listing.products:
            for value in product.property_values:
                if value["property_id"] != property_id:
                    continue
                for name, seller_id in zip(value["values"], value["value_ids"], strict=True):
                    stock = STOCK_COLOURS.get(name) if property_id == COLOUR_PROPERTY else None
                    if value_id == (stock if stock is not None else seller_id):
                        return True
        return False

    def delete_image(self, listing: FakeListing, listing_image_id: int) -> None:
        kept = [i for i in listing.images if i.listing_image_id != listing_image_id]
        if len(kept) == len(listing.images):
            raise EtsyRefusal(404, f"ListingImage {listing_image_id} not found on this listing")
        listing.images = kept

    # OAuth

    def authorize(self, redirect_uri: str, scopes: frozenset[str], challenge: str) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = AuthCode(
            self.user_id, redirect_uri, challenge, scopes, self.clock() + AUTH_CODE_SECONDS
        )
        return code

    def exchange_code(self, form: dict[str, str]) -> dict:
        self._check_client(form)
        code = self.codes.get(form.get("code", ""))
        if code is None or code.used or self.clock() > code.expires_at:
            raise EtsyRefusal(400, "invalid_grant", "code is invalid, used or expired")
        code.used = True
        if form.get("redirect_uri") != code.redirect_uri:
            raise EtsyRefusal(400, "invalid_grant", "redirect_uri does not match")
        if pkce_challenge(form.get("code_verifier", "")) != code.code_challenge:
            raise EtsyRefusal(400, "invalid_grant", "code_verifier is invalid")
        grant = Grant(code.user_id, code.scopes, "")
        return self._issue(grant)

    def refresh(self, form: dict[str, str]) -> dict:
        self._check_client(form)
        grant = self.grants_by_refresh.pop(form.get("refresh_token", ""), None)
        if grant is None or grant.revoked:
            raise EtsyRefusal(400, "invalid_grant", "refresh_token is invalid")
        return self._issue(grant)

    def grant_directly(self, scopes: frozenset[str]) -> dict:
        """Tokens as if the seller had connected: for tests about what comes after."""
        return self._issue(Grant(self.user_id, scopes, ""))

    def revoke_all(self) -> None:
        for grant in list(self.grants_by_refresh.values()):
            grant.revoked = True

    def expire_access_tokens(self) -> None:
        for token in self.access_tokens.values():
            token.expires_at = self.clock() - 1

    def bearer(self, authorization: str | None, scopes: tuple[str, ...]) -> int:
        if not authorization or not authorization.startswith("Bearer "):
            raise EtsyRefusal(401, "invalid_token", "missing bearer token")
        token = self.access_tokens.get(authorization.removeprefix("Bearer "))
        if token is None or token.grant.revoked:
            raise EtsyRefusal(401, "invalid_token", "access token is invalid")
        if self.clock() >= token.expires_at:
            raise EtsyRefusal(401, "invalid_token", "access token is expired")
        missing = set(scopes) - token.grant.scopes
        if missing:
            raise EtsyRefusal(403, "insufficient_scope", f"needs {' '.join(sorted(missing))}")
        return token.grant.user_id

    def _check_client(self, form: dict[str, str]) -> None:
        if form.get("client_id") != self.keystring:
            raise EtsyRefusal(401, "invalid_client", "client_id is not a known keystring")

    def _issue(self, grant: Grant) -> dict:
        access = f"{grant.user_id}.{secrets.token_urlsafe(32)}"
        grant.refresh_token = f"{grant.user_id}.{secrets.token_urlsafe(32)}"
        self.access_tokens[access] = AccessToken(grant, self.clock() + ACCESS_TOKEN_SECONDS)
        self.grants_by_refresh[grant.refresh_token] = grant
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_SECONDS,
            "refresh_token": grant.refresh_token,
        }


def check_listing_fields(body: dict) -> None:
    """Etsy's rules for a listing's title and tags (see `create_draft`)."""
    title = body.get("title")
    if title is not None:
        if len(title) > 140:
            raise EtsyRefusal(400, "title must be 140 characters or fewer")
        if any(title.count(ch) > 1 for ch in "%:&+"):
            raise EtsyRefusal(400, "title can use %, :, & and + once each")
    tags = body.get("tags") or []
    if len(tags) > 13 or any(len(tag) > 20 for tag in tags):
        raise EtsyRefusal(400, "at most 13 tags, each at most 20 characters")


def pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _image_size(data: bytes) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:
        raise EtsyRefusal(400, "The image could not be read") from None
