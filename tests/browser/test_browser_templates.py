"""The Templates page in Debian's chromium, as a team member makes a template from a photo of
their own product: four clicks on the photo's print, in the README's order, place the four
corners in that order; crossed corners are refused in one line. Screenshots land in
test-artifacts/ for a person to look at."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect, sync_playwright

from harness.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, open_page, streamlit_server

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 180_000
PHOTO_SIZE = (1500, 1000)
# A print on the photo's left, far from the centred box the picker starts with: its top
# right corner is nearer that box's top left than its top right, so a click that moved the
# nearest corner would move the top left.
PRINT = ((150, 120), (600, 160), (580, 800), (170, 760))
CORNERS = ("top left", "top right", "bottom right", "bottom left")
START = ((375, 200), (1125, 200), (1125, 800), (375, 800))  # the centred box a photo starts with
PICKER = 'iframe[title="streamlit_image_coordinates.streamlit_image_coordinates"]'

pytestmark = pytest.mark.slow


@pytest.fixture
def page(tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "streamlit-templates.log"
    with streamlit_server(tmp_path / "data", log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 3800})
        tab.goto(url)
        expect(tab.get_by_role("heading", name="Render")).to_be_visible(timeout=SLOW)
        open_page(tab, "Templates", "Templates", SLOW)
        yield tab
        browser.close()


def shoot(page: Page, name: str) -> None:
    """The page once it is idle and its images are loaded, as a person sees it."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    # a click inside the picker's frame can leave the page scrolled sideways
    page.evaluate("document.querySelectorAll('*').forEach(e => { e.scrollLeft = 0; })")
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / f"{name}.png")


def product_photo(path: Path) -> Path:
    """A wall with a pale print drawn on it, its outline where PRINT says."""
    photo = Image.new("RGB", PHOTO_SIZE, (120, 110, 100))
    ImageDraw.Draw(photo).polygon(PRINT, fill=(235, 232, 225), outline=(40, 40, 40), width=4)
    photo.save(path, quality=92)
    return path


def corner_values(page: Page, corner: str) -> tuple[int, int]:
    x = page.get_by_label(f"{corner} x (px)").input_value()
    y = page.get_by_label(f"{corner} y (px)").input_value()
    return int(x), int(y)


def set_corner(page: Page, corner: str, x: int, y: int) -> None:
    for axis, value in (("x", x), ("y", y)):
        field = page.get_by_label(f"{corner} {axis} (px)")
        field.fill(str(value))
        field.press("Enter")
        expect(field).to_have_value(str(value), timeout=SLOW)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)


def click_on_photo(page: Page, point: tuple[int, int]) -> None:
    """A click on the picker where the photo's pixel `point` is shown."""
    image = page.frame_locator(PICKER).locator("#image")
    expect(image).to_be_visible(timeout=SLOW)
    box = image.bounding_box()
    assert box is not None
    scale = box["width"] / PHOTO_SIZE[0]
    image.click(position={"x": point[0] * scale, "y": point[1] * scale})


def place_the_four_corners(page: Page) -> None:
    """A click on each of PRINT's corners in order, each once the page has taken the one
    before (its corner has left the starting box, and the page names the next)."""
    for number, (corner, point, start) in enumerate(zip(CORNERS, PRINT, START, strict=True)):
        click_on_photo(page, point)
        x_field = page.get_by_label(f"{corner} x (px)")
        expect(x_field).not_to_have_value(str(start[0]), timeout=SLOW)
        after = f"({number + 2} of 4" if number < 3 else "All four corners placed"
        expect(page.get_by_text(after)).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)


def test_four_clicks_in_the_readmes_order_place_the_four_corners_in_order(page, tmp_path):
    shoot(page, "templates-library")
    scene_photo = page.get_by_role("region", name="Scene photo")
    photo = product_photo(tmp_path / "print on a wall.jpg")
    scene_photo.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(photo))
    expect(page.get_by_text("(1 of 4")).to_be_visible(timeout=SLOW)
    place_the_four_corners(page)
    tolerance = PHOTO_SIZE[0] / 900 + 1  # a shown pixel, and rounding
    for corner, (x, y) in zip(CORNERS, PRINT, strict=True):
        placed_x, placed_y = corner_values(page, corner)
        assert abs(placed_x - x) <= tolerance and abs(placed_y - y) <= tolerance, corner
    expect(page.get_by_text("The print's corners:")).to_have_count(0)
    shoot(page, "templates-corners-placed")

    # a fifth click moves the corner nearest to it, not the next in order
    placed = [corner_values(page, corner) for corner in CORNERS]
    click_on_photo(page, (600, 300))
    expect(page.get_by_label("top right y (px)")).not_to_have_value(str(placed[1][1]))
    moved = [corner_values(page, corner) for corner in CORNERS]
    assert abs(moved[1][1] - 300) <= tolerance
    assert [moved[0], *moved[2:]] == [placed[0], *placed[2:]]

    # corners that cross (top right and bottom right swapped) are refused in one line, on
    # the page and on Save
    for corner, (x, y) in (("top right", PRINT[2]), ("bottom right", PRINT[1])):
        set_corner(page, corner, x, y)
    refusal = page.get_by_test_id("stAlertContentError").filter(has_text="the corners cross")
    expect(refusal).to_have_count(1, timeout=SLOW)
    message = refusal.get_by_test_id("stMarkdownContainer").inner_text().strip()
    assert message.startswith("The print's corners:") and "\n" not in message
    page.get_by_label("Name").fill("Crossed print")
    page.get_by_role("button", name="Save template").click()
    expect(refusal).to_have_count(2, timeout=SLOW)
    expect(page.get_by_text("Saved as")).to_have_count(0)
    shoot(page, "templates-corners-crossed")


def test_the_photos_preview_falls_back_to_the_sample_artwork(page, tmp_path):
    scene_photo = page.get_by_role("region", name="Scene photo")
    photo = product_photo(tmp_path / "print on a wall.jpg")
    scene_photo.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(photo))
    place_the_four_corners(page)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_text("Preview with the sample artwork")).to_be_visible(timeout=SLOW)
    shoot(page, "templates-preview")
