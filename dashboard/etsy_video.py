"""The listing video on the Etsy page: made where renders run, shown from its file.

The video waits for one of this server's render slots like a render, and its frames are made
and encoded in a child process (`etsy_sync.video_child`): x264's frames and FFmpeg's
libraries never enter the web process, and at most as many videos as render slots are made at
once. The page shows it with `st.video` from its file, with the size and length recorded
beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard.etsy_tasks import TaskProgress, ended_task, etsy_tasks, follow
from dashboard.resources import render_slots
from dashboard.text import as_text, megabytes, shown_message
from etsy_sync.listing_video import VIDEO_FILE_NAME, VideoResult, read_video_info
from etsy_sync.video_child import ChildVideo, video_in_child
from etsy_sync.video_push import older_than_run
from mockups.errors import MockupLabError
from mockups.render.budget import DEFAULT_BUDGET_MB, budget_bytes

TASK_KEY = "etsy-video-task"


@dataclass(frozen=True)
class RunVideo:
    """The run's listing video as it is on disk."""

    path: Path
    exists: bool
    stale: bool
    """Older than the run's mockups: the run was rendered again since."""
    info: VideoResult | None


def run_video_file(run_dir: Path) -> RunVideo:
    path = run_dir / VIDEO_FILE_NAME
    if not path.is_file():
        return RunVideo(path, exists=False, stale=False, info=None)
    stat = path.stat()
    info = _video_info(str(path), stat.st_mtime_ns, stat.st_size)
    return RunVideo(path, exists=True, stale=older_than_run(path, run_dir), info=info)


@st.cache_data(max_entries=32, show_spinner=False)
def _video_info(path: str, changed_ns: int, size: int) -> VideoResult | None:
    """Read (and its hash checked) once per change of the file."""
    return read_video_info(Path(path))


def start_video(run_dir: Path) -> str:
    """Make the run's video in the background: wait for a render slot, then encode in a
    child process. Returns the task's id; `TaskRunning` when the run is busy."""
    slots = render_slots()

    def work(progress: TaskProgress) -> ChildVideo:
        told: list[int] = []

        def on_place(place: int) -> None:
            if place and told[-1:] != [place]:
                progress.step(f"Waiting for a render slot: {_ordinal(place)} in line")
                told.append(place)

        with slots.slot(on_place):
            progress.step("Making the video: frame by frame in its own process")
            return video_in_child(run_dir, progress=progress.count)

    return etsy_tasks().start("video", str(run_dir), "Making the listing video", work)


def video_panel(run_dir: Path) -> None:
    """The run's video (or why there is none) beside the button that makes it."""
    st.markdown("**The listing video**")
    running = etsy_tasks().running_for(str(run_dir))
    video = run_video_file(run_dir)
    picture, words = st.columns([2, 3])
    if video.exists and not video.stale:
        picture.video(str(video.path))
        words.caption(as_text(video_caption(video)))
    elif video.stale:
        words.warning(
            "The video is older than the run's mockups (the run was rendered again): make it "
            "again before pushing it.",
            icon=":material/warning:",
        )
    else:
        words.caption(
            "No listing video yet: 5 to 15 s of slow pans and crossfades across the mockups "
            f"(H.264), made in its own process within the {_budget()} render budget."
        )
    label = "Make the video again" if video.exists else "Make the listing video"
    with words:
        if st.button(label, key="etsy-video-button", disabled=running is not None):
            st.session_state[TASK_KEY] = start_video(run_dir)
            running = etsy_tasks().running_for(str(run_dir))
        if running is not None and running.kind == "video":
            follow(running.task_id)
        _last_outcome(run_dir)


def video_caption(video: RunVideo) -> str:
    """`listing-video.mp4 · 1.4 MB · 12.0 s · 1440 x 1080`."""
    size = f"{video.path.stat().st_size / 2**20:.1f} MB"
    if video.info is None:
        return f"{video.path.name} · {size} · length not recorded"
    info = video.info
    return f"{video.path.name} · {size} · {info.seconds:.1f} s · {info.width} x {info.height}"


def _last_outcome(run_dir: Path) -> None:
    """How this session's last video of this run ended: its figures, or why it failed."""
    task = ended_task(TASK_KEY, run_dir)
    if task is None:
        return
    if task.state == "failed":
        st.error(shown_message(task.error or "the video could not be made"))
        return
    made: ChildVideo = task.result
    peak = f", peak {megabytes(made.peak_rss_bytes)}" if made.peak_rss_bytes else ""
    st.caption(
        f"Made in {made.video.encode_seconds:.1f} s in its own process{peak} "
        f"(the render budget: {_budget()})."
    )


def _budget() -> str:
    try:
        return megabytes(budget_bytes())
    except MockupLabError:  # a bad setting: the render page says so
        return f"{DEFAULT_BUDGET_MB} MB"


def _ordinal(number: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number if number < 20 else number % 10, "th")
    return f"{number}{suffix}"
