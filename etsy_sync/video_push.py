"""Pushing the listing video: once per content, resumable, never a second copy.

What Etsy does with videos (its spec and etsy/open-api discussions):
- uploadListingVideo takes multipart `video` and `name`; Etsy places videos after the photos
  and the API cannot move them (discussion #1714, a reply there).
- Since 2026-10-21 an upload adds a video instead of replacing the listing's (up to two;
  a third is refused with 409) and `is_multi_video` is gone (discussions #1714, #1760). So a
  changed video of ours is replaced by deleting ours first; a listing whose two videos are
  both the seller's is refused before the upload, with one line.
- A video Etsy is still processing shows as `inactive` (the spec's `video_state` has no
  processing state); ours is ours in any state but `deleted`.
Like an image upload, the upload is written down before it is sent; a push killed during it
finds the new video on the listing afterwards (read twice: it may still be processing) and
adopts it instead of uploading again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from etsy_sync.client import EtsyApi, EtsyVideo
from etsy_sync.errors import EtsyApiError, PlanError
from etsy_sync.listing_video import file_sha256
from etsy_sync.manifest import Manifest, PendingVideo, PushedVideo, now_iso
from mockups.runs.folder import RUN_FILE

MAX_VIDEOS = 2
VIDEO_CONFLICT = 409


@dataclass(frozen=True)
class VideoFile:
    path: Path
    sha256: str
    bytes: int

    @classmethod
    def of(cls, path: Path, run_dir: Path | None = None) -> VideoFile:
        """The video at `path`; refused when missing, or older than the run's mockups (a run
        rendered again since: the video would show the old ones)."""
        if not path.is_file():
            raise PlanError(
                f"{path}: no listing video; make it with `python -m etsy_sync video RUN`"
            )
        if run_dir is not None and older_than_run(path, run_dir):
            raise PlanError(
                f"{path} is older than the run's mockups; make it again with "
                f"`python -m etsy_sync video {run_dir}`"
            )
        return cls(path, file_sha256(path), path.stat().st_size)


@dataclass(frozen=True)
class VideoPushResult:
    video_id: int
    action: str
    """unchanged, uploaded, replaced (ours, changed) or adopted (an interrupted upload's)."""
    state: str
    replaced: int | None = None


def push_video(
    api: EtsyApi, manifest: Manifest, listing_id: int, video: VideoFile
) -> VideoPushResult:
    current = _live(api.listing_videos(listing_id))
    adopted = _settle_interrupted(api, manifest, listing_id, current)
    if adopted is not None:
        current = _live(api.listing_videos(listing_id))
    ours = manifest.video(listing_id)
    by_id = {v.video_id: v for v in current}
    if ours is not None and ours.video_id not in by_id:
        manifest.forget_video(listing_id)  # the seller removed it
        ours = None
    if ours is not None and ours.sha256 == video.sha256:
        action = "adopted" if adopted == ours.video_id else "unchanged"
        return VideoPushResult(ours.video_id, action, by_id[ours.video_id].state)
    others = [v for v in current if ours is None or v.video_id != ours.video_id]
    if len(others) >= MAX_VIDEOS:
        raise PlanError(
            f"listing {listing_id} already holds {len(others)} videos that did not come from "
            f"Mockup Lab; Etsy allows {MAX_VIDEOS}: remove one on Etsy first"
        )
    replaced = None
    if ours is not None:
        api.delete_video(listing_id, ours.video_id)
        manifest.forget_video(listing_id)
        replaced = ours.video_id
        current = [v for v in current if v.video_id != ours.video_id]
    created = _upload(api, manifest, listing_id, video, current)
    return VideoPushResult(
        created.video_id, "replaced" if replaced else "uploaded", created.state, replaced
    )


def _upload(
    api: EtsyApi, manifest: Manifest, listing_id: int, video: VideoFile, before: list[EtsyVideo]
) -> EtsyVideo:
    pending = PendingVideo(
        listing_id=listing_id,
        sha256=video.sha256,
        file=str(video.path),
        ids_before=tuple(v.video_id for v in before),
        started_at=now_iso(),
    )
    manifest.begin_video(pending)
    try:
        created = api.upload_video(listing_id, video.path.read_bytes(), video.path.name)
    except EtsyApiError as error:
        if error.status is not None and error.status < 500:
            manifest.drop_pending_video(listing_id)
        if error.status == VIDEO_CONFLICT:
            raise EtsyApiError(
                f"listing {listing_id}: Etsy refused another video (it allows {MAX_VIDEOS}); "
                "remove one on Etsy, then run the same command again",
                error.status,
                error.detail,
            ) from None
        raise  # an unknown outcome stays pending: the next push looks for the video first
    manifest.record_video(_pushed(pending, created.video_id))
    return created


def _settle_interrupted(
    api: EtsyApi, manifest: Manifest, listing_id: int, current: list[EtsyVideo]
) -> int | None:
    """Adopt the video an interrupted upload left, if Etsy got it; its id, or None."""
    pending = manifest.pending_video(listing_id)
    if pending is None:
        return None
    for attempt in (1, 2):
        new = [v for v in current if v.video_id not in pending.ids_before]
        if len(new) == 1:
            manifest.record_video(_pushed(pending, new[0].video_id))
            return new[0].video_id
        if attempt == 1:
            api.policy.sleep(api.policy.backoff(1))
            current = _live(api.listing_videos(listing_id))
    manifest.drop_pending_video(listing_id)
    return None


def older_than_run(path: Path, run_dir: Path) -> bool:
    run_file = run_dir / RUN_FILE
    return run_file.is_file() and run_file.stat().st_mtime > path.stat().st_mtime


def _live(videos: list[EtsyVideo]) -> list[EtsyVideo]:
    return [v for v in videos if v.state != "deleted"]


def _pushed(pending: PendingVideo, video_id: int) -> PushedVideo:
    return PushedVideo(
        listing_id=pending.listing_id,
        video_id=video_id,
        sha256=pending.sha256,
        file=pending.file,
        pushed_at=now_iso(),
    )
