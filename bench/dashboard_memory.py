"""The dashboard server's own memory, driven through Debian's chromium like a team member.

1. One session renders the same artwork ten times (ten mockups each): the server's RSS after
   each run. Goal: after the tenth within +30 MB of after the first.
2. Five sessions press Render at once: the server's peak RSS against one session's peak.
   Goal: render slots keep it far from five times.
3. Two sessions upload a file as large as the upload limit at once: the server's peak RSS
   above its RSS before (Streamlit holds an upload in memory until the page stores it).

Usage: python -m bench.dashboard_memory [--runs 10] [--sessions 5] [--uploads-only]
       python -m bench.dashboard_memory --consecutive-only --profile   # ten profiled runs
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import threading
import time
from pathlib import Path

import numpy
import psutil
from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from bench.common import make_artwork, print_table
from harness.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server
from mockups.memory import MIB

DONE = re.compile(r"^10-[a-z-]+$")
SLOW = 300_000


class RssSampler:
    """The server process's RSS every 20 ms on a thread; `peak` is the highest seen."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def now(self) -> int:
        return self.process.memory_info().rss

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.now())


def finished_runs(data_dir: Path) -> int:
    return len(list((data_dir / "runs").glob("*/run.json")))


def wait_until(condition, seconds: float = SLOW / 1000) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the dashboard did not finish in time")
        time.sleep(0.2)


def render_once(page: Page, artwork: Path, data_dir: Path) -> None:
    """Upload, press Render, and return once this run is on disk and the page is idle.

    The previous run's gallery stays on the page while the next renders, so its captions
    cannot tell that the new run is done; the runs folder can.
    """
    before = finished_runs(data_dir)
    upload(page, artwork)
    page.get_by_role("button", name="Render").click()
    wait_until(lambda: finished_runs(data_dir) > before)
    expect(page.get_by_text(DONE)).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)


def upload(page: Page, artwork: Path) -> None:
    """Choose the file and wait until the server has it (its name shows in the uploader)."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(artwork))
    uploaded(page)


def uploaded(page: Page) -> None:
    expect(page.get_by_test_id("stFileChipName")).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_have_count(0, timeout=SLOW)


def upload_limit_file(folder: Path) -> Path:
    """Random pixels in a PNG just under the dashboard's upload limit (noise does not shrink)."""
    import tomllib

    from harness.browser import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    limit = config["server"]["maxUploadSize"] * 1_000_000 * 0.95
    side = int((limit / 3) ** 0.5)
    path = folder / f"noise-{side}.png"
    pixels = numpy.random.default_rng(1).integers(0, 256, (side, side, 3), dtype=numpy.uint8)
    Image.fromarray(pixels).save(path, compress_level=1)
    return path


def server_pid(port: int) -> int:
    for connection in psutil.net_connections("tcp"):
        if connection.laddr.port == port and connection.status == psutil.CONN_LISTEN:
            return connection.pid
    raise RuntimeError(f"no process listens on {port}")


def consecutive_runs(
    url: str, artwork: Path, runs: int, browser, data_dir: Path, profile: bool = False
) -> list[int]:
    page = browser.new_page()
    page.goto(url)
    if profile:
        page.get_by_text("Profile memory (memray)").click()
    sampler = RssSampler(server_pid(int(url.rsplit(":", 1)[1])))
    after = []
    for _ in range(runs):
        render_once(page, artwork, data_dir)
        time.sleep(1.0)
        after.append(sampler.now())
    page.close()
    return after


def concurrent_sessions(url: str, artwork: Path, sessions: int, browser, data_dir: Path) -> int:
    pages = [browser.new_page() for _ in range(sessions)]
    for page in pages:
        page.goto(url)
        upload(page, artwork)
    before = finished_runs(data_dir)
    with RssSampler(server_pid(int(url.rsplit(":", 1)[1]))) as sampler:
        for page in pages:
            page.get_by_role("button", name="Render").click()
        wait_until(lambda: finished_runs(data_dir) >= before + sessions)
    for page in pages:
        page.close()
    return sampler.peak


