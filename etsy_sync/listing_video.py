"""A listing video from a run's mockups: slow pans and crossfades, H.264 in MP4, 5 to 15 s.

Frames are made and encoded one at a time: at most two mockups are held, each reduced to the
video's size (plus the pan's margin) as it is opened, so memory stays far below the render
budget whatever the mockups' size. PyAV encodes in-process with the libx264 its wheel ships,
its frames in flight kept few: x264 holds about 6 MB for each frame of look-ahead at 1080p,
and with its defaults (40 frames of look-ahead, B-frames, a frame per thread) a 1440 x 1080
video peaked at 473 MB here; with 4 frames of look-ahead, no B-frames and two threads sharing
each frame in slices, about 210 MB (`bench/listing_video.py`).
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from PIL import Image, ImageOps

from etsy_sync.errors import PlanError
from etsy_sync.run_images import plan_images
from mockups.runs.folder import atomic_file, write_atomically

MIN_SECONDS = 5.0
MAX_SECONDS = 15.0
VIDEO_FILE_NAME = "listing-video.mp4"


@dataclass(frozen=True)
class VideoOptions:
    seconds_per_image: float = 1.2
    """Before the total is kept within 5-15 s."""
    crossfade_seconds: float = 0.4
    fps: int = 24
    max_height: int = 1080
    pan: float = 1.04
    """Each mockup is prepared this much larger than the video, and the frame slides across
    the margin while it shows."""
    crf: int = 23
    preset: str = "veryfast"
    lookahead_frames: int = 4
    threads: int = 2


@dataclass(frozen=True)
class VideoPlan:
    """What the video will be: its size, length and which mockup shows when."""

    width: int
    height: int
    fps: int
    frames: int
    images: tuple[Path, ...]
    frames_per_image: float
    crossfade_frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.fps


@dataclass(frozen=True)
class VideoResult:
    path: Path
    width: int
    height: int
    seconds: float
    frames: int
    bytes: int
    sha256: str
    encode_seconds: float

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "path": self.path.name})


Progress = Callable[[int, int], None]


def plan_video(
    images: Sequence[Path], first_size: tuple[int, int], options: VideoOptions | None = None
) -> VideoPlan:
    """The plan for `images` (in order), shaped like the first one (`first_size`)."""
    options = options or VideoOptions()
    if not images:
        raise PlanError("a listing video needs at least one mockup")
    total = min(MAX_SECONDS, max(MIN_SECONDS, len(images) * options.seconds_per_image))
    frames = round(total * options.fps)
    width, height = video_size(first_size, options.max_height)
    per_image = frames / len(images)
    crossfade = min(round(options.crossfade_seconds * options.fps), int(per_image / 3))
    return VideoPlan(width, height, options.fps, frames, tuple(images), per_image, crossfade)


def video_size(source: tuple[int, int], max_height: int) -> tuple[int, int]:
    """The first mockup's shape at most `max_height` tall, in even pixels (H.264's 4:2:0)."""
    width, height = source
    scale = min(1.0, max_height / height)
    return _even(width * scale), _even(height * scale)


def run_video(
    run_dir: Path | str,
    out: Path | str | None = None,
    order: Sequence[int] | None = None,
    options: VideoOptions | None = None,
    progress: Progress | None = None,
) -> VideoResult:
    """The listing video of the run's mockups (its first ten, or `order`), written to `out`
    (default RUN/listing-video.mp4); no call to Etsy, no Etsy settings needed."""
    images = [image.file for image in plan_images(run_dir, order, template_names={})]
    return make_listing_video(images, video_path(run_dir, out), options, progress)


def video_path(run_dir: Path | str, out: Path | str | None = None) -> Path:
    """Where `run_video` writes: `out`, else RUN/listing-video.mp4."""
    return Path(out) if out is not None else Path(run_dir) / VIDEO_FILE_NAME


def make_listing_video(
    images: Sequence[Path],
    out: Path,
    options: VideoOptions | None = None,
    progress: Progress | None = None,
) -> VideoResult:
    """Write the video of `images` to `out` (through a `.part` file), frame by frame."""
    options = options or VideoOptions()
    plan = plan_video(images, _image_size(images[0]) if images else (0, 0), options)
    started = time.perf_counter()
    with atomic_file(out) as partial:
        encode_h264(video_frames(plan, options), partial, plan, options, progress)
    result = VideoResult(
        path=out,
        width=plan.width,
        height=plan.height,
        seconds=plan.seconds,
        frames=plan.frames,
        bytes=out.stat().st_size,
        sha256=_sha256(out),
        encode_seconds=round(time.perf_counter() - started, 3),
    )
    write_atomically(video_info_path(out), result.to_json().encode())
    return result


def video_info_path(video: Path) -> Path:
    """Where a video's `VideoResult` is kept beside it: `listing-video.json`."""
    return video.with_suffix(".json")


