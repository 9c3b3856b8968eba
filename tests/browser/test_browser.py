"""The dashboard in Debian's chromium, as a team member uses it: upload, render ten, look at
memory, compare modes. Screenshots land in test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from harness.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, open_page, streamlit_server
from mockups.templates.library import builtin_ids
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


def idle(page: Page) -> None:
    """No script or fragment running."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)


def shoot(page: Page, name: str) -> None:
    """The page once it is idle and its images are loaded, as a person sees it."""
    idle(page)
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / f"{name}.png")


def upload(page: Page, artwork: Path) -> None:
    """The page stores the upload at once and shows it by name (the uploader empties)."""
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(artwork))
    expect(page.get_by_text(shown_as_text(f"Artwork: {artwork.name}"))).to_be_visible(timeout=SLOW)


def shown_as_text(text: str) -> re.Pattern:
    """`text` as the page shows a user's name: a word joiner may sit before a dot."""
    return re.compile(re.escape(text).replace("\\.", f"{WORD_JOINER}?\\."))


def gallery_tiles(page: Page):
    """The gallery's thumbnails: the images with a caption (the picker's have none)."""
    return page.get_by_test_id("stImage").filter(has=page.get_by_test_id("stImageCaption"))


def go_to(page: Page, title: str) -> None:
    open_page(page, title, title, SLOW)


def test_upload_render_ten_see_memory_and_compare(page, tmp_path):
    artwork = tmp_path / "artwork.jpg"
    gradient_artwork((1600, 2000)).save(artwork, quality=90)
    upload(page, artwork)
    page.get_by_text("Profile memory (memray)").click()
    page.get_by_role("button", name="Render").click()
    expect(gallery_tiles(page)).to_have_count(10, timeout=SLOW)
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
    expect(gallery_tiles(page)).to_have_count(10, timeout=SLOW)


def test_a_template_made_on_the_templates_page_renders_with_the_settings_and_name_kept(
    page, tmp_path
):
    expect(page.get_by_role("heading", name="Render")).to_be_visible(timeout=SLOW)
    go_to(page, "Templates")
    photo = tmp_path / "dusk wall.jpg"
    Image.new("RGB", (1800, 1200), (70, 60, 90)).save(photo, quality=90)
    # by its label: taking the page's last uploader raced the page's rendering and picked the
    # PSD uploader above it when the photo's had not been drawn yet
    scene_photo = page.get_by_role("region", name="Scene photo")
    scene_photo.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(photo))
    expect(page.get_by_label("top left x (px)")).to_have_value("450", timeout=SLOW)
    page.get_by_label("Name").fill("Dusk frame on a wall")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_text("Saved as dusk-frame-on-a-wall")).to_be_visible(timeout=SLOW)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_text("Dusk frame on a wall", exact=True)).to_be_visible()
    shoot(page, "5-templates")

    go_to(page, "Render")
    artwork = tmp_path / "Sunset at the lake.jpg"
    gradient_artwork((1200, 1500)).save(artwork, quality=90)
    upload(page, artwork)
    page.get_by_role("button", name="Select none").click()
    total = len(builtin_ids()) + 1  # and the template just made
    expect(ticked_line(page, 0, total)).to_be_visible(timeout=SLOW)
    names = ("Dusk frame on a wall", "Poster taped to a wall", "Ceramic mug on a table")
    for count, name in enumerate(names, start=1):
        main.get_by_test_id("stCheckbox").filter(has_text=name).click()
        # each click answered before the next: a click sends every tick as the page shows it
        expect(ticked_line(page, count, total)).to_be_visible(timeout=SLOW)
    mode = page.get_by_test_id("stRadio").filter(has_text="Mode")
    mode.get_by_text("sequential").click()
    expect(page.get_by_text("sequential: one mockup after another")).to_be_visible(timeout=SLOW)
    profile = page.get_by_role("checkbox", name="Profile memory (memray)")
    page.get_by_text("Profile memory (memray)").click()
    expect(page.get_by_text("memray records every allocation")).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("button", name="Render")).to_be_enabled(timeout=SLOW)
    idle(page)

    go_to(page, "History")
    go_to(page, "Render")
    expect(page.get_by_text(shown_as_text("Artwork: Sunset at the lake.jpg"))).to_be_visible(
        timeout=SLOW
    )
    expect(ticked_line(page, 3, total)).to_be_visible()
    expect(mode.get_by_role("radio", name="sequential")).to_be_checked()
    expect(profile).to_be_checked()

    page.get_by_role("button", name="Render").click()
    summary = page.get_by_text(shown_as_text("3 mockups of Sunset at the lake.jpg"))
    expect(summary).to_be_visible(timeout=SLOW)
    expect(gallery_tiles(page)).to_have_count(3)
    expect(gallery_tiles(page).get_by_text("Dusk frame on a wall")).to_be_visible()
    heights = {round(box["height"]) for box in tile_boxes(page)}
    assert len(heights) == 1, f"every thumbnail the same height, not {heights}"
    shoot(page, "6-render-custom-template")
    page.get_by_role("button", name="View large").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_test_id("stImage")).to_be_visible(timeout=SLOW)
    assert dialog.locator("img").bounding_box()["width"] > 600, "larger than its thumbnail"
    dialog.screenshot(path=ARTIFACTS / "7-render-preview.png")
    page.keyboard.press("Escape")

    go_to(page, "History")
    heading = page.get_by_role("heading").filter(has_text=shown_as_text("Sunset at the lake.jpg"))
    expect(heading).to_be_visible(timeout=SLOW)
    shoot(page, "8-history")


def ticked_line(page: Page, count: int, total: int):
    """The picker's count, matched whole: "0 of 13" would match inside "10 of 13" and let
    the next click race the page's rerun."""
    return page.get_by_text(f"{count} of {total} templates ticked", exact=True)


def tile_boxes(page: Page) -> list[dict]:
    """Each thumbnail's box once its image has loaded: a tile still loading its image is 0 px
    high (a busy machine measured one so)."""
    images = [tile.locator("img") for tile in gallery_tiles(page).all()]
    for image in images:
        expect(image).to_have_js_property("complete", True, timeout=SLOW)
        expect(image).not_to_have_js_property("naturalHeight", 0, timeout=SLOW)
    return [image.bounding_box() for image in images]


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
        # the templates are open until there is a run
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