def concurrent_uploads(url: str, artwork: Path, sessions: int, browser) -> tuple[int, int]:
    """(RSS before, peak RSS) of the server while `sessions` upload `artwork` at once."""
    pages = [browser.new_page() for _ in range(sessions)]
    for page in pages:
        page.goto(url)
        expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_be_attached(timeout=SLOW)
    sampler = RssSampler(server_pid(int(url.rsplit(":", 1)[1])))
    before = sampler.now()
    with sampler:
        for page in pages:
            page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(artwork))
        for page in pages:
            uploaded(page)
        time.sleep(1.0)
    for page in pages:
        page.close()
    return before, sampler.peak


def report_consecutive(runs: int, profile: bool, after: list[int]) -> None:
    growth = (after[-1] - after[0]) / MIB
    kind = "profiled ten-mockup runs (memray)" if profile else "ten-mockup runs"
    print(f"dashboard_memory: {runs} consecutive {kind} in one session")
    print_table(
        ["run", "server RSS after MB"],
        [[str(i), f"{rss / MIB:.1f}"] for i, rss in enumerate(after, start=1)],
    )
    print(
        f"goal: RSS after run {runs} within +30 MB of run 1: {growth:+.1f} MB: "
        f"{'met' if growth <= 30 else 'NOT met'}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dashboard_memory", description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=5)
    parser.add_argument("--uploads-only", action="store_true", help="only the third part")
    parser.add_argument("--profile", action="store_true", help="tick Profile memory (memray)")
    parser.add_argument("--consecutive-only", action="store_true", help="only the first part")
    args = parser.parse_args(argv)
    if args.uploads_only:
        return uploads_only()
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as folder:
        work = Path(folder)
        artwork = make_artwork(work)
        log = work / "streamlit.log"
        with streamlit_server(work / "data", log) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            data = work / "data"
            after = consecutive_runs(url, artwork, args.runs, browser, data, args.profile)
            if args.consecutive_only:
                browser.close()
                report_consecutive(args.runs, args.profile, after)
                return 0
            single = concurrent_sessions(url, artwork, 1, browser, data)
            many = concurrent_sessions(url, artwork, args.sessions, browser, data)
            big = upload_limit_file(work)
            upload_mb = big.stat().st_size / 1e6
            upload_before, upload_peak = concurrent_uploads(url, big, 2, browser)
            browser.close()
    report_consecutive(args.runs, args.profile, after)
    print(
        f"peak server RSS, 1 session rendering: {single / MIB:.1f} MB; "
        f"{args.sessions} at once: {many / MIB:.1f} MB ({many / single:.2f}x)"
    )
    print(
        f"two {upload_mb:.0f} MB uploads at once: server RSS {upload_before / MIB:.1f} -> "
        f"peak {upload_peak / MIB:.1f} MB (+{(upload_peak - upload_before) / MIB:.1f} MB)"
    )
    print(json.dumps({
        "benchmark": "dashboard_memory",
        "rss_after_mb": [round(r / MIB, 1) for r in after],
        "growth_mb": round((after[-1] - after[0]) / MIB, 1),
        "peak_one_session_mb": round(single / MIB, 1),
        "peak_sessions_mb": round(many / MIB, 1),
        "sessions": args.sessions,
        "upload_mb": round(upload_mb, 1),
        "two_uploads_before_mb": round(upload_before / MIB, 1),
        "two_uploads_peak_mb": round(upload_peak / MIB, 1),
    }, separators=(",", ":")))  # fmt: skip
    return 0


def uploads_only() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as folder:
        work = Path(folder)
        big = upload_limit_file(work)
        upload_mb = big.stat().st_size / 1e6
        log = work / "streamlit.log"
        with streamlit_server(work / "data", log) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            before, peak = concurrent_uploads(url, big, 2, browser)
            browser.close()
    print(
        f"two {upload_mb:.0f} MB uploads at once: server RSS {before / MIB:.1f} -> "
        f"peak {peak / MIB:.1f} MB (+{(peak - before) / MIB:.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
