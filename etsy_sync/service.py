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
sync.run_draft(run_dir)                 # RunDraft: the run's draft as the manifest holds it
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
from etsy_sync.listing import (
    ListingPlan,
    ListingRequest,
    ListingResult,
    Stage,
    plan_listing,
    push_listing,
    run_key,
)
from etsy_sync.listing_video import run_video as run_video  # where callers have found it
from etsy_sync.manifest import (
    LoggedCall,
    Manifest,
    PendingDraft,
    PendingUpload,
    PendingVideo,
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
    pending_video: PendingVideo | None = None


@dataclass(frozen=True)
class RunDraft:
    """What the manifest holds about a run's draft listing."""

    run_dir: str
    listing_id: int | None
    creating: PendingDraft | None
    """A creation written down but never confirmed (the push stopped while Etsy made it)."""
    status: ListingStatus | None

    @property
    def last_push(self) -> PushRecord | None:
        return self.status.pushes[0] if self.status and self.status.pushes else None

    @property
    def unfinished(self) -> bool:
        """Whether the run's last draft push stopped before its end, as far as the manifest
        knows: a creation, an upload or a video never confirmed, or photos never finished."""
        if self.creating is not None:
            return True
        if self.status is None:
            return False
        if self.status.pending or self.status.pending_video is not None:
            return True
        return self.last_push is None or self.last_push.outcome != "done"


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
        on_stage: Stage | None = None,
    ) -> ListingResult:
        """Make (or update) the run's draft listing as `plan` says; it stays a draft.
        `on_stage(name)` hears each step begin: draft, photos, colours, video."""
        with Manifest(self.config.manifest_file) as manifest:
            return push_listing(self.api, manifest, plan, progress, options, on_stage)

    def run_draft(self, run_dir: Path | str) -> RunDraft:
        """What the manifest holds about the run's draft (none, made, or a push that stopped
        midway, and where); no call to Etsy."""
        key = run_key(Path(run_dir))
        with Manifest(self.config.manifest_file) as manifest:
            record = manifest.draft(key)
            creating = manifest.pending_draft(key)
        listing_id = record.listing_id if record is not None else None
        status = self.status(listing_id) if listing_id is not None else None
        return RunDraft(key, listing_id, creating, status)

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
                pending_video=manifest.pending_video(listing_id),
            )
