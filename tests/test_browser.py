"""The dashboard in Debian's chromium, as a team member uses it: upload, render ten, look at
memory, compare modes. Screenshots land in test-artifacts/ for a person to look at."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server
from tests.conftest import gradient_artwork

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 180_000


@pytest.fixture
def page(tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "streamlit.log"
    with streamlit_server(tmp_path / "data", log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 2400})
        tab.goto(url)
        yield tab
        browser.close()


def shoot(page, name: str) -> None:
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / f"{name}.png")


def test_upload_render_ten_see_memory_and_compare(page, tmp_path):
    artwork = tmp_path / "artwork.jpg"
    gradient_artwork((1600, 2000)).save(artwork, quality=90)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(artwork))
    page.get_by_text("Profile memory (memray)").click()
    page.get_by_role("button", name="Render").click()
    expect(page.get_by_text("10-tshirt", exact=True)).to_be_visible(timeout=SLOW)
    expect(page.get_by_text(re.compile(r"^\d\d-[a-z-]+$"))).to_have_count(10)
    shoot(page, "1-render")

    page.get_by_role("link", name="Memory").click()
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2, timeout=SLOW)
    shoot(page, "2-memory")

    page.get_by_role("link", name="Compare").click()
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("byte-identical in every mode")).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    shoot(page, "3-compare")
    assert Path(ARTIFACTS / "3-compare.png").stat().st_size > 10_000
