"""The dashboard server's memory while a team member watches a collection of N artworks on the
Collections page, driven through Debian's chromium.

For each N a throwaway home gets a collection of N small artworks rendered on one template by
`python -m mockups batch` (the page's cost is per artwork: its row, its preview, its line, not
per mockup). A fresh server starts on that home; one session opens Collections, waits for the
table's N done, then reloads the page R times, then follows the page's link to the whole
collection's zip. The server's RSS (psutil, every 20 ms): idle before the page, after the
first show (the N previews made and sent), after each reload, its peak, and its peak while
the zip is written and streamed. Goal (issue 30): a collection of 100 within +30 MB of the
server's idle RSS.

Usage: python -m bench.collection_page [--artworks 10,100] [--reloads 5] [--template poster]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import expect, sync_playwright

from bench.common import PYTHON, ROOT, print_table, temp_folder
from bench.dashboard_memory import SLOW, RssSampler, server_pid
from harness.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server
from mockups.memory import MIB
from profiling.artworks import write_artwork

ARTWORK_SIZE = (800, 1000)
HEADERS = [
    "artworks", "idle MB", "first show MB", "after last reload MB", "peak MB", "zip MB",
    "download peak MB", "load avg",
]  # fmt: skip
GOAL_MB = 30


@dataclass
class Shown:
    artworks: int
    idle_mb: float
    first_mb: float
    reloads_mb: list[float]
    peak_mb: float
    zip_mb: float
    download_peak_mb: float
    load_start: float
    load_end: float


def make_collection(home: Path, artworks: int, template: str) -> None:
    """N artworks (each its own seed) rendered as one collection in `home`."""
    source = home.parent / f"designs-{artworks}"
    source.mkdir()
    for n in range(artworks):
        write_artwork(source / f"design-{n:03d}.jpg", ARTWORK_SIZE, seed=n)
    command = [PYTHON, "-m", "mockups", "batch", str(source), "--out", f"season-{artworks}",
               "--templates", template]  # fmt: skip
    environment = {**os.environ, "MOCKUPLAB_HOME": str(home)}
    subprocess.run(command, cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL)


def show(home: Path, artworks: int, reloads: int, log: Path) -> Shown:
    load_start = os.getloadavg()[0]
    with streamlit_server(home, log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1200})
        page.goto(url)  # the Render page: the server's session and its imports, as a user starts
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)
        time.sleep(2)
        sampler = RssSampler(server_pid(int(url.rsplit(":", 1)[1])))
        idle = sampler.now()
        after = []
        with sampler:
            page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Collections").click()
            for n in range(reloads + 1):
                if n:
                    page.reload()
                done = page.get_by_test_id("stMetric").filter(has_text="Done")
                expect(done.get_by_test_id("stMetricValue")).to_have_text(
                    str(artworks), timeout=SLOW
                )
                expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)
                time.sleep(1)
                after.append(sampler.now())
        with RssSampler(sampler.process.pid) as downloading:
            link = page.get_by_role("link", name=f"Download the {artworks} done as one zip")
            answer = page.request.get(urljoin(page.url, link.get_attribute("href")), timeout=SLOW)
            zip_bytes = len(answer.body())
        browser.close()
    return Shown(
        artworks=artworks,
        idle_mb=idle / MIB,
        first_mb=after[0] / MIB,
        reloads_mb=[rss / MIB for rss in after[1:]],
        peak_mb=sampler.peak / MIB,
        zip_mb=zip_bytes / MIB,
        download_peak_mb=downloading.peak / MIB,
        load_start=load_start,
        load_end=os.getloadavg()[0],
    )


def report(rounds: list[Shown]) -> None:
    print_table(
        HEADERS,
        [
            [
                str(r.artworks),
                f"{r.idle_mb:.0f}",
                f"{r.first_mb:.0f} (+{r.first_mb - r.idle_mb:.1f})",
                f"{r.reloads_mb[-1]:.0f} (+{r.reloads_mb[-1] - r.idle_mb:.1f})"
                if r.reloads_mb
                else "-",
                f"{r.peak_mb:.0f} (+{r.peak_mb - r.idle_mb:.1f})",
                f"{r.zip_mb:.0f}",
                f"{r.download_peak_mb:.0f} (+{r.download_peak_mb - r.idle_mb:.1f})",
                f"{r.load_start:.1f}-{r.load_end:.1f}",
            ]
            for r in rounds
        ],
    )
    largest = max(rounds, key=lambda r: r.artworks)
    growth = max([largest.first_mb, *largest.reloads_mb]) - largest.idle_mb
    verdict = "met" if growth <= GOAL_MB else "NOT met"
    print(
        f"goal: {largest.artworks} artworks within +{GOAL_MB} MB of idle: {growth:+.1f} MB: "
        f"{verdict}"
    )
    print(json.dumps([r.__dict__ for r in rounds], separators=(",", ":")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.collection_page", description=__doc__)
    parser.add_argument("--artworks", default="10,100")
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--template", default="poster")
    args = parser.parse_args(argv)
    rounds = []
    with temp_folder("collection-page") as name:
        work = Path(name)
        for count in (int(n) for n in args.artworks.split(",")):
            home = work / f"home-{count}"
            make_collection(home, count, args.template)
            rounds.append(show(home, count, args.reloads, work / f"streamlit-{count}.log"))
    report(rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
