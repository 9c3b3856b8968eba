"""The Collections page: nothing starts without artworks, and the page says why; a poll of
the table that cannot reach the store or the queue says so in one line."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import collection_actions
from dashboard.text import shown_message
from mockups.runs.base import StoreUnavailable
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


def polled(folder: str) -> None:
    """The page's poll of a collection, as its fragment runs it between full reruns."""
    from pathlib import Path

    from dashboard.collection_states import show_states

    show_states(Path(folder), live=True)


def test_a_poll_that_cannot_reach_the_store_says_so_in_one_line(tmp_path, monkeypatch):
    def out_of_reach(folder):
        raise StoreUnavailable("the runs store s3://team/runs cannot be reached: refused")

    monkeypatch.setattr(collection_actions, "follow", out_of_reach)
    at = AppTest.from_function(polled, args=(str(tmp_path),), default_timeout=60)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        shown_message("the runs store s3://team/runs cannot be reached: refused")
    ]
