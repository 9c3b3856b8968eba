"""Compare, History and Memory: one budget for every render, and reads cached on disk changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import mockups.storage
from tests.app_helpers import APP, button, png_bytes, upload_and_render
from tests.conftest import gradient_artwork


@pytest.fixture
def rendered(tmp_path, monkeypatch) -> AppTest:
    """The app after one small render (the session's current run)."""
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    upload_and_render(at, "art.png", png_bytes(gradient_artwork((300, 400))), ["poster"])
    assert not at.exception and not at.error
    return at


def test_compare_refuses_a_comparison_over_the_budget_before_rendering_any(rendered):
    at = rendered
    at.switch_page("pages/compare.py").run()
    at.multiselect[0].set_value(["sequential", "processes"])
    at.number_input[0].set_value(8)
    button(at, "Compare").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "refused before rendering" in at.error[0].value
    assert "processes x 8" in at.error[0].value
    run_dir = Path(at.session_state["current_run"])
    assert not (run_dir / "compare").exists(), "not even the sequential run started"


def test_compare_within_the_budget_runs_and_shows_the_table(rendered):
    at = rendered
    at.switch_page("pages/compare.py").run()
    at.multiselect[0].set_value(["sequential"])
    button(at, "Compare").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table["Run"]) == ["Sequential"]
    assert bool(table["Within budget"].iloc[0])
    assert at.success[0].value.startswith("Fastest within the 256 MB budget: Sequential, ")
    assert "the only run measured" in at.success[0].value
    assert any("byte-identical in every mode" in c.value for c in at.caption)


def test_history_reads_each_run_once_until_its_run_json_changes(rendered, monkeypatch):
    reads = []
    read_run = mockups.storage.read_run

    def counted(path):
        reads.append(Path(path).name)
        return read_run(path)

    monkeypatch.setattr(mockups.storage, "read_run", counted)
    at = rendered
    at.switch_page("pages/history.py").run()
    first = len(reads)
    assert first == 1, "the run list read its one run"
    at.run()
    at.run()
    assert len(reads) == first, "a rerun reads no run.json again"
    run_json = Path(at.session_state["current_run"]) / "run.json"
    later = run_json.stat().st_mtime_ns + 5_000_000_000
    os.utime(run_json, ns=(later, later))
    at.run()
    assert len(reads) == first + 1, "a changed run.json is read afresh"
    assert at.dataframe[0].value.shape[0] == 1