def read_video_info(video: Path) -> VideoResult | None:
    """What `make_listing_video` recorded about `video` (its size, length, hash), or None when
    nothing readable is recorded or the record is of another file (the video was replaced):
    its length is known without opening it with FFmpeg."""
    try:
        data = json.loads(video_info_path(video).read_text(encoding="utf-8"))
        known = {f.name for f in fields(VideoResult)}
        result = VideoResult(**{**{k: v for k, v in data.items() if k in known}, "path": video})
        same = result.bytes == video.stat().st_size and result.sha256 == _sha256(video)
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    return result if same else None


def video_frames(plan: VideoPlan, options: VideoOptions) -> Iterator[Image.Image]:
    """Every frame, in order, as RGB images of the plan's size."""
    loaded: dict[int, Image.Image] = {}
    for number in range(plan.frames):
        index, progress = divmod(number / plan.frames_per_image, 1.0)
        current = int(index)
        for old in [i for i in loaded if i < current]:
            del loaded[old]  # a mockup is released once the video has moved past it
        frame = _panned(_prepared(loaded, plan, current, options), progress, current, plan)
        fade_start = plan.frames_per_image - plan.crossfade_frames
        into_fade = number - current * plan.frames_per_image - fade_start
        if plan.crossfade_frames and into_fade > 0 and current + 1 < len(plan.images):
            following = _prepared(loaded, plan, current + 1, options)
            upcoming = _panned(following, 0.0, current + 1, plan)
            frame = Image.blend(frame, upcoming, into_fade / plan.crossfade_frames)
        yield frame


def encode_h264(
    frames: Iterator[Image.Image],
    path: Path,
    plan: VideoPlan,
    options: VideoOptions,
    progress: Progress | None = None,
) -> None:
    import av  # imported here: 40 MB of FFmpeg libraries only for the processes that encode

    x264 = {"crf": str(options.crf), "preset": options.preset, "x264-params": x264_params(options)}
    # MP4's index first ("faststart"), so the file can play (and be checked) as it streams in.
    with av.open(str(path), "w", format="mp4", options={"movflags": "faststart"}) as container:
        stream = container.add_stream("libx264", rate=plan.fps, options=x264)
        stream.width, stream.height, stream.pix_fmt = plan.width, plan.height, "yuv420p"
        for number, image in enumerate(frames, start=1):
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                container.mux(packet)
            if progress is not None:
                progress(number, plan.frames)
        for packet in stream.encode(None):
            container.mux(packet)


def x264_params(options: VideoOptions) -> str:
    """x264's settings that bound its memory (see the module's notes)."""
    return (
        f"rc-lookahead={options.lookahead_frames}:sync-lookahead=0:bframes=0:"
        f"threads={options.threads}:sliced-threads=1"
    )


def pan_box(
    source: tuple[int, int], size: tuple[int, int], progress: float, index: int
) -> tuple[int, int, int, int]:
    """The window of a prepared mockup one frame shows: `size`, sliding slowly across the
    margin the mockup was prepared with, in a direction that changes from mockup to mockup.

    Whole pixels: a pure slide needs no resampling per frame (a crop, where a zoom costs a
    resize of the whole frame), and x264 codes it as plain motion.
    """
    margin_x, margin_y = source[0] - size[0], source[1] - size[1]
    start, end = _PAN_PATHS[index % len(_PAN_PATHS)]
    t = _ease(progress)
    left = round(margin_x * (start[0] + (end[0] - start[0]) * t))
    top = round(margin_y * (start[1] + (end[1] - start[1]) * t))
    return left, top, left + size[0], top + size[1]


# Where each mockup's window starts and ends, as fractions of its margin.
_PAN_PATHS = (((0.0, 0.5), (1.0, 0.5)), ((1.0, 0.2), (0.0, 0.8)), ((0.5, 0.0), (0.5, 1.0)))


def file_sha256(path: Path) -> str:
    return _sha256(path)


def _prepared(
    loaded: dict[int, Image.Image], plan: VideoPlan, index: int, options: VideoOptions
) -> Image.Image:
    """Mockup `index` cut to the video's shape at `pan` times its size, opened once."""
    if index not in loaded:
        size = (_even(plan.width * options.pan), _even(plan.height * options.pan))
        loaded[index] = _open_fitted(plan.images[index], size)
    return loaded[index]


def _open_fitted(path: Path, size: tuple[int, int]) -> Image.Image:
    try:
        with Image.open(path) as image:
            image.draft("RGB", size)  # JPEG: decode at the smallest scale that still covers it
            rgb = image if image.mode == "RGB" else image.convert("RGB")
            return ImageOps.fit(rgb, size, Image.Resampling.LANCZOS)
    except (OSError, ValueError) as error:
        raise PlanError(f"{path}: cannot be read for the video ({type(error).__name__})") from None


def _panned(image: Image.Image, progress: float, index: int, plan: VideoPlan) -> Image.Image:
    return image.crop(pan_box(image.size, (plan.width, plan.height), progress, index))


def _image_size(path: Path) -> tuple[int, int]:
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, ValueError) as error:
        raise PlanError(f"{path}: cannot be read for the video ({type(error).__name__})") from None


def _ease(t: float) -> float:
    """Slow in, slow out: the pan never starts or stops with a jolt."""
    return 0.5 - math.cos(math.pi * min(1.0, max(0.0, t))) / 2


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def _sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
