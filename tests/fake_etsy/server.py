"""The fake Etsy: a real HTTP server on 127.0.0.1, stateful, judged by Etsy's own spec.

Start it with `with FakeEtsy.running() as etsy:`; point the client at `etsy.api_base` and
`etsy.connect_url`. Every request is checked against the spec (`etsy.violations` collects
what failed, for the test to assert empty), then the API key, the bearer token and its
scopes, Etsy's rate limits, and any fault the test injected with `etsy.inject(...)`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from tests.fake_etsy.spec import EtsySpec, Operation, SpecRequest, SpecResponse, SpecViolation
from tests.fake_etsy.spec import etsy_spec as load_etsy_spec
from tests.fake_etsy.state import (
    COLOUR_PROPERTY,
    INCONSISTENT_ORDER,
    STOCK_COLOURS,
    Clock,
    EtsyRefusal,
    EtsyState,
    FakeListing,
)

KEYSTRING = "fakekeystring1234567890ab"
SHARED_SECRET = "fakesharedsecret42"
REDIRECT_URI = "https://mockup-lab.example/etsy"
TOKEN_PATH = "/v3/public/oauth/token"
CONNECT_PATH = "/oauth/connect"
TOKEN_OPERATION = "token"
FORM = "application/x-www-form-urlencoded"

FAULT_KINDS = (
    "429",
    "500",
    "slow",
    "drop-before",
    "drop-after",
    "crash-before",
    "crash-after",
    "act-after",
    "lands-first",
    "inconsistent-order",
    "stale-read",
    "video-processing",
)
# Faults that change how Etsy serves the call rather than whether it answers.
SERVING_FAULTS = ("lands-first", "inconsistent-order", "stale-read", "video-processing")
DAY_SECONDS = 24 * 3600


@dataclass
class Fault:
    operation: str
    kind: str
    times: int
    skip: int
    retry_after: int
    delay: float
    action: Callable[[], None] | None


@dataclass(frozen=True)
class Seen:
    """A request the fake received, and how it answered (None: no answer, dropped)."""

    operation: str
    method: str
    path: str
    status: int | None
    headers: dict[str, str]
    form: dict[str, Any]
    sent: list[tuple[str, str]] = field(default_factory=list)
    """A form body's fields exactly as they came (before Etsy's reading of `image_ids`)."""


@dataclass
class Reply:
    status: int
    body: dict | None
    headers: dict[str, str]


DROP = Reply(0, None, {})


class FakeEtsy:
    def __init__(self) -> None:
        self.clock = Clock()
        self.state = EtsyState(KEYSTRING, SHARED_SECRET, REDIRECT_URI, self.clock)
        self.spec: EtsySpec = load_etsy_spec()
        self.violations: list[str] = []
        self.seen: list[Seen] = []
        self.per_second_limit = 150
        self.per_day_limit = 100_000
        self._faults: list[Fault] = []
        self._serving_faults: frozenset[str] = frozenset()
        self._lock = threading.RLock()
        self._second = 0
        self._this_second = 0
        self._day: deque[float] = deque()
        """When each call of the last 24 h was made: Etsy's day is a sliding one."""
        self.video_processing_reads = 2
        """How many reads show a video `inactive` under the video-processing fault."""
        self._server: ThreadingHTTPServer | None = None

    @classmethod
    @contextmanager
    def running(cls) -> Iterator[FakeEtsy]:
        fake = cls()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.fake = fake  # type: ignore[attr-defined]
        fake._server = server
        thread = threading.Thread(
            target=server.serve_forever, args=(0.02,), name="fake-etsy", daemon=True
        )
        thread.start()
        try:
            yield fake
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

    @property
    def api_base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def connect_url(self) -> str:
        return self.api_base + CONNECT_PATH

    # What the tests set up and look at

    def add_listing(self, title: str = "Art print", state: str = "draft", images: int = 0):
        with self._lock:
            return self.state.add_listing(title, state, images)

    def listing(self, listing_id: int) -> FakeListing:
        return self.state.listings[listing_id]

    def grant_tokens(self, scopes: str = "listings_r listings_w shops_r") -> dict:
        with self._lock:
            return self.state.grant_directly(frozenset(scopes.split()))

    def inject(
        self,
        operation: str,
        kind: str,
        times: int = 1,
        skip: int = 0,
        retry_after: int = 1,
        delay: float = 0.0,
        action: Callable[[], None] | None = None,
    ) -> None:
        """Make the next `times` calls of `operation` (after `skip` more) fail as `kind`.

        429 (with `retry_after`) and 500 answer without doing anything; slow waits `delay`
        seconds, then serves; drop-before closes the connection without serving, drop-after
        serves then closes without answering; crash-before and crash-after are those two
        that also call `action` (which kills the client) before closing; act-after serves,
        calls `action` (which changes Etsy's state behind the client's back) and answers.

        What Etsy's users report of uploadListingImage (etsy/open-api issues): lands-first
        stores the upload at rank 1 and ignores `overwrite`, refused once the listing is full
        (#298, #533, #558, #594); inconsistent-order refuses an overwrite with 400 "The
        ListingImages for this Listing are in an inconsistent order." (#427, "some times, not
        always": each injected time is one refusal); stale-read stores the upload, and the next
        read of the listing's images returns them as they were before it (asynchronous image
        processing: the spec's text for uploadListingImage, #457).
        """
        assert kind in FAULT_KINDS, kind
        with self._lock:
            self._faults.append(Fault(operation, kind, times, skip, retry_after, delay, action))

    def calls(self, operation: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.operation == operation]

    # Serving

    def handle(self, method: str, raw_path: str, headers: list[tuple[str, str]], body: bytes):
        url = urlsplit(raw_path)
        header_map = {k.lower(): v for k, v in headers}
        if url.path == CONNECT_PATH and method == "GET":
            return self._connect(dict(parse_qsl(url.query)))
        if url.path == TOKEN_PATH and method == "POST":
            return self._answer(TOKEN_OPERATION, method, url.path, header_map, {}, body)
        sent: list[tuple[str, str]] = []
        if method in ("POST", "PATCH") and header_map.get("content-type", "").startswith(FORM):
            sent = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
            body = _form_as_etsy_reads_it(body, self._form_arrays(method, url.path))
        request = SpecRequest(method, url.path, url.query, headers, body or None)
        try:
            operation = self.spec.check_request(request)
        except SpecViolation as violation:
            self.violations += [f"{method} {url.path}: {m}" for m in violation.messages]
            self._remember(Seen("?", method, url.path, 400, header_map, {}))
            return Reply(400, {"error": str(violation)}, {})
        reply = self._answer(operation, method, url.path, header_map, request, body, sent)
        if reply is not DROP and reply.status != 429:
            data = b"" if reply.body is None else json.dumps(reply.body).encode()
            response = SpecResponse(reply.status, data)
            errors = self.spec.check_response(request, response)
            self.violations += [f"answer to {method} {url.path}: {e}" for e in errors]
        return reply

    def _answer(
        self,
        operation: Operation | str,
        method: str,
        path: str,
        headers: dict[str, str],
        request: SpecRequest | dict,
        body: bytes,
        sent: list[tuple[str, str]] | None = None,
    ) -> Reply:
        name = operation if isinstance(operation, str) else operation.operation_id
        if isinstance(operation, str):
            form = _token_form_without_secrets(headers.get("content-type", ""), body)
        else:
            form = _loggable(operation.body)
        due = self._take_faults(name)
        serving = frozenset(f.kind for f in due if f.kind in SERVING_FAULTS)
        fault = next((f for f in due if f.kind not in SERVING_FAULTS), None)
        limits: dict[str, str] = {}
        try:
            if name != TOKEN_OPERATION:
                limits = self._count_request()
            reply = self._serve_despite(fault, serving, operation, headers, body)
        except _OverRateLimit as over:
            limits = over.limits
            retry = {"retry-after": str(max(1, round(over.retry_after)))}
            reply = Reply(429, {"error": "Too many requests"}, retry)
        except EtsyRefusal as refusal:
            reply = Reply(refusal.status, refusal.body(), {})
        if reply is not DROP:
            reply.headers.update(limits)
        self._remember(Seen(name, method, path, reply.status or None, headers, form, sent or []))
        for each in due:
            if each.action is not None:
                with self._lock:
                    each.action()  # after remembering: a killed client's test reads `seen` next
        return reply

    def _serve_despite(
        self,
        fault: Fault | None,
        serving: frozenset[str],
        operation: Operation | str,
        headers: dict,
        body: bytes,
    ) -> Reply:
        if fault is not None and fault.kind in ("429", "500", "drop-before", "crash-before"):
            return _fault_reply(fault)
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay)
        with self._lock:
            self._serving_faults = serving
            try:
                reply = self._serve(operation, headers, body)
            finally:
                self._serving_faults = frozenset()
        if fault is not None and fault.kind in ("drop-after", "crash-after"):
            return DROP
        return reply

    def _serve(self, operation: Operation | str, headers: dict[str, str], body: bytes) -> Reply:
        if isinstance(operation, str):
            return self._token(headers, body)
        self._check_api_key(headers.get("x-api-key"))
        if operation.operation_id == "ping":
            return Reply(200, {"application_id": 1}, {})
        user_id = self.state.user_id
        if operation.scopes:  # else a public call: the API key is enough
            user_id = self.state.bearer(headers.get("authorization"), operation.scopes)
        handler = getattr(self, "_op_" + operation.operation_id, None)
        if handler is None:
            raise EtsyRefusal(501, f"the fake does not implement {operation.operation_id}")
        return handler(operation, user_id)

    def _check_api_key(self, api_key: str | None) -> None:
        if api_key == f"{KEYSTRING}:{SHARED_SECRET}":
            return
        if api_key == KEYSTRING:
            raise EtsyRefusal(403, "Shared secret is required in x-api-key header")
        raise EtsyRefusal(401, "Invalid API key")

    def _count_request(self) -> dict[str, str]:
        with self._lock:
            return self._count_request_locked()

    def _form_arrays(self, method: str, path: str) -> dict[str, str]:
        """The form fields the spec types as arrays, and their items' type."""
        route = self.spec.route(method, path)
        if route is None:
            return {}
        content = route.operation.get("requestBody", {}).get("content", {})
        properties = content.get(FORM, {}).get("schema", {}).get("properties", {})
        return {
            name: schema.get("items", {}).get("type", "string")
            for name, schema in properties.items()
            if schema.get("type") == "array"
        }

    def _count_request_locked(self) -> dict[str, str]:
        now = self.clock()
        second = int(now)
        if second != self._second:
            self._second, self._this_second = second, 0
        self._this_second += 1
        while self._day and self._day[0] <= now - DAY_SECONDS:
            self._day.popleft()
        if len(self._day) >= self.per_day_limit:
            retry = self._day[0] + DAY_SECONDS - now
            raise _OverRateLimit(self._limits(0, 0), retry)
        self._day.append(now)
        remaining_second = max(0, self.per_second_limit - self._this_second)
        remaining_today = max(0, self.per_day_limit - len(self._day))
        if self._this_second > self.per_second_limit:
            raise _OverRateLimit(self._limits(remaining_second, remaining_today), 1)
        return self._limits(remaining_second, remaining_today)

    def _limits(self, remaining_second: int, remaining_today: int) -> dict[str, str]:
        return {
            "x-limit-per-second": str(self.per_second_limit),
            "x-remaining-this-second": str(remaining_second),
            "x-limit-per-day": str(self.per_day_limit),
            "x-remaining-today": str(remaining_today),
        }

    def _take_faults(self, operation: str) -> list[Fault]:
        """The faults due on this call; each counts the operation's calls on its own. All
        that are due apply together: the serving ones (SERVING_FAULTS) change how the call is
        served, and of the others the one injected first decides the answer."""
        due = []
        with self._lock:
            for fault in list(self._faults):
                if fault.operation != operation:
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                due.append(fault)
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
        return due

    def _remember(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    # OAuth

    def _connect(self, query: dict[str, str]) -> Reply:
        if query.get("client_id") != KEYSTRING or query.get("redirect_uri") != REDIRECT_URI:
            return Reply(400, {"error": "unknown client_id or redirect_uri"}, {})
        scopes = frozenset(query.get("scope", "").split())
        problems = [
            query.get("response_type") != "code" and "response_type must be code",
            not (scopes and scopes <= self.spec.oauth_scopes) and "scope must list known scopes",
            not query.get("state") and "state is required",
            query.get("code_challenge_method") != "S256" and "code_challenge_method must be S256",
            len(query.get("code_challenge", "")) != 43 and "code_challenge must be S256 (43)",
        ]
        problems = [p for p in problems if p]
        if problems:
            self.violations.append(f"connect: {problems}")
            error = {"error": "invalid_request", "error_description": problems[0]}
            return _redirect(REDIRECT_URI, {**error, "state": query.get("state", "")})
        with self._lock:
            code = self.state.authorize(REDIRECT_URI, scopes, query["code_challenge"])
        return _redirect(REDIRECT_URI, {"code": code, "state": query["state"]})

    def _token(self, headers: dict[str, str], body: bytes) -> Reply:
        if "x-api-key" in headers:
            self._check_api_key(headers["x-api-key"])
        form = _token_form(headers.get("content-type", ""), body)
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return Reply(200, self.state.exchange_code(form), {})
        if grant_type == "refresh_token":
            return Reply(200, self.state.refresh(form), {})
        raise EtsyRefusal(400, "unsupported_grant_type", str(grant_type))

    # Operations (named after the spec's operationId)

    def _op_getMe(self, operation: Operation, user_id: int) -> Reply:
        return Reply(200, {"user_id": user_id, "shop_id": self.state.shop_id}, {})

    def _op_getListingsByShop(self, operation: Operation, user_id: int) -> Reply:
        if operation.path_params["shop_id"] != self.state.shop_id:
            raise EtsyRefusal(403, "You do not have permission to view this shop's listings")
        state = operation.query.get("state", "active")
        shop_id = self.state.shop_id
        found = [
            item
            for item in self.state.listings.values()
            if item.state == state and item.shop_id == shop_id
        ]
        offset, limit = operation.query.get("offset", 0), operation.query.get("limit", 25)
        page = [item.to_api() for item in found[offset : offset + limit]]
        return Reply(200, {"count": len(found), "results": page}, {})

    def _op_getListing(self, operation: Operation, user_id: int) -> Reply:
        listing = self.state.listings.get(operation.path_params["listing_id"])
        if listing is None:
            raise EtsyRefusal(404, "Listing not found")
        return Reply(200, listing.to_api(), {})

    def _op_getListingImages(self, operation: Operation, user_id: int) -> Reply:
        listing = self.state.listings.get(operation.path_params["listing_id"])
        if listing is None:
            raise EtsyRefusal(404, "Listing not found")
        images = listing.images if listing.stale_images is None else listing.stale_images
        listing.stale_images = None
        results = [
            image.to_api(listing.listing_id, rank) for rank, image in enumerate(images, start=1)
        ]
        return Reply(200, {"count": len(results), "results": results}, {})

    def _op_uploadListingImage(self, operation: Operation, user_id: int) -> Reply:
        params = operation.path_params
        listing = self.state.listing_of_shop(params["shop_id"], params["listing_id"])
        part = operation.files.get("image")
        if part is None:
            raise EtsyRefusal(400, "image or listing_image_id is required")
        if not part.filename or part.content_type not in ("image/jpeg", "image/png", "image/gif"):
            raise EtsyRefusal(400, "image must be a file with a name and an image type")
        body = operation.body
        overwrite = body.get("overwrite", False)
        if "inconsistent-order" in self._serving_faults and overwrite:
            raise EtsyRefusal(400, INCONSISTENT_ORDER)  # etsy/open-api #427
        before = list(listing.images)
        image, rank = self.state.upload(
            listing,
            part.data,
            part.filename,
            rank=body.get("rank", 1),
            overwrite=overwrite,
            alt_text=body.get("alt_text", ""),
            lands_first="lands-first" in self._serving_faults,
        )
        if "stale-read" in self._serving_faults:
            listing.stale_images = before  # etsy/open-api #457
        return Reply(201, image.to_api(listing.listing_id, rank), {})

    def _op_deleteListingImage(self, operation: Operation, user_id: int) -> Reply:
        params = operation.path_params
        listing = self.state.listing_of_shop(params["shop_id"], params["listing_id"])
        self.state.delete_image(listing, params["listing_image_id"])
        return Reply(204, None, {})

    def _op_updateListing(self, operation: Operation, user_id: int) -> Reply:
        params = operation.path_params
        listing = self.state.listing_of_shop(params["shop_id"], params["listing_id"])
        body = dict(operation.body)
        if "state" in body:
            raise EtsyRefusal(501, "the fake does not change a listing's state")
        if "image_ids" in body:
            self.state.set_images(listing, list(body.pop("image_ids")))
        self.state.update_listing(listing, body)
        return Reply(200, listing.to_api(), {})

    def _op_createDraftListing(self, operation: Operation, user_id: int) -> Reply:
        if operation.path_params["shop_id"] != self.state.shop_id:
            raise EtsyRefusal(403, "You do not have permission to modify this shop")
        listing = self.state.create_draft(operation.body)
        return Reply(201, listing.to_api(), {})

    def _op_getListingInventory(self, operation: Operation, user_id: int) -> Reply:
        listing = self._own_listing(operation.path_params["listing_id"])
        return Reply(200, self._inventory(listing), {})

    def _op_updateListingInventory(self, operation: Operation, user_id: int) -> Reply:
        listing = self._own_listing(operation.path_params["listing_id"])
        self.state.set_inventory(listing, operation.body)
        return Reply(200, self._inventory(listing), {})

    def _op_getPropertiesByTaxonomyId(self, operation: Operation, user_id: int) -> Reply:
        colours = [
            {"value_id": value_id, "name": name, "scale_id": None, "equal_to": []}
            for name, value_id in STOCK_COLOURS.items()
        ]
        colour = {
            "property_id": COLOUR_PROPERTY,
            "name": "Primary color",
            "display_name": "Primary color",
            "scales": [],
            "is_required": False,
            "supports_attributes": True,
            "supports_variations": True,
            "is_multivalued": False,
            "max_values_allowed": None,
            "possible_values": colours,
            "selected_values": [],
        }
        return Reply(200, {"count": 1, "results": [colour]}, {})

    def _op_getListingVariationImages(self, operation: Operation, user_id: int) -> Reply:
        params = operation.path_params
        listing = self.state.listing_of_shop(params["shop_id"], params["listing_id"])
        results = self.state.variation_images_api(listing)
        return Reply(200, {"count": len(results), "results": results}, {})

    def _op_updateVariationImages(self, operation: Operation, user_id: int) -> Reply:
        params = operation.path_params
        listing = self.state.listing_of_shop(params["shop_id"], params["listing_id"])
        self.state.set_variation_images(listing, list(operation.body["variation_images"]))
        results = self.state.variation_images_api(listing)
        return Reply(200, {"count": len(results), "results": results}, {})

    def _op_getListingVideos(self, operation: Operation, user_id: int) -> Reply:
        listing = self._own_listing(operation.path_params["listing_id"])
        results = []
        for video in listing.live_videos():
            results.append(video.to_api())
            video.processing_reads = max(0, video.processing_reads - 1)
        return Reply(200, {"count": len(results), "results": results}, {})

    def _op_uploadListingVideo(self, operation: Operation, user_id: int) -> Reply:
        params = operation.path_params
        listing = self.state.listing_of_shop(params["shop_id"], params["listing_id"])
        part = operation.files.get("video")
        name = operation.body.get("name")
        if part is None or not name:
            raise EtsyRefusal(400, "video and name are required (the fake does not take video_id)")
        reads = self.video_processing_reads if "video-processing" in self._serving_faults else 0
        video = self.state.upload_video(listing, part.data, name, reads)
        return Reply(201, video.to_api(), {})

    def _op_deleteListingVideo(self, operation: Operation, user_id: int) -> Reply:
        params = operation.path_params
        listing = self.state.listing_of_shop(params["shop_id"], params["listing_id"])
        self.state.delete_video(listing, params["video_id"])
        return Reply(204, None, {})

    def _own_listing(self, listing_id: int) -> FakeListing:
        listing = self.state.listings.get(listing_id)
        if listing is None:
            raise EtsyRefusal(404, "Listing not found")
        return listing

    def _inventory(self, listing: FakeListing) -> dict:
        return {
            "products": [product.to_api() for product in listing.products],
            "price_on_property": [],
            "quantity_on_property": [],
            "sku_on_property": [],
        }


class _OverRateLimit(Exception):
    def __init__(self, limits: dict[str, str], retry_after: float) -> None:
        super().__init__("over Etsy's rate limit")
        self.limits = limits
        self.retry_after = retry_after


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else headers and body wait on each other's ACK (40 ms)

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake: FakeEtsy = self.server.fake  # type: ignore[attr-defined]
        try:
            reply = fake.handle(self.command, self.path, list(self.headers.items()), body)
        except Exception as error:  # a bug in the fake: answer, and fail the test
            fake.violations.append(f"the fake failed: {error!r}")
            reply = Reply(500, {"error": "fake Etsy failed"}, {})
        if reply is DROP:
            self.close_connection = True
            return
        data = b"" if reply.body is None else json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def _form_as_etsy_reads_it(body: bytes, arrays: dict[str, str]) -> bytes:
    """A form (createDraftListing, updateListing) as Etsy reads its arrays, re-encoded for the
    spec's validator.

    The spec does not say how an array is written in a form. Etsy's staff say one
    comma-delimited value for `image_ids` (etsy/open-api #330), the spec says "a
    comma-separated list" of `tags`, and Etsy accepts a JSON array of ids too. A repeated key
    is not a list to Etsy: the fake keeps the last value, the worst case the sync must survive.
    What openapi-core reads is OpenAPI's default for forms (repeated keys), so the parsed
    items are written back that way; ids that are not numbers are passed on as they came, for
    the spec check to refuse.
    """
    pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    written = [(key, value) for key, value in pairs if key not in arrays]
    for name, item_type in arrays.items():
        values = [value for key, value in pairs if key == name]
        if not values:
            continue
        if item_type == "integer":
            ids = _id_list(values[-1])
            items = [str(i) for i in ids] if ids is not None else [values[-1]]
        else:
            items = [item.strip() for item in values[-1].split(",") if item.strip()]
        written += [(name, item) for item in items]
    return urlencode(written).encode()


def _id_list(value: str) -> list[int] | None:
    text = value.strip()
    try:
        items = json.loads(text) if text.startswith("[") else text.split(",")
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    if all(isinstance(item, int) for item in items):
        return items
    if all(isinstance(item, str) and item.strip().isdigit() for item in items):
        return [int(item) for item in items]
    return None


def _fault_reply(fault: Fault) -> Reply:
    if fault.kind == "429":
        return Reply(429, {"error": "Too many requests"}, {"retry-after": str(fault.retry_after)})
    if fault.kind == "500":
        return Reply(500, {"error": "Internal server error"}, {})
    return DROP


def _redirect(uri: str, query: dict[str, str]) -> Reply:
    return Reply(302, None, {"Location": f"{uri}?{urlencode(query)}"})


def _token_form(content_type: str, body: bytes) -> dict[str, str]:
    if content_type.startswith("application/json"):
        data = json.loads(body or b"{}")
        return {k: str(v) for k, v in data.items()}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode()))
    raise EtsyRefusal(400, "invalid_request", f"unsupported content type {content_type!r}")


def _token_form_without_secrets(content_type: str, body: bytes) -> dict[str, Any]:
    try:
        form = _token_form(content_type, body)
    except (EtsyRefusal, ValueError):
        return {}
    return {k: v for k, v in form.items() if k in ("grant_type", "client_id", "redirect_uri")}


def _loggable(body: dict[str, Any]) -> dict[str, Any]:
    return {k: (f"<{len(v)} bytes>" if isinstance(v, bytes) else v) for k, v in body.items()}
