"""The first dashboard page, driven through Streamlit's AppTest."""

import io
from pathlib import Path

import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from tests.conftest import gradient_artwork

APP = str(Path(__file__).parents[1] / "app.py")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_uploaded_artwork_renders_into_a_gallery_of_thumbnails(app, tmp_path):
    app.file_uploader(key="artwork").set_value(
        ("poster.png", png_bytes(gradient_artwork((600, 800))), "image/png")
    ).run()
    app.multiselect[0].set_value(["poster", "greeting-card"]).run()
    app.button[0].click().run()
    assert not app.exception and not app.error
    assert len(app.image) == 2
    (run_dir,) = (tmp_path / "runs").iterdir()
    assert app.session_state["run_dir"] == str(run_dir)
    assert (run_dir / "run.json").is_file()


def test_a_corrupt_upload_shows_one_clear_message_and_the_page_keeps_working(app):
    app.file_uploader(key="artwork").set_value(("broken.jpg", b"\xff\xd8 nope", "image/jpeg")).run()
    app.button[0].click().run()
    assert not app.exception
    assert len(app.error) == 1
    assert "not an image" in app.error[0].value
    assert "Traceback" not in app.error[0].value
    app.file_uploader(key="artwork").set_value(
        ("fine.png", png_bytes(gradient_artwork((300, 400))), "image/png")
    ).run()
    app.multiselect[0].set_value(["poster"]).run()
    app.button[0].click().run()
    assert not app.error and len(app.image) == 1
