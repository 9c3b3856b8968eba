"""A day's work in Debian's chromium without a snag: a 24 MP camera photo rendered with the
page's defaults, uploads taken one after another, a reload that keeps the run, the memray
panel in view while a profiled run renders, Compare with its defaults, and History pairing two
runs by template. Screenshots land in test-artifacts/ for a person to look at."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from harness.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, open_page, streamlit_server
from mockups.options import RenderOptions
from mockups.runs.catalogue import new_run_dir
from mockups.templates.library import builtin_ids
from profiling.child import profile_run
from tests.conftest import gradient_artwork

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 600_000  # ms: the renders run niced, behind whatever else the machine is doing
SAMPLE = ROOT / "examples" / "artwork.jpg"
WORD_JOINER = "\u2060"
# Every mockup slowed in the processes the dashboard starts (a `sitecustomize` on PYTHONPATH),
# so a person, and this test, can watch the run between mockups.
SLOWING = """
import time

import mockups.render.run

_real_render = mockups.render.run.render_mockup


def render_slowly(artwork, template, *rest):
    time.sleep(3)
    return _real_render(artwork, template, *rest)


mockups.render.run.render_mockup = render_slowly
"""

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def open_browser(data_dir: Path, log: str):
    ARTIFACTS.mkdir(exist_ok=True)
    return streamlit_server(data_dir, ARTIFACTS / log)


@pytest.fixture
def page(tmp_path):
    with open_browser(tmp_path / "data", "streamlit-workday.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 2400})
        tab.goto(url)
        expect(tab.get_by_role("heading", name="Render")).to_be_visible(timeout=SLOW)
        yield tab
        browser.close()


@pytest.fixture
def slowed(tmp_path, monkeypatch):
    folder = tmp_path / "slowing"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(SLOWING)
    monkeypatch.setenv("PYTHONPATH", f"{folder}:{ROOT}")


def idle(page: Page) -> None:
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)


def shoot(page: Page, name: str) -> None:
    """The page once it is idle and its images are loaded, as a person sees it."""
    idle(page)
    page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / f"{name}.png")


def shown_as_text(text: str) -> re.Pattern:
    """`text` as the page shows a user's name: a word joiner may sit before a dot."""
    return re.compile(re.escape(text).replace("\\.", f"{WORD_JOINER}?\\."))


def upload(page: Page, artwork: Path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files(str(artwork))
    expect(page.get_by_text(shown_as_text(f"Artwork: {artwork.name}"))).to_be_visible(timeout=SLOW)


def gallery_tiles(page: Page):
    return page.get_by_test_id("stImage").filter(has=page.get_by_test_id("stImageCaption"))


def go_to(page: Page, title: str) -> None:
    open_page(page, title, title, SLOW)


def test_a_camera_photo_renders_with_the_pages_defaults_and_a_reload_keeps_the_run(page, tmp_path):
    names = ["first.png", "second.png", "third.png"]
    for name in names:  # one after another, as a person tries a few: each one is taken
        gradient_artwork((400, 500)).save(tmp_path / name)
        upload(page, tmp_path / name)
    camera = tmp_path / "IMG_2041.jpg"
    gradient_artwork((6000, 4000)).save(camera, quality=90)
    upload(page, camera)
    expect(page.get_by_text("6000 x 4000 px", exact=False)).to_be_visible()
    mode = page.get_by_test_id("stRadio").filter(has_text="Mode")
    expect(mode.get_by_role("radio", name="auto")).to_be_checked()
    expect(page.get_by_text("over budget")).to_have_count(1)  # processes x2 alone
    expect(page.get_by_text("needs about", exact=False)).to_have_count(0)
    ticked = f"10 of {len(builtin_ids())} templates ticked"
    expect(page.get_by_text(ticked, exact=True)).to_be_visible()
    render = page.get_by_role("button", name="Render")
    expect(render).to_be_enabled(timeout=SLOW)
    shoot(page, "workday-1-camera-ready")
    render.click()
    summary = page.get_by_text(shown_as_text("10 mockups of IMG_2041.jpg"))
    expect(summary).to_be_visible(timeout=SLOW)
    expect(gallery_tiles(page)).to_have_count(10)
    expect(summary).to_contain_text("whole dashboard server's RSS")
    assert page.get_by_test_id("stAlertContentError").count() == 0
    shoot(page, "workday-2-camera-rendered")
    (run_json,) = (tmp_path / "data" / "runs").rglob("run.json")
    assert f"run={run_json.parent.name}" in page.url

    page.reload()
    expect(page.get_by_text(shown_as_text("10 mockups of IMG_2041.jpg"))).to_be_visible(
        timeout=SLOW
    )
    expect(gallery_tiles(page)).to_have_count(10, timeout=SLOW)


def test_the_memray_panel_is_in_view_unclicked_while_a_profiled_run_renders(slowed, page, tmp_path):
    artwork = tmp_path / "artwork.jpg"
    gradient_artwork((1600, 2000)).save(artwork, quality=90)
    upload(page, artwork)
    templates = page.get_by_test_id("stExpander").filter(has_text="Templates").first
    expect(templates.get_by_text("Select all")).to_be_visible()
    page.get_by_text("Profile memory (memray)").click()
    page.get_by_role("button", name="Render").click()

    bar = page.get_by_test_id("stProgress")
    # mockup 5 of 10 (a poll on a loaded machine may see a later one first): never clicked
    expect(bar).to_contain_text(re.compile(r"^[5-8]/10: "), timeout=SLOW)
    box = page.get_by_test_id("stExpander").filter(has_text="Time and memory of each mockup")
    # `.first`: while a poll redraws it, the page may hold the outgoing chart hidden beside it
    chart, table = box.get_by_test_id("stPlotlyChart").first, box.get_by_test_id("stTable").first
    expect(chart).to_be_visible()
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").nth(4)).to_contain_text("05")  # a row per mockup so far
    expect(chart).to_contain_text("heap in use (memray)")
    expect(templates.get_by_text("Select all")).not_to_be_visible()  # folded by Render
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / "workday-3-live.png")

    counts, texts = [], []
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:  # a few polls: the panel stays open, the bar climbs
        if bar.count():
            text = bar.first.inner_text()
            texts.append(text)
            if found := re.match(r"(\d+)/10", text):
                counts.append(int(found.group(1)))
        assert (chart.is_visible() and table.is_visible()) or not bar.count()
        time.sleep(0.2)
    assert counts == sorted(counts), f"the progress never counts again from zero: {counts}"
    assert not any("Waiting for a render slot" in text for text in texts)
    expect(gallery_tiles(page)).to_have_count(10, timeout=SLOW)


