"""The dashboard's pages driven through Streamlit's AppTest (no browser)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from harness.redis_server import redis_server
from mockups.runs.folder import read_run
from mockups.templates.library import listing_ids, load_library
from tests.app_helpers import (
    APP,
    LIBRARY_THUMBNAILS,
    png_bytes,
    submit_render,
    template_boxes,
    upload_and_render,
    wait_for_render,
)
from tests.conftest import gradient_artwork


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def test_the_listings_ten_start_ticked_the_ten_the_command_line_renders(app):
    ticked = [template_id for template_id, box in template_boxes(app).items() if box.value]
    assert sorted(ticked) == sorted(listing_ids(load_library())) and len(ticked) == 10


def test_an_upload_renders_into_a_gallery_and_only_its_path_is_kept(app, tmp_path):
    upload_and_render(app, "art.png", png_bytes(gradient_artwork((600, 800))), ["poster", "mug"])
    assert not app.exception and not app.error
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert app.session_state["current_run"] == str(run_dir)
    assert len(app.image) == LIBRARY_THUMBNAILS + 2
    assert sorted(p.name for p in (run_dir / "thumbs").iterdir()) == ["01-mug.jpg", "02-poster.jpg"]
    assert isinstance(app.session_state["current_run"], str), "a path, not the images"


def test_a_corrupt_upload_shows_one_message_leaves_nothing_and_the_page_works(app, tmp_path):
    app.file_uploader[0].set_value(("broken.png", b"\x89PNG not really", "image/png")).run()
    assert not app.exception
    assert len(app.error) == 1 and "not an image" in app.error[0].value
    assert "broken" in app.error[0].value, "named as the user named it"
    assert str(tmp_path) not in app.error[0].value, "no server path in a message"
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").iterdir())
    assert not any((tmp_path / "uploads").iterdir()), "the refused upload is not kept"
    app.run()  # the emptied uploader, as the browser shows it next
    upload_and_render(app, "fine.png", png_bytes(gradient_artwork((300, 400))), ["poster"])
    assert not app.error and len(app.image) == LIBRARY_THUMBNAILS + 1


def test_a_profiled_run_fills_the_memory_page(app):
    upload_and_render(
        app, "art.png", png_bytes(gradient_artwork((400, 500))), ["poster", "mug"], profile=True
    )
    assert not app.exception and not app.error
    app.switch_page("pages/memory.py").run()
    assert not app.exception and not app.error
    assert len(app.get("plotly_chart")) == 2
    assert len(app.metric) == 4


def test_the_live_panels_leak_link_opens_the_memory_page_at_that_mockups_leak(app):
    upload_and_render(
        app, "art.png", png_bytes(gradient_artwork((400, 500))), ["poster", "mug"], profile=True
    )
    run_dir = Path(app.session_state["current_run"])
    app.switch_page("pages/memory.py")
    app.query_params["run"] = run_dir.name
    app.query_params["mockup"] = "2"
    app.run()
    assert not app.exception and not app.error
    mockup = next(box for box in app.selectbox if box.label == "Mockup")
    assert mockup.value == 2
    assert app.radio[0].value == "leaked"


def test_history_lists_the_run_and_templates_lists_the_library(app):
    upload_and_render(app, "art.png", png_bytes(gradient_artwork((300, 400))), ["poster"])
    app.switch_page("pages/history.py").run()
    assert not app.exception
    assert app.dataframe[0].value.shape[0] == 1
    app.switch_page("pages/templates.py").run()
    assert not app.exception
    assert len(app.image) == LIBRARY_THUMBNAILS


@pytest.mark.slow
def test_with_redis_the_page_follows_a_queued_render_across_pages_until_a_worker_ends_it(
    tmp_path, monkeypatch
):
    (tmp_path / "redis").mkdir()
    with redis_server(tmp_path / "redis") as url:
        monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("REDIS_URL", url)
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        submit_render(at, "art.png", png_bytes(gradient_artwork((300, 400))), ["poster"])
        assert not at.exception and not at.error
        assert "you are next" in at.get("progress")[0].proto.text, "queued, no worker yet"

        at.switch_page("pages/history.py").run()
        at.switch_page("pages/render.py").run()
        assert "you are next" in at.get("progress")[0].proto.text, "still followed"

        worker = subprocess.Popen(
            [sys.executable, "-m", "mockups", "worker", "--url", url],
            cwd=Path(APP).parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_render(at)
        finally:
            worker.kill()
            worker.wait()
        assert not at.exception and not at.error
        (run_dir,) = (tmp_path / "home" / "runs").iterdir()
        rendered_by = json.loads((run_dir / "run.json").read_text())["mockups"][0]["worker"]
        assert rendered_by.split("/")[0] != str(os.getpid()), "not in the web process"
        assert at.session_state["current_run"] == str(run_dir)
        assert len(at.image) == LIBRARY_THUMBNAILS + 1


def test_a_template_made_from_a_photo_is_previewed_saved_and_offered_at_once(app, tmp_path):
    upload_and_render(app, "art.png", png_bytes(gradient_artwork((300, 400))), ["poster"])
    app.switch_page("pages/templates.py").run()
    photo = Image.new("RGB", (1500, 1000), (200, 190, 180))
    app.file_uploader(key="scene-photo").set_value(("shelf.png", png_bytes(photo), "image/png"))
    app.run()
    assert not app.exception and not app.error
    corners = {n.label: n for n in app.number_input if n.label.endswith("(px)")}
    assert corners["top left x (px)"].value == 375 and corners["top left y (px)"].value == 200
    assert corners["bottom right x (px)"].value == 1125, "a centred box, whatever the size"
    assert corners["top left x (px)"].step == 15, "a press moves 1 % of the long side"
    corners["top left x (px)"].increment().run()
    corners = {n.label: n for n in app.number_input if n.label.endswith("(px)")}
    assert corners["top left x (px)"].value == 390
    assert len(app.image) == LIBRARY_THUMBNAILS, "no preview before it is asked for"
    app.text_input[0].set_value("Shelf print")
    next(b for b in app.button if b.label == "Preview").click().run()
    assert not app.exception and not app.error
    assert len(app.image) == LIBRARY_THUMBNAILS + 1, "the library and the preview"
    next(b for b in app.button if b.label == "Save template").click().run()
    assert not app.exception and not app.error
    assert "shelf-print" in app.success[0].value
    assert "Shelf print" in [t.value for t in app.text], "listed in the library at once"
    app.switch_page("pages/render.py").run()
    assert "shelf-print" in template_boxes(app)
    upload_and_render(app, None, None, ["shelf-print", "poster"])
    assert not app.exception and not app.error
    run = read_run(app.session_state["current_run"])
    assert [m.template for m in run.mockups] == ["poster", "shelf-print"]
