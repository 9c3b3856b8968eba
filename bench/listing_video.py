"""The listing video from ten 3000 px mockups: encode time and peak RSS, PyAV against
imageio-ffmpeg (both ship FFmpeg with libx264 in their wheels).

Usage: python -m bench.listing_video [--runs 3] [--encoders av,imageio] [--run-dir RUN]

Ten mockups are rendered once from the benchmark artwork (`python -m mockups render`, the
first ten built-in templates: 3000 x 2000 to 2400 x 3000 JPEGs), unless `--run-dir` names a
run. Each encoder then makes the same video from the same frames (`etsy_sync.listing_video`:
1440 x 1080, 24 fps, 12 s, x264 veryfast, CRF 23, look-ahead 4, no B-frames, two slice
threads) in a child
process of its own, runs alternating. Peak RSS is the process tree's, summed (imageio-ffmpeg
pipes frames to an ffmpeg process: its memory counts too), sampled every 20 ms with psutil;
`ru_maxrss` from wait4 is printed beside it (the largest single process, never a sum).
Goal: the video within the 256 MB render budget.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from bench.common import MIB, PYTHON, ROOT, make_artwork, print_json, print_table, temp_folder
from bench.common import verdict as goal_verdict
from bench.machine import load_average, load_note

GOAL_MB = 256
ENCODERS = ("av", "imageio")
SAMPLE_SECONDS = 0.02


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--encoders", default=",".join(ENCODERS))
    parser.add_argument("--run-dir", type=Path, help="a run folder with ten mockups to use")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(*args.child)
    encoders = [e for e in args.encoders.split(",") if e]
    load_at_start = load_average()
    with temp_folder("listing-video") as folder:
        run_dir = args.run_dir or _render_mockups(Path(folder))
        results: dict[str, list[dict]] = {encoder: [] for encoder in encoders}
        for _ in range(args.runs):
            for encoder in encoders:
                out = Path(folder) / f"{encoder}.mp4"
                results[encoder].append(_measure(encoder, run_dir, out))
    rows, summary = [], {}
    for encoder, runs in results.items():
        wall = statistics.median(r["wall_seconds"] for r in runs)
        tree = statistics.median(r["tree_peak_mb"] for r in runs)
        maxrss = statistics.median(r["maxrss_mb"] for r in runs)
        cpu = statistics.median(r["cpu_seconds"] for r in runs)
        size = runs[-1]["bytes"] / MIB
        rows.append([encoder, f"{wall:.2f}", f"{cpu:.2f}", f"{tree:.1f}", f"{maxrss:.1f}"])
        rows[-1].append(f"{size:.1f}")
        summary[encoder] = {
            "runs": runs,
            "median_wall_seconds": round(wall, 3),
            "median_tree_peak_mb": round(tree, 1),
            "median_maxrss_mb": round(maxrss, 1),
            "median_cpu_seconds": round(cpu, 3),
        }
    headers = ["encoder", "wall s", "CPU s", "peak RSS MB (tree)", "ru_maxrss MB", "video MB"]
    print_table(headers, rows)
    print(load_note(load_at_start))
    video = runs[-1]
    shape = f"{video['width']} x {video['height']}"
    print(f"  video: {shape}, {video['seconds']} s, {video['frames']} frames")
    best = min(summary.values(), key=lambda s: s["median_tree_peak_mb"])
    met = best["median_tree_peak_mb"] <= GOAL_MB  # type: ignore[operator]
    print(f"goal: the video within {GOAL_MB} MB peak RSS: {goal_verdict(met)}")
    print_json("listing_video", {"load_average": [load_at_start, load_average()], **summary})
    return 0


def _render_mockups(folder: Path) -> Path:
    artwork = make_artwork(folder)
    run_dir = folder / "run"
    templates = (
        "canvas,desk-frame,framed-wall,greeting-card,mug,phone-case,pillow,poster,tote,tshirt"
    )
    subprocess.run(
        [
            PYTHON,
            "-m",
            "mockups",
            "render",
            str(artwork),
            "--out",
            str(run_dir),
            "--templates",
            templates,
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return run_dir


def _measure(encoder: str, run_dir: Path, out: Path) -> dict:
    command = [PYTHON, "-m", "bench.listing_video", "--child", encoder, str(run_dir), str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    peak = _TreePeak(process.pid)
    peak.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    peak.stop()
    assert process.stdout is not None
    report = json.loads(process.stdout.read())
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{encoder} failed")
    return {
        **report,
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "tree_peak_mb": round(peak.peak / MIB, 1),
        "maxrss_mb": round(usage.ru_maxrss * 1024 / MIB, 1),
    }


class _TreePeak(threading.Thread):
    """The largest sum of RSS over a process and its descendants, sampled."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.peak = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                self.peak = max(self.peak, sum(_rss(p) for p in tree))
            except psutil.Error:
                pass
            time.sleep(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.Error:
        return 0


def _child(encoder: str, run_dir: str, out: str) -> int:
    from etsy_sync.listing_video import VideoOptions, plan_video, video_frames
    from etsy_sync.run_images import plan_images

    images = [image.file for image in plan_images(run_dir, template_names={})]
    options = VideoOptions()
    from PIL import Image

    with Image.open(images[0]) as first:
        plan = plan_video(images, first.size, options)
    started = time.perf_counter()
    if encoder == "av":
        from etsy_sync.listing_video import encode_h264

        encode_h264(video_frames(plan, options), Path(out), plan, options)
    else:
        _encode_with_imageio(plan, options, Path(out))
    print(
        json.dumps(
            {
                "encode_seconds": round(time.perf_counter() - started, 3),
                "bytes": Path(out).stat().st_size,
                "width": plan.width,
                "height": plan.height,
                "frames": plan.frames,
                "seconds": plan.seconds,
            }
        )
    )
    return 0


def _encode_with_imageio(plan, options, out: Path) -> None:  # type: ignore[no-untyped-def]
    """The same encode through imageio-ffmpeg: frames piped to its ffmpeg binary."""
    import imageio_ffmpeg

    from etsy_sync.listing_video import video_frames, x264_params

    writer = imageio_ffmpeg.write_frames(
        str(out),
        (plan.width, plan.height),
        fps=plan.fps,
        codec="libx264",
        pix_fmt_out="yuv420p",
        quality=None,
        macro_block_size=2,
        ffmpeg_log_level="error",
        output_params=[
            *("-crf", str(options.crf), "-preset", options.preset),
            *("-x264-params", x264_params(options), "-movflags", "+faststart"),
        ],
    )
    writer.send(None)
    for frame in video_frames(plan, options):
        writer.send(frame.tobytes())
    writer.close()


if __name__ == "__main__":
    sys.exit(main())
