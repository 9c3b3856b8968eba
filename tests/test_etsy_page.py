"""The dashboard's Etsy sync page against the fake Etsy, through AppTest."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mockups.options import RenderOptions
from mockups.run import render_run
from mockups.storage import new_run_dir
from tests.conftest import gradient_artwork
from tests.fake_etsy.helpers import config_for, connect, environment_for

APP = str(Path(__file__).parents[1] / "app.py")
TEMPLATES = ["poster", "mug", "tshirt"]


@pytest.fixture
def page(etsy, tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake Etsy speaks http
    config = config_for(etsy, tmp_path)
    for name, value in environment_for(config).items():
        monkeypatch.setenv(name, value)
    artwork = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(artwork)
    run = render_run(artwork, new_run_dir("art.png"), options=RenderOptions(templates=TEMPLATES))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["current_run"] = run.out_dir
    at.run()
    return at, config


def test_without_a_connection_the_page_offers_the_etsy_link(page):
    at, _ = page
    at.switch_page("pages/etsy.py").run()
    assert not at.exception and not at.error
    assert "Etsy asks you to allow" in at.caption[0].value


def test_a_connected_seller_plans_and_pushes_the_run_to_a_listing(page, etsy):
    at, config = page
    connect(etsy, config)
    listing = etsy.add_listing("Sunset print", images=1)
    at.switch_page("pages/etsy.py").run()
    assert not at.exception and not at.error
    assert at.selectbox(key="etsy-listing").value.listing_id == listing.listing_id
    actions = [c.value for c in at.caption if c.value.startswith("rank ")]
    assert actions == ["rank 1: **replace**", "rank 2: **add**", "rank 3: **add**"]
    push = next(b for b in at.button if b.label == "Push to Etsy")
    push.click().run()
    assert not at.exception and not at.error
    assert "holds 3 images" in at.success[0].value
    assert len(etsy.listing(listing.listing_id).images) == 3
