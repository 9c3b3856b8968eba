"""Compare, History and Etsy sync in Debian's chromium, as a team member meets them: the
verdict of a comparison, a run picked by clicking its row, and Etsy's setup checklist when
nothing is configured. Screenshots land in test-artifacts/ for a person to look at."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

import harness.browser
from harness.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server
from mockups.options import RenderOptions
from mockups.runs.catalogue import new_run_dir
from profiling.child import profile_run
from profiling.compare import compare_modes
from tests.conftest import gradient_artwork

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 120_000
TEMPLATES = ["poster", "mug"]
HEADER_PX = 35  # st.dataframe's header and each row, at the default row height
ROW_PX = 35

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs_made(tmp_path_factory) -> tuple[Path, list[Path]]:
    """A data folder holding two profiled runs (older first), the newer with a comparison of
    sequential and two threads: made once, each test gets its own copy (`two_runs`)."""
    made = tmp_path_factory.mktemp("pages")
    data_dir = made / "data"
    artwork = made / "artwork.png"
    gradient_artwork((600, 800)).save(artwork)
    options = RenderOptions(templates=TEMPLATES)
    folders = [
        Path(profile_run(artwork, new_run_dir(f"{name}.png", data_dir / "runs"), options=options)
             .summary.out_dir)
        for name in ("older", "newer")
    ]  # fmt: skip
    compare_modes(
        artwork, folders[1] / "compare", modes=["sequential", "threads"], templates=TEMPLATES
    )
    return data_dir, folders


@pytest.fixture
def two_runs(runs_made, tmp_path, monkeypatch) -> tuple[Path, list[Path]]:
    """A copy of `runs_made`'s data folder of this test's own (one test deletes a run), and
    no Etsy setting in the environment."""
    for name in [n for n in os.environ if n.startswith("ETSY_")]:
        monkeypatch.delenv(name)
    made, folders = runs_made
    data_dir = tmp_path / "data"
    shutil.copytree(made, data_dir)
    return data_dir, [data_dir / folder.relative_to(made) for folder in folders]


@pytest.fixture
def page(two_runs):
    data_dir, _ = two_runs
    ARTIFACTS.mkdir(exist_ok=True)
    with (
        streamlit_server(data_dir, ARTIFACTS / "streamlit-pages.log") as url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 1800})
        tab.goto(url)
        expect(tab.get_by_role("heading", name="Render")).to_be_visible(timeout=SLOW)
        yield tab, url
        browser.close()


def shoot(page: Page, name: str) -> None:
    """The page once it is idle (no script running), as a person sees it."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / f"{name}.png")


def open_page(page: Page, name: str, heading: str) -> None:
    harness.browser.open_page(page, name, heading, SLOW)


def click_row(page: Page, row: int) -> None:
    """Tick the table's `row` (0 is the first under the header) by its row marker."""
    table = page.get_by_test_id("stDataFrame").first
    box = table.bounding_box()
    assert box is not None
    table.click(position={"x": 12, "y": HEADER_PX + ROW_PX * row + ROW_PX / 2})


def errors_shown(page: Page) -> int:
    return page.get_by_test_id("stAlertContentError").count()


def test_compare_says_which_run_to_use_within_the_budget(page):
    tab, _ = page
    open_page(tab, "Compare", "Compare modes")
    verdict = tab.get_by_text("Fastest within the 256 MB budget:")
    expect(verdict).to_be_visible(timeout=SLOW)
    assert any(name in verdict.inner_text() for name in ("Sequential,", "Threads x2,"))
    expect(tab.get_by_test_id("stPlotlyChart")).to_be_visible(timeout=SLOW)
    expect(tab.get_by_text("budget 256 MB")).to_be_visible(timeout=SLOW)
    expect(tab.get_by_text("byte-identical in every mode")).to_be_visible()
    assert errors_shown(tab) == 0
    shoot(tab, "pages-compare")


def test_history_shows_the_run_whose_row_is_clicked(page, two_runs):
    tab, _ = page
    _, (older, newer) = two_runs
    open_page(tab, "History", "History")
    shown = tab.get_by_text(" · run ", exact=False)
    expect(shown).to_contain_text(newer.name, timeout=SLOW)
    click_row(tab, 1)
    expect(shown).to_contain_text(older.name, timeout=SLOW)
    expect(tab.get_by_test_id("stImage")).to_have_count(len(TEMPLATES), timeout=SLOW)
    pickers = tab.get_by_test_id("stSelectbox")
    expect(pickers).to_have_count(2, timeout=SLOW)  # the last run's pair gone
    before = tab.get_by_role("combobox", name="Before")
    expect(before).to_have_value(re.compile(re.escape(older.name)), timeout=SLOW)
    after = tab.get_by_role("combobox", name="After")
    expect(after).to_have_value(re.compile(re.escape(newer.name)))
    assert errors_shown(tab) == 0
    shoot(tab, "pages-history")


def test_etsy_with_nothing_configured_is_a_checklist_not_an_error(page):
    tab, url = page
    open_page(tab, "Etsy sync", "Etsy sync")
    expect(tab.get_by_text("Etsy sync is not set up yet")).to_be_visible(timeout=SLOW)
    expect(tab.get_by_role("link", name="Your apps")).to_have_attribute(
        "href", "https://www.etsy.com/developers/your-apps"
    )
    callback = url.replace("http://", "https://") + "/etsy"
    code = tab.get_by_test_id("stCode")
    expect(code.first).to_have_text(callback)
    expect(code.nth(1)).to_contain_text(f'ETSY_REDIRECT_URI = "{callback}"')
    expect(code.nth(1)).to_contain_text("ETSY_KEYSTRING")
    assert errors_shown(tab) == 0
    shoot(tab, "pages-etsy")


def test_history_delete_asks_first_cancel_keeps_the_run_and_delete_says_so(page, two_runs):
    tab, _ = page
    _, (older, newer) = two_runs
    open_page(tab, "History", "History")
    shown = tab.get_by_text(" · run ", exact=False)
    click_row(tab, 1)
    expect(shown).to_contain_text(older.name, timeout=SLOW)

    tab.get_by_role("button", name="Delete this run").click()
    dialog = tab.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete this run?", timeout=SLOW)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0, timeout=SLOW)
    assert older.is_dir()

    tab.get_by_role("button", name="Delete this run").click()
    expect(dialog).to_be_visible(timeout=SLOW)
    dialog.get_by_role("button", name="Delete", exact=True).click()
    expect(tab.get_by_test_id("stToast")).to_contain_text(f"Deleted {older.name}.", timeout=SLOW)
    expect(shown).to_contain_text(newer.name, timeout=SLOW)
    assert not older.exists() and newer.is_dir()
    assert errors_shown(tab) == 0
