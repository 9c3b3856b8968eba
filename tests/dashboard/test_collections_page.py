"""The Collections page's form: nothing starts without artworks, and the page says why."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import collection_actions
from tests.app_helpers import APP


def test_rendering_a_collection_without_artworks_says_so_and_starts_none(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/collections.py").run()
    at.text_input(key="collection-name").input("Autumn")
    at.button[0].click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "Drop at least one artwork and choose at least one template."
    ]
    assert collection_actions.collections() == []
