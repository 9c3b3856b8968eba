"""A finished Etsy draft from the Etsy page, in Debian's chromium against the fake Etsy: the
video made with its button, the form filled in, the plan checked and an alt text edited, one
push; ten photos with their alt text, two colours with their photos and the video land on the
draft. The web server's memory is sampled throughout: the video is made in a child process,
so the server stays flat. Screenshots and the figures land in test-artifacts/."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from harness.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, open_page, streamlit_server
from mockups.memory import MIB
from mockups.options import RenderOptions
from mockups.render.run import render_run
from mockups.runs.catalogue import new_run_dir
from tests.conftest import gradient_artwork
from tests.fake_etsy.helpers import config_for, connect, environment_for
from tests.fake_etsy.state import STOCK_COLOURS

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 300_000
TEMPLATES = [
    "poster",
    "tshirt@navy",
    "mug",
    "tshirt@white",
    "framed-wall",
    "canvas",
    "tote",
    "pillow",
    "phone-case",
    "greeting-card",
]
TITLE = "Sunset over hills print"
EDITED_ALT = "A ceramic mug with the sunset print, on an oak table"
# The server may grow by what a page run holds (the video's bytes for st.video, ten uploads
# read one at a time); the video's encode (about 200 MB at 1080p) must not be among it.
GROWTH_LIMIT_MB = 120

pytestmark = pytest.mark.slow


@pytest.fixture
def seller(etsy, tmp_path, monkeypatch) -> tuple[Path, Path]:
    """A data folder with one run of ten mockups (the t-shirt in navy and in white among them)
    and a saved connection to the fake Etsy, which the served dashboard is pointed at."""
    data_dir = tmp_path / "data"
    config = config_for(etsy, tmp_path)
    for name in [n for n in os.environ if n.startswith("ETSY_")]:
        monkeypatch.delenv(name)
    for name, value in environment_for(config).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake Etsy speaks http
    connect(etsy, config)
    artwork = tmp_path / "sunset-over-hills.png"
    gradient_artwork((800, 1000)).save(artwork)
    run = render_run(
        artwork,
        new_run_dir(artwork.name, data_dir / "runs"),
        options=RenderOptions(templates=TEMPLATES),
    )
    return data_dir, Path(run.out_dir)


class ServerMemory:
    """The server process's RSS, sampled every 20 ms on a thread: before, peak, now."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.before = self.peak = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def now(self) -> int:
        return self.process.memory_info().rss

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return {
            "before_mb": round(self.before / MIB, 1),
            "peak_mb": round(self.peak / MIB, 1),
            "after_mb": round(self.now() / MIB, 1),
        }

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.now())


def server_pid(url: str) -> int:
    port = int(url.rsplit(":", 1)[1])
    for connection in psutil.net_connections("tcp"):
        if connection.laddr.port == port and connection.status == psutil.CONN_LISTEN:
            return connection.pid
    raise RuntimeError(f"no process listens on {port}")


def shoot(page: Page, name: str) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / f"{name}.png")


def test_a_seller_makes_a_finished_draft_from_the_etsy_page(seller, etsy):
    data_dir, run_dir = seller
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "streamlit-etsy-draft.log"
    with streamlit_server(data_dir, log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 5200})
        tab.goto(url)
        open_page(tab, "Etsy sync", "Etsy sync", SLOW)
        expect(tab.get_by_role("button", name="Plan the draft")).to_be_visible(timeout=SLOW)
        memory = ServerMemory(server_pid(url))

        tab.get_by_role("button", name="Make the listing video").click()
        expect(tab.get_by_test_id("stVideo")).to_be_visible(timeout=SLOW)
        made = tab.get_by_text("in its own process, peak")
        expect(made).to_be_visible(timeout=SLOW)
        video_line = made.inner_text()

        tab.get_by_label("Title", exact=True).fill(TITLE)
        tab.get_by_label("Price", exact=True).fill("24.50")
        tab.get_by_label("Category (Etsy taxonomy id)", exact=True).fill("2078")
        tab.get_by_label("Shipping profile id", exact=True).fill("77")
        tab.get_by_label("Tags", exact=True).fill("sunset, wall art, landscape")
        tab.get_by_label("Description", exact=True).fill("A warm sunset over rolling hills.")
        tab.get_by_role("button", name="Plan the draft").click()
        expect(tab.get_by_text("The plan: nothing is sent until you push")).to_be_visible(
            timeout=SLOW
        )
        expect(tab.get_by_text("Navy: photo 2 (tshirt@navy)")).to_be_visible()
        expect(tab.get_by_text("White: photo 4 (tshirt@white)")).to_be_visible()
        alt = tab.get_by_label("Alt text of photo 3", exact=True)
        expect(alt).to_have_value(f"Ceramic mug on a table showing {TITLE}")
        alt.fill(EDITED_ALT)
        assert [s for s in etsy.seen if s.method != "GET"] == []
        shoot(tab, "etsy-draft-plan")

        tab.get_by_role("button", name="Push the draft to Etsy").click()
        expect(tab.get_by_text("made on Etsy; Etsy shows it as draft")).to_be_visible(timeout=SLOW)
        figures = memory.stop()
        shoot(tab, "etsy-draft-pushed")
        assert tab.get_by_test_id("stAlertContentError").count() == 0
        browser.close()

    (listing,) = etsy.state.listings.values()
    assert (listing.state, listing.title) == ("draft", TITLE)
    assert len(listing.images) == 10
    assert listing.images[2].alt_text == EDITED_ALT
    assert listing.images[0].alt_text.endswith(f"showing {TITLE}")
    colour_photos = {item["value_id"]: item["image_id"] for item in listing.variation_images}
    assert colour_photos == {
        etsy.state.shop_value_ids["navy"]: listing.images[1].listing_image_id,
        STOCK_COLOURS["White"]: listing.images[3].listing_image_id,
    }
    assert len(listing.live_videos()) == 1
    video = json.loads((run_dir / "listing-video.json").read_text())
    assert listing.live_videos()[0].sha256 == video["sha256"]

    figures["growth_mb"] = round(figures["peak_mb"] - figures["before_mb"], 1)
    figures["video"] = video_line  # the child's own figures, as the page gave them
    (ARTIFACTS / "etsy-draft-server-rss.json").write_text(json.dumps(figures, indent=2))
    assert figures["growth_mb"] < GROWTH_LIMIT_MB, figures
