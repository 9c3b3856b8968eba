"""The listing video: an H.264 MP4 of 5 to 15 s in the mockups' shape, made frame by frame."""

from __future__ import annotations

from itertools import pairwise

import av
import pytest
from PIL import Image

from etsy_sync.cli import main
from etsy_sync.listing_video import (
    VideoOptions,
    make_listing_video,
    pan_box,
    plan_video,
    video_frames,
    video_size,
)
from tests.fake_etsy.helpers import write_run


def test_the_video_is_an_h264_mp4_of_the_mockups_in_order(tmp_path):
    run_dir = write_run(tmp_path / "run")
    images = sorted(run_dir.glob("*.jpg"))

    result = make_listing_video(images, tmp_path / "listing.mp4")

    with av.open(str(result.path)) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.codec_context.pix_fmt) == ("h264", "yuv420p")
        assert (stream.width, stream.height) == (64, 48) == (result.width, result.height)
        frames = list(container.decode(stream))
    assert len(frames) == result.frames == 288
    assert 11.9 < float(frames[-1].time) + 1 / 24 <= 12.0
    first = frames[0].to_image().getpixel((32, 24))
    assert all(abs(a - b) < 24 for a, b in zip(first, (23, 61, 97), strict=True))  # mockup 1
    assert not (tmp_path / "listing.mp4.part").exists()


@pytest.mark.parametrize(("count", "seconds"), [(1, 5.0), (2, 5.0), (10, 12.0), (20, 15.0)])
def test_the_video_lasts_5_to_15_seconds_whatever_the_number_of_mockups(tmp_path, count, seconds):
    plan = plan_video([tmp_path / f"{i}.jpg" for i in range(count)], (3000, 2250))

    assert plan.seconds == seconds
    assert plan.frames_per_image * count == plan.frames


@pytest.mark.parametrize(
    ("source", "size"),
    [((3000, 2250), (1440, 1080)), ((2400, 3000), (864, 1080)), ((641, 481), (640, 480))],
)
def test_the_video_has_the_first_mockups_shape_at_most_1080_tall_in_even_pixels(source, size):
    assert video_size(source, 1080) == size


def test_each_frame_shows_a_window_inside_its_mockup_sliding_without_jumps():
    boxes = [pan_box((1498, 1124), (1440, 1080), step / 28, 1) for step in range(29)]

    assert all(min(b[:2]) >= 0 and b[2] <= 1498 and b[3] <= 1124 for b in boxes)
    assert boxes[0] != boxes[-1]
    steps = [abs(b[0] - a[0]) + abs(b[1] - a[1]) for a, b in pairwise(boxes)]
    assert max(steps) <= 6


def test_the_video_command_needs_no_etsy_settings(tmp_path, monkeypatch, capsys):
    for name in ("ETSY_KEYSTRING", "ETSY_SHARED_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    run_dir = write_run(tmp_path / "run", count=3)

    assert main(["video", str(run_dir)]) == 0

    assert (run_dir / "listing-video.mp4").stat().st_size > 0
    assert "5.0 s" in capsys.readouterr().out


@pytest.fixture
def big_mockups(tmp_path):
    paths = []
    for index in range(10):
        path = tmp_path / f"{index:02d}-big.jpg"
        Image.new("RGB", (3000, 2250), (index * 20, 90, 160)).save(path, quality=80)
        paths.append(path)
    return paths


@pytest.mark.limit_memory("80 MB")
def test_frames_of_ten_3000_px_mockups_hold_at_most_two_of_them(big_mockups):
    options = VideoOptions()
    plan = plan_video(big_mockups, (3000, 2250), options)

    count = sum(1 for _ in video_frames(plan, options))

    assert count == plan.frames
