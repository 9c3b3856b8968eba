"""What the command line and the dashboard call: plain methods, dataclasses back, no printing.

sync = EtsySync()                       # config from the environment or secrets.toml
link = sync.connect_link()              # show link.url as the Connect button
sync.finish_connect(query)              # on the page Etsy redirects to: code and state
sync.listings()                         # draft, active and inactive listings
sync.plan(run_dir, listing_id)          # dry run: PushPlan, per rank what would change
sync.push(run_dir, listing_id, progress=callback, options=PushOptions(overwrite_foreign=True))
sync.status(listing_id)                 # what the manifest holds, the last pushes and calls
fields = DraftFields(title=..., price="24.00", taxonomy_id=..., shipping_profile_id=...)
request = listing_request(run_dir, fields, alt_texts={3: "..."}, video=run_dir / VIDEO_FILE_NAME)
plan = sync.plan_draft(request)         # ListingPlan: draft fields, alt texts, colours, video,
                                        # calls needed and left today; changes nothing
sync.draft(plan, progress=callback)     # ListingResult: the draft made or updated, never published
run_video(run_dir)                      # VideoResult: RUN/listing-video.mp4; no Etsy needed

An EtsySync is cheap: make one per page run or command, not one shared between threads.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from etsy_sync.client import LISTING_STATES, EtsyApi, EtsyImage, Listing
from etsy_sync.config import EtsyConfig, load_config
from etsy_sync.listing import ListingPlan, ListingRequest, ListingResult, plan_listing, push_listing
from etsy_sync.listing_video import (
    VIDEO_FILE_NAME,
    VideoOptions,
    VideoResult,
    make_listing_video,
)
from etsy_sync.listing_video import Progress as VideoProgress
from etsy_sync.manifest import (
    LoggedCall,
    Manifest,
    PendingUpload,
    PushedImage,
    PushedVideo,
    PushRecord,
)
from etsy_sync.oauth import (
    ConnectLink,
    finish_connect_from_query,
    finish_connect_from_redirect,
    start_connect,
)
from etsy_sync.plan import PushPlan
from etsy_sync.push import Progress, PushOptions, PushResult, preview_push, push_images
from etsy_sync.run_images import plan_images
from etsy_sync.tokens import Tokens, TokenStore
from etsy_sync.transport import RetryPolicy


@dataclass(frozen=True)
class ConnectionStatus:
    connected: bool
    user_id: int | None = None
    expires_at: float | None = None

    @classmethod
    def of(cls, tokens: Tokens | None) -> ConnectionStatus:
        if tokens is None:
            return cls(connected=False)
        return cls(connected=True, user_id=tokens.user_id, expires_at=tokens.expires_at)


@dataclass(frozen=True)
class ListingStatus:
    listing_id: int
    pushed: list[PushedImage]
    pending: list[PendingUpload]
    pushes: list[PushRecord]
    calls: list[LoggedCall]
    video: PushedVideo | None = None


class EtsySync:
    def __init__(self, config: EtsyConfig | None = None, policy: RetryPolicy | None = None):
        self.config = config if config is not None else load_config()
        self.policy = policy or RetryPolicy()
        self._api: EtsyApi | None = None

    @property
    def api(self) -> EtsyApi:
        if self._api is None:
            self._api = EtsyApi(self.config, self.policy)
        return self._api

    def connect_link(self) -> ConnectLink:
        return start_connect(self.config)

    def finish_connect(self, query: Mapping[str, str]) -> ConnectionStatus:
        """Finish with the query Etsy redirected to (`code` and `state`, or `error`)."""
        tokens = finish_connect_from_query(self.config, dict(query), self.policy)
        self._api = None
        return ConnectionStatus.of(tokens)

    def finish_connect_from_redirect(self, redirect_url: str) -> ConnectionStatus:
        """Finish with the whole address Etsy redirected to (pasted in the terminal)."""
        tokens = finish_connect_from_redirect(self.config, redirect_url, self.policy)
        self._api = None
        return ConnectionStatus.of(tokens)

    def connection(self) -> ConnectionStatus:
        """Whether a connection is saved; no call to Etsy."""
        return ConnectionStatus.of(TokenStore(self.config.token_file).load())

    def disconnect(self) -> None:
        TokenStore(self.config.token_file).clear()
        self._api = None

    def listings(self, states: Sequence[str] = LISTING_STATES) -> list[Listing]:
        return [listing for state in states for listing in self.api.listings(state)]

    def listing_images(self, listing_id: int) -> list[EtsyImage]:
        return self.api.listing_images(listing_id)

    def plan(
        self,
        run_dir: Path | str,
        listing_id: int,
        order: Sequence[int] | None = None,
        remove_extra: bool = False,
    ) -> PushPlan:
        """The dry run: what a push would upload, replace, move, keep or remove. Changes
        nothing."""
        planned = plan_images(run_dir, order)
        with Manifest(self.config.manifest_file) as manifest:
            return preview_push(self.api, manifest, listing_id, planned, remove_extra)

    def push(
        self,
        run_dir: Path | str,
        listing_id: int,
        order: Sequence[int] | None = None,
        progress: Progress | None = None,
        options: PushOptions | None = None,
    ) -> PushResult:
        """`progress(done, total, step)` is called in the caller's thread after each rank.

        Refuses (PlanError, before any change) to overwrite photos that did not come from us
        unless `options.overwrite_foreign`.
        """
        planned = plan_images(run_dir, order)
        push_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        with Manifest(self.config.manifest_file) as manifest:
            return push_images(
                self.api,
                manifest,
                listing_id,
                planned,
                push_id,
                str(run_dir),
                progress,
                options or PushOptions(),
            )

    def plan_draft(self, request: ListingRequest) -> ListingPlan:
        """What `draft` would do: the fields checked, the photos with their alt texts, which
        photo each colour gets, the video, and the calls it needs against those left today.
        Changes nothing."""
        with Manifest(self.config.manifest_file) as manifest:
            return plan_listing(self.api, manifest, request, self.policy.daily_reserve)

    def draft(
        self,
        plan: ListingPlan,
        progress: Progress | None = None,
        options: PushOptions | None = None,
    ) -> ListingResult:
        """Make (or update) the run's draft listing as `plan` says; it stays a draft."""
        with Manifest(self.config.manifest_file) as manifest:
            return push_listing(self.api, manifest, plan, progress, options)

    def status(self, listing_id: int, calls: int = 100) -> ListingStatus:
        """What the manifest holds for the listing; no call to Etsy."""
        with Manifest(self.config.manifest_file) as manifest:
            return ListingStatus(
                listing_id=listing_id,
                pushed=list(manifest.pushed(listing_id).values()),
                pending=manifest.pending(listing_id),
                pushes=manifest.pushes(listing_id),
                calls=manifest.calls(listing_id, calls),
                video=manifest.video(listing_id),
            )


def run_video(
    run_dir: Path | str,
    out: Path | str | None = None,
    order: Sequence[int] | None = None,
    options: VideoOptions | None = None,
    progress: VideoProgress | None = None,
) -> VideoResult:
    """The listing video of the run's mockups (its first ten, or `order`), written to `out`
    (default RUN/listing-video.mp4); no call to Etsy, no Etsy settings needed."""
    images = [image.file for image in plan_images(run_dir, order, template_names={})]
    target = Path(out) if out is not None else Path(run_dir) / VIDEO_FILE_NAME
    return make_listing_video(images, target, options, progress)
