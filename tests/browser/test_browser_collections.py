"""A collection in Debian's chromium, as a seller team makes one: five artworks (one corrupt)
with a CSV, rendered by a real worker on Redis; the corrupt one fails with its line, the zip
holds the other four's ten mockups each, and the fake Etsy gets four draft listings. On each
runs store: the local folder the worker shares, and S3, the worker on a home of its own."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect, sync_playwright

from harness.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, open_page, streamlit_server
from tests.conftest import gradient_artwork
from tests.etsy.conftest import config
from tests.fake_etsy.helpers import environment_for

ARTIFACTS = ROOT / "test-artifacts"
SLOW = 480_000  # under a load average of 20 (Blender renders), a push of 4 drafts took over 4 min
GOOD = [f"design-{n}.jpg" for n in range(4)]
CORRUPT = "torn.jpg"

pytestmark = pytest.mark.slow
__all__ = ["config"]


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "upload"
    folder.mkdir()
    for n, name in enumerate(GOOD):
        gradient_artwork((500 + 20 * n, 640)).save(folder / name, quality=90)
    (folder / CORRUPT).write_bytes(b"\xff\xd8\xff\xe0 half a jpeg")
    rows = folder / "listings.csv"
    rows.write_text(
        "file,title,price,tags,description\n"
        + "".join(f'{name},Autumn print {n},{20 + n}.50,"autumn, print",Leaves.\n'
                  for n, name in enumerate([*GOOD, CORRUPT]))
    )  # fmt: skip
    return [folder / name for name in [*GOOD, CORRUPT]], rows


@pytest.fixture
def page(backend, monkeypatch, redis_url, render_queue, start_worker, etsy, config):
    """The page on each runs store: the local folder (the worker shares the web's home and
    runs its jobs there), or S3 (the worker has a home of its own and shares only the bucket)."""
    data = backend.web_home
    monkeypatch.setenv("REDIS_URL", redis_url)
    for name, value in environment_for(config).items():
        monkeypatch.setenv(name, value)
    start_worker(env=backend.worker_environment() if backend.name == "s3" else None)
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "streamlit-collections.log"
    with streamlit_server(data, log) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 2400}, accept_downloads=True)
        tab.goto(url)
        open_page(tab, "Collections", "Collections", SLOW)
        yield tab
        browser.close()


def metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


@pytest.mark.timeout(1500)  # fifty mockups on one worker, on a machine shared with others
def test_a_collection_renders_on_a_worker_zips_and_becomes_etsy_drafts(page, files, etsy, backend):
    artworks, rows = files
    uploaders = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploaders.nth(0).set_input_files([str(path) for path in artworks])
    uploaders.nth(1).set_input_files(str(rows))
    page.get_by_role("textbox", name="Collection name").fill("Autumn")
    page.get_by_role("button", name="Render the collection").click()

    expect(metric(page, "Done")).to_have_text("4", timeout=SLOW)
    expect(metric(page, "Failed")).to_have_text("1")
    failure = page.get_by_test_id("stAlertContentError")
    expect(failure).to_have_count(1)
    expect(failure).to_contain_text(re.compile(r"torn\W+jpg\W+ the file is truncated or corrupt"))

    link = page.get_by_role("link", name="Download the 4 done as one zip")
    answer = page.request.get(urljoin(page.url, link.get_attribute("href")), timeout=SLOW)
    assert answer.ok and answer.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.body()))
    mockups = Counter(name.split("/")[0] for name in archive.namelist() if name.endswith(".jpg"))
    assert sorted(mockups.values()) == [10, 10, 10, 10]
    assert all(CORRUPT.removesuffix(".jpg") not in folder for folder in mockups)

    page.get_by_label("Etsy category (taxonomy id)").fill("2078")
    page.get_by_label("Shipping profile id").fill("77")
    page.get_by_role("button", name="Push 4 drafts to Etsy").click()
    expect(page.get_by_text("4 draft listings on Etsy.")).to_be_visible(timeout=SLOW)
    ours = [listing for listing in etsy.state.listings.values() if "Autumn" in listing.title]
    drafts = [listing for listing in ours if listing.state == "draft"]
    assert len(ours) == 4
    assert sorted(d.title for d in drafts) == [f"Autumn print {n}" for n in range(4)]
    assert all(len(d.images) == 10 for d in drafts)

    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SLOW)
    page.get_by_test_id("stMainBlockContainer").screenshot(
        path=ARTIFACTS / f"collections-{backend.name}.png"
    )
    if backend.name == "s3":
        assert not (backend.worker_home / "collections").exists(), "the worker shares no folder"

    open_page(page, "History", "History", SLOW)
    page.get_by_text("Collections (1): each with its runs").click()
    expect(page.get_by_role("combobox", name="Its runs")).to_have_value(
        re.compile(r"^Autumn · "), timeout=SLOW
    )
    page.get_by_test_id("stMainBlockContainer").screenshot(
        path=ARTIFACTS / f"collections-history-{backend.name}.png"
    )