def test_compare_with_its_defaults_on_the_sample_artwork(page):
    upload(page, SAMPLE)
    page.get_by_role("button", name="Render").click()
    expect(gallery_tiles(page)).to_have_count(10, timeout=SLOW)
    go_to(page, "Compare")
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_text("The 10 templates ticked on the Render page")).to_be_visible()
    sequential = page.get_by_role("checkbox", name=re.compile(r"^Sequential · about \d+ MB"))
    threads = page.get_by_role("checkbox", name=re.compile(r"^Threads x2 · about \d+ MB"))
    processes = page.get_by_role("checkbox", name=re.compile(r"^Processes x2 · about \d+ MB"))
    expect(sequential).to_be_checked()
    expect(threads).to_be_checked()
    expect(processes).to_be_disabled()
    expect(processes).not_to_be_checked()
    why = main.get_by_text(re.compile(r"Processes x2 needs about \d+ MB, over the 256 MB memory"))
    expect(why).to_be_visible()
    assert "MOCKUPLAB" not in main.inner_text()
    shoot(page, "workday-4-compare-defaults")
    page.get_by_role("button", name="Compare").click()
    bars = page.get_by_test_id("stProgress")
    expect(bars.filter(has_text=re.compile(r"^Sequential: \d+/10 mockups"))).to_be_visible(
        timeout=SLOW
    )
    verdict = page.get_by_text("Fastest within the 256 MB budget:")
    expect(verdict).to_be_visible(timeout=SLOW)
    expect(page.get_by_text("byte-identical in every mode")).to_be_visible()
    assert page.get_by_test_id("stAlertContentError").count() == 0
    shoot(page, "workday-5-compare-done")
    go_to(page, "History")
    go_to(page, "Compare")
    expect(threads).to_be_checked()


@pytest.fixture
def paired_runs(tmp_path) -> Path:
    """Two profiled runs, the later without the tote: the rest must pair by template."""
    data_dir = tmp_path / "data"
    artwork = tmp_path / "artwork.png"
    gradient_artwork((600, 800)).save(artwork)
    for name, templates in (("older", "poster,tote,mug,pillow"), ("newer", "poster,mug,pillow")):
        folder = new_run_dir(f"{name}.png", data_dir / "runs")
        profile_run(artwork, folder, options=RenderOptions(templates=templates))
        time.sleep(1.1)  # run folders are named to the second
    return data_dir


def test_history_pairs_two_runs_by_template(paired_runs):
    with open_browser(paired_runs, "streamlit-history.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 2000}, accept_downloads=True)
        # the table's "Download as CSV" then saves through a plain download, which the test
        # reads: the grid itself is drawn on a canvas
        page.add_init_script("delete window.showSaveFilePicker")
        page.goto(url)
        expect(page.get_by_role("heading", name="Render")).to_be_visible(timeout=SLOW)
        go_to(page, "History")  # from the sidebar, as a person does, in the app's wide layout
        expect(page.get_by_role("heading", name="Compare two runs")).to_be_visible(timeout=SLOW)
        compared = page.get_by_test_id("stDataFrame").nth(1)
        expect(compared).to_be_visible(timeout=SLOW)
        compared.scroll_into_view_if_needed()
        shoot(page, "workday-6-history-paired")
        scroller = compared.locator(".dvn-scroller").first
        assert scroller.evaluate("s => s.scrollWidth <= s.clientWidth + 1"), "no sideways scroll"

        compared.hover()
        with page.expect_download(timeout=SLOW) as downloaded:
            compared.get_by_role("button", name="Download as CSV").click()
        header, *rows = csv.reader(
            Path(downloaded.value.path()).read_text("utf-8-sig").splitlines()
        )
        assert header[:3] == ["#", "Template", "heap peak MB before"], header
        templates = [row[1] for row in rows]
        assert templates == [
            "Poster taped to a wall",
            "Ceramic mug on a table",
            "Tote bag hanging on a peg",
            "Throw pillow on a sofa",
        ], rows
        tote = rows[2]
        assert tote[2] and not tote[3], "the tote is in Before only: its After cell is empty"
        assert "None" not in " ".join(tote) and "nan" not in " ".join(tote).lower()
        assert all(row[2] and row[3] for row in rows if row is not tote), "the rest paired"
        browser.close()
