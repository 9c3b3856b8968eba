"""The listing video made in a child process (what the dashboard calls), and the record of its
size and length kept beside it."""

from __future__ import annotations

import json

import pytest

from etsy_sync.errors import PlanError
from etsy_sync.listing_video import read_video_info, run_video, video_info_path
from etsy_sync.video_child import video_in_child
from tests.fake_etsy.helpers import write_run


def test_the_child_makes_the_video_reports_each_frame_and_its_own_peak(tmp_path):
    run_dir = write_run(tmp_path / "run")
    frames: list[tuple[int, int]] = []

    made = video_in_child(run_dir, progress=lambda done, total: frames.append((done, total)))

    assert made.video.path == run_dir / "listing-video.mp4" and made.video.path.is_file()
    assert frames[0] == (1, 288) and frames[-1] == (288, 288) and len(frames) == 288
    assert made.peak_rss_bytes is not None and 20 * 2**20 < made.peak_rss_bytes < 400 * 2**20


def test_a_refusal_in_the_child_comes_back_as_the_same_one_line_error(tmp_path):
    with pytest.raises(PlanError, match=r"not a finished run \(no run.json\)"):
        video_in_child(tmp_path / "no-run")


def test_a_caller_that_stops_following_leaves_no_video_behind(tmp_path):
    run_dir = write_run(tmp_path / "run")

    def leave(done: int, total: int) -> None:
        if done == total // 2:  # the video's first frames are written by then
            raise KeyboardInterrupt  # as a page's script is stopped mid-run

    with pytest.raises(KeyboardInterrupt):
        video_in_child(run_dir, progress=leave)

    assert not (run_dir / "listing-video.mp4").exists()
    assert not (run_dir / "listing-video.mp4.part").exists()


def test_the_videos_size_and_length_are_kept_beside_it(tmp_path):
    run_dir = write_run(tmp_path / "run")
    made = run_video(run_dir)

    known = read_video_info(made.path)

    assert known == made
    assert json.loads(video_info_path(made.path).read_text())["seconds"] == 12.0


def test_the_record_of_another_file_is_not_believed(tmp_path):
    run_dir = write_run(tmp_path / "run")
    made = run_video(run_dir)
    made.path.write_bytes(made.path.read_bytes()[:-10])  # replaced by another file

    assert read_video_info(made.path) is None


def test_a_damaged_record_reads_as_none(tmp_path):
    run_dir = write_run(tmp_path / "run")
    made = run_video(run_dir)
    video_info_path(made.path).write_text("[1, 2")

    assert read_video_info(made.path) is None
