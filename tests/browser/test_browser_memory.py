"""The Memory page in Debian's chromium, as a newcomer reads it: a profiled run (threads, with a
planted leak on the mug) explained in plain words, its mockups named by template, memray's flame
graph drawn inside the page, and an unprofiled run said to be one. Screenshots land in
test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from harness.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server
from tests.memory_runs import MemoryRuns, make_runs

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 180_000


pytestmark = pytest.mark.slow


@pytest.fixture
def runs(tmp_path) -> MemoryRuns:
    return make_runs(tmp_path / "data", tmp_path)


@dataclass(frozen=True)
class Dashboard:
    page: Page
    url: str

    def open_memory(self, run_dir: Path, mockup: int | None = None) -> None:
        """The Memory page at `run_dir`, as the live panel's link opens it."""
        at_mockup = "" if mockup is None else f"&mockup={mockup}"
        self.page.goto(f"{self.url}/memory?run={run_dir.name}{at_mockup}")
        expect(self.page.get_by_role("heading", name="Memory", exact=True)).to_be_visible(
            timeout=SLOW
        )


@pytest.fixture
def dashboard(runs):
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "streamlit-memory.log"
    with streamlit_server(runs.home, log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # Tall enough that the flame graph's frame is painted in the page's screenshot
        yield Dashboard(browser.new_page(viewport={"width": 1500, "height": 3600}), url)
        browser.close()


def shoot(page: Page, name: str) -> None:
    """The page once it is idle (no script running), as a person sees it."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / f"{name}.png")


def test_a_profiled_run_is_explained_named_by_template_and_its_flame_graph_shown(dashboard, runs):
    page = dashboard.page
    dashboard.open_memory(runs.profiled, mockup=2)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_text("is the memory the code holds right now")).to_be_visible(timeout=SLOW)
    next_step = re.compile(r"Next: mockup 02 \(Ceramic mug on a table\) still held")
    expect(main.get_by_text(next_step)).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(2, timeout=SLOW)
    expect(main.get_by_text("still held at the end").first).to_be_visible()
    assert "leaked" not in main.inner_text().lower(), "the page says 'still held at the end'"
    # The live panel's link opened the mug's leak: the picker names it by its template.
    picker = main.get_by_role("combobox", name="Mockup")
    expect(picker).to_have_value("02 · Ceramic mug on a table")
    shoot(page, "memory-1-profiled")

    main.get_by_text("More: heap and RSS").click()
    why = main.locator("p").filter(has_text="Why a profiled run shows a lower peak RSS")
    expect(why).to_be_visible()
    expect(why).to_contain_text("renders in a thread of the dashboard's server process")
    expect(main.get_by_text("This run rendered in a process of its own")).to_be_visible()
    shoot(page, "memory-1b-more")
    main.get_by_text("More: heap and RSS").click()

    picker.click()
    options = page.get_by_role("option")
    expect(options).to_have_count(4)
    assert options.all_inner_texts() == [
        "01 · Poster taped to a wall",
        "02 · Ceramic mug on a table",
        "03 · Stretched canvas, wrapped edges",
        "04 · Tote bag hanging on a peg",
    ]
    page.keyboard.press("Escape")

    main.get_by_text("Show the flame graph").click()
    graph = page.frame_locator("iframe[title='memray flame graph']")
    expect(graph.locator("#chart svg").first).to_be_visible(timeout=SLOW)
    expect(graph.get_by_text("memray").first).to_be_visible()
    shoot(page, "memory-2-flame-graph-in-the-page")
    frame = page.locator("iframe[title='memray flame graph']")
    frame.scroll_into_view_if_needed()
    frame.screenshot(path=ARTIFACTS / "memory-2-flame-graph.png")
    (written,) = (runs.profiled / "profile").glob("memray-flamegraph-*.inline.html")
    assert written.name == "memray-flamegraph-02-mug.inline.html", "only the one asked for"


def test_an_unprofiled_run_is_said_to_be_one_and_no_other_run_is_shown_in_its_place(
    dashboard, runs
):
    page = dashboard.page
    dashboard.open_memory(runs.plain)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_text("was not profiled", exact=False)).to_be_visible(timeout=SLOW)
    expect(main.get_by_text("before the first mockup started", exact=False)).to_be_visible()
    picker = main.get_by_role("combobox", name="Profiled run")
    expect(picker).to_have_value("")
    expect(picker).to_have_attribute("placeholder", "Choose a profiled run")
    expect(main.get_by_role("heading", name="RSS after each mockup")).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(1)  # its own RSS, no other run's
    shoot(page, "memory-3-not-profiled")
