"""The dashboard in Debian's chromium, as a team member uses it: upload, render ten, look at
memory, compare modes. Screenshots land in test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from harness.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server
from tests.conftest import gradient_artwork, write_template

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 180_000
HOSTILE_NAME = "[click me](http://127.0.0.1:9/x) ![pixel](http://127.0.0.1:9/p.png)"
# Too long for a template name: the loader refuses it, quoting it in the reason it gives.
HOSTILE_REASON = f"{HOSTILE_NAME} www.example.com someone@example.com <b>{'x' * 40}</b>"
WORD_JOINER = "\u2060"

pytestmark = pytest.mark.slow


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def page(data_dir):
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "streamlit.log"
    with streamlit_server(data_dir, log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 2400})
        tab.goto(url)
        yield tab
        browser.close()


def shoot(page: Page, name: str) -> None:
    """The page once it is idle (no script or fragment running), as a person sees it."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / f"{name}.png")


def upload(page: Page, artwork: Path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(artwork))
    expect(page.get_by_test_id("stFileChipName")).to_have_text(artwork.name)
    expect(page.get_by_test_id("stFileChipIconSpinner")).to_have_count(0, timeout=SLOW)


def test_upload_render_ten_see_memory_and_compare(page, tmp_path):
    artwork = tmp_path / "artwork.jpg"
    gradient_artwork((1600, 2000)).save(artwork, quality=90)
    upload(page, artwork)
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


def test_a_render_is_followed_live_and_found_again_after_visiting_another_page(page, tmp_path):
    artwork = tmp_path / "artwork.jpg"
    gradient_artwork((1600, 2000)).save(artwork, quality=90)
    upload(page, artwork)
    page.get_by_text("Profile memory (memray)").click()  # slow enough to leave mid-render
    page.get_by_role("button", name="Render").click()
    expect(page.get_by_test_id("stProgress")).to_be_visible(timeout=SLOW)
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / "1b-render-live.png")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Your render goes on", timeout=SLOW)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name="Render").click()
    expect(page.get_by_text("10-tshirt", exact=True)).to_be_visible(timeout=SLOW)
    expect(page.get_by_text(re.compile(r"^\d\d-[a-z-]+$"))).to_have_count(10)


def test_a_user_templates_name_is_shown_as_typed_and_loads_nothing_remote(data_dir):
    write_template(data_dir / "templates", "hostile", name=HOSTILE_NAME)
    write_template(data_dir / "templates", "hostile-reason", name=HOSTILE_REASON)
    broken = write_template(data_dir / "templates", "no-scene")
    (broken / "scene.png").unlink()
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(data_dir, ARTIFACTS / "streamlit.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 2400})
        remote = []
        page.on("request", lambda r: remote.append(r.url) if ":9/" in r.url else None)
        page.goto(url)
        main = page.get_by_test_id("stMainBlockContainer")
        main.get_by_text("Templates", exact=True).click()
        main.get_by_text("user template(s) cannot be used").click()
        tick = main.get_by_test_id("stCheckbox").filter(has_text="click me")
        assert tick.inner_text().replace(WORD_JOINER, "").strip() == HOSTILE_NAME
        reasons = main.get_by_test_id("stExpander").filter(has_text="cannot be used")
        expect(reasons.get_by_text("not found", exact=False)).to_be_visible()
        shown = reasons.inner_text().replace(WORD_JOINER, "")
        assert "no-scene: template.json: field 'scene': scene.png not found" in shown
        assert HOSTILE_REASON in shown
        assert str(data_dir) not in shown, "no server path"
        shoot(page, "4-render-untrusted-names")
        links = page.locator("a").evaluate_all("links => links.map(a => a.href)")
        assert [link for link in links if not link.startswith(url)] == []
        assert page.locator("main img[src*='127.0.0.1:9'], main b").count() == 0
        assert remote == []
        browser.close()
