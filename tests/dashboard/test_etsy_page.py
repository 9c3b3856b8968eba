"""The dashboard's Etsy sync page against the fake Etsy, through AppTest."""

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mockups.options import RenderOptions
from mockups.render.run import render_run
from mockups.runs.catalogue import new_run_dir
from tests.conftest import gradient_artwork
from tests.fake_etsy.helpers import config_for, connect, environment_for

APP = str(Path(__file__).parents[2] / "app.py")
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


def photos_onto_a_listing(at: AppTest) -> AppTest:
    """The page's second choice: a run's photos onto a listing the shop has."""
    return at.radio(key="etsy-mode").set_value("A run's photos onto a listing you have").run()


def test_without_a_connection_the_page_offers_the_etsy_link(page):
    at, _ = page
    at.switch_page("pages/etsy.py").run()
    assert not at.exception and not at.error
    assert "Etsy asks you to allow" in at.caption[0].value


def test_a_connected_seller_plans_confirms_and_pushes_the_run_to_a_listing(page, etsy):
    at, config = page
    connect(etsy, config)
    listing = etsy.add_listing("Sunset print", images=1)
    at.switch_page("pages/etsy.py").run()
    assert etsy.calls("getListingsByShop") == [], "the draft form needs no listings"
    photos_onto_a_listing(at)
    assert not at.exception and not at.error
    assert at.selectbox(key="etsy-listing").value.listing_id == listing.listing_id
    assert not [c for c in at.caption if c.value.startswith("rank ")]

    at.button(key="etsy-plan-button").click().run()
    actions = [c.value for c in at.caption if c.value.startswith("rank ")]
    assert actions == ["rank 1: **replace**", "rank 2: **add**", "rank 3: **add**"]
    assert "did not come from Mockup Lab" in at.warning[0].value

    at.button(key="etsy-push-button").click().run()
    assert etsy.calls("uploadListingImage") == []
    assert "Nothing pushed" in at.warning[-1].value

    at.checkbox(key="etsy-overwrite-foreign").check()
    at.button(key="etsy-push-button").click().run()
    assert not at.exception and not at.error
    assert "holds 3 images" in at.success[0].value
    assert len(etsy.listing(listing.listing_id).images) == 3


def test_a_plain_rerun_calls_etsy_no_more(page, etsy):
    at, config = page
    connect(etsy, config)
    etsy.add_listing("Sunset print")
    photos_onto_a_listing(at.switch_page("pages/etsy.py").run())
    at.button(key="etsy-plan-button").click().run()
    seen = len(etsy.seen)

    at.run()
    at.run()

    assert not at.exception and not at.error
    assert len(etsy.seen) == seen
    assert [c.value for c in at.caption if c.value.startswith("rank 1")] == ["rank 1: **add**"]


def test_cached_listings_are_kept_per_etsy_user(page, etsy):
    at, config = page
    connect(etsy, config)
    etsy.add_listing("First seller's print")
    photos_onto_a_listing(at.switch_page("pages/etsy.py").run())
    assert at.selectbox(key="etsy-listing").value.title == "First seller's print"

    etsy.state.user_id, etsy.state.shop_id = 40999999, 30999999
    connect(etsy, config)
    etsy.add_listing("Second seller's print")
    at.run()

    assert [o for o in at.selectbox(key="etsy-listing").options] == [
        "Second seller's print · draft · " + str(max(etsy.state.listings))
    ]


def test_etsys_error_description_is_shown_as_text_not_markdown(page):
    at, _ = page
    hostile = "Denied [click me](https://evil.example) ![](https://evil.example/pixel.png)"
    at.switch_page("pages/etsy.py")
    at.query_params["error"] = "access_denied"
    at.query_params["error_description"] = hostile
    at.run()

    assert not at.exception
    assert any(hostile in block.value for block in at.code)
    rendered = [e.value for e in at.error] + [m.value for m in at.markdown]
    rendered += [c.value for c in at.caption]
    assert not any("evil.example" in text for text in rendered)


@pytest.fixture
def unconfigured(tmp_path, monkeypatch):
    """The app with no ETSY_* setting anywhere (no environment, no secrets file)."""
    for name in [n for n in os.environ if n.startswith("ETSY_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # the secrets file is read from the working folder
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at


def test_with_nothing_configured_the_page_is_a_setup_checklist_not_an_error(unconfigured):
    at = unconfigured.switch_page("pages/etsy.py").run()
    assert not at.exception and not at.error
    assert "not set up yet" in at.info[0].value
    steps = [m.value for m in at.markdown if m.value.startswith(":material/")]
    assert len(steps) == 3 and all(s.startswith(":material/radio_button_unchecked:") for s in steps)
    assert "(https://www.etsy.com/developers/your-apps)" in steps[0]
    assert "Keystring" in steps[0] and "Shared secret" in steps[0]
    redirect, secrets = at.code[0].value, at.code[1]
    assert redirect == "https://localhost:8501/etsy"
    assert secrets.language == "toml"
    assert {line.split(" = ")[0] for line in secrets.value.splitlines() if " = " in line} == {
        "ETSY_KEYSTRING",
        "ETSY_SHARED_SECRET",
        "ETSY_REDIRECT_URI",
    }
    assert f'ETSY_REDIRECT_URI = "{redirect}"' in secrets.value
    recipe = [c.value for c in at.caption if "No https server?" in c.value]
    assert recipe and "`python -m etsy_sync auth`" in recipe[0], "the way without https"


def test_with_app_keys_but_no_redirect_the_checklist_ticks_the_keys(
    unconfigured, monkeypatch, tmp_path
):
    monkeypatch.setenv("ETSY_TOKEN_FILE", str(tmp_path / "token.json"))  # not connected
    monkeypatch.setenv("ETSY_MANIFEST_FILE", str(tmp_path / "sync.sqlite3"))
    monkeypatch.setenv("ETSY_KEYSTRING", "k3ystring")
    monkeypatch.setenv("ETSY_SHARED_SECRET", "s3cret")
    at = unconfigured.switch_page("pages/etsy.py").run()
    assert not at.exception and not at.error
    steps = [m.value for m in at.markdown if m.value.startswith(":material/")]
    assert steps[0].startswith(":material/check_circle:")
    assert steps[1].startswith(":material/radio_button_unchecked:")
    assert at.caption[-1].value == "Not set yet: ETSY_REDIRECT_URI."
    assert not [b for b in at.get("link_button")], "no Connect link without a redirect address"
    rendered = " ".join(m.value for m in [*at.markdown, *at.code, *at.caption])
    assert "k3ystring" not in rendered and "s3cret" not in rendered
