"""The live memray panel in Debian's chromium: a profiled run of ten shows each mockup's memray
figures while the others still render, and flags a planted leak with a link to the Memory page.

The leak is planted in every Python process the dashboard starts through a `sitecustomize`
on PYTHONPATH: it slows each mockup a little (so the run lasts long enough to watch) and keeps
a copy of the mug's canvas.
"""

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from harness.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, streamlit_server
from mockups.memory import MIB
from tests.conftest import gradient_artwork

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 180_000
PLANTED_ON = "mug"
PLANTING = f"""
import time

import mockups.render.run

_real_render = mockups.render.run.render_mockup
KEPT = []


def render_slowly_keeping_the_mug(artwork, template, *rest):
    time.sleep(0.4)
    canvas = _real_render(artwork, template, *rest)
    if template.key == "{PLANTED_ON}":
        KEPT.append(canvas.drawn.copy())
    return canvas


mockups.render.run.render_mockup = render_slowly_keeping_the_mug
"""


@pytest.fixture
def page(tmp_path, monkeypatch):
    planting = tmp_path / "planting"
    planting.mkdir()
    (planting / "sitecustomize.py").write_text(PLANTING)
    monkeypatch.setenv("PYTHONPATH", f"{planting}:{ROOT}")
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "streamlit-live.log"
    with streamlit_server(tmp_path / "data", log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 2400})
        tab.goto(url)
        yield tab
        browser.close()


@pytest.mark.slow
def test_memray_figures_show_per_mockup_while_the_run_goes_on_and_a_leak_is_flagged(page, tmp_path):
    artwork = tmp_path / "artwork.jpg"
    gradient_artwork((1600, 2000)).save(artwork, quality=90)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(artwork))
    page.get_by_text("Profile memory (memray)").click()
    page.get_by_role("button", name="Render").click()

    rows = page.get_by_test_id("stTable").locator("tbody tr")
    expect(rows.first).to_contain_text(re.compile(r"01\s*canvas"), timeout=SLOW)
    first_seen_unix = time.time()
    first_row = rows.first.text_content() or ""  # folded in the status box, still there
    rows_then = rows.count()
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / "live-1-first.png")

    flag = page.get_by_text(re.compile(rf"Mockup 05 \({PLANTED_ON}\) leaked"))
    expect(flag).to_be_visible(timeout=SLOW)
    link = page.get_by_role("link", name="Open mockup 05's leak in its profile")
    expect(link).to_have_attribute("href", re.compile(r"memory\?run=.+&mockup=5$"))
    href = link.get_attribute("href")  # the panel gives way to the gallery once the run ends
    gallery = page.get_by_test_id("stImage").filter(has=page.get_by_test_id("stImageCaption"))
    expect(gallery).to_have_count(10, timeout=SLOW)
    page.get_by_test_id("stMainBlockContainer").screenshot(path=ARTIFACTS / "live-2-done.png")

    (run_json,) = Path(tmp_path / "data").rglob("run.json")
    run = json.loads(run_json.read_text())
    first, last = run["mockups"][0], run["mockups"][-1]
    assert first_seen_unix < last["finished_unix"]  # seen before mockup 10 had finished
    assert rows_then < 10
    figures = first["profile"]  # the finished profile's
    assert f"{figures['heap_peak_bytes'] / MIB:.1f}" in first_row
    assert f"{figures['leaked_bytes'] / MIB:.2f}" in first_row
    assert run_json.parent.name in (href or "")
    planted = run["mockups"][4]
    assert planted["template"] == PLANTED_ON and planted["profile"]["leak_reason"] is not None
    leaked = [m["profile"]["leaked_bytes"] for m in run["mockups"]]
    assert planted["profile"]["leaked_bytes"] == max(leaked)
