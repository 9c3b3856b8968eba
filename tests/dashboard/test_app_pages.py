"""Compare, History and Memory: one budget for every render, and reads cached on disk changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import mockups.runs.catalogue
from mockups.options import RenderOptions
from mockups.render.run import render_run
from mockups.runs.catalogue import new_run_dir
from profiling.child import profile_run
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
    read_run = mockups.runs.catalogue.read_run

    def counted(path):
        reads.append(Path(path).name)
        return read_run(path)

    monkeypatch.setattr(mockups.runs.catalogue, "read_run", counted)
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


@pytest.fixture
def three_runs(tmp_path, monkeypatch) -> tuple[AppTest, list[Path]]:
    """Two profiled runs and a plain one, newest last; the app open on History."""
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    artwork = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(artwork)
    options = RenderOptions(templates=["poster", "mug"])
    folders = [profile_run(artwork, new_run_dir(f"{name}.png"), options=options).summary.out_dir
               for name in ("first", "second")]  # fmt: skip
    plain = render_run(artwork, new_run_dir("third.png"), options=RenderOptions(templates=["mug"]))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/history.py").run()
    return at, [Path(folder) for folder in [*folders, plain.out_dir]]


def shown_run(at: AppTest) -> str:
    return next(c.value for c in at.caption if " · run " in c.value).replace("\\", "")


def test_history_shows_the_clicked_run_with_its_thumbnails(three_runs):
    at, (first, _, third) = three_runs
    assert not at.exception and not at.error
    assert at.dataframe[0].value.shape[0] == 3
    assert shown_run(at).endswith(third.name), "the newest run before any click"
    assert len(at.get("image")) == 1

    at.session_state["history-runs"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    assert shown_run(at).endswith(first.name)
    assert shown_run(at).startswith("2 mockups in ")
    assert [i.proto.imgs[0].caption for i in at.get("image")] == [
        "Poster taped to a wall",
        "Ceramic mug on a table",
    ]


def test_history_compares_two_different_runs_by_default_rounded(three_runs):
    at, (first, second, _) = three_runs
    before = next(s for s in at.selectbox if s.label == "Before")
    after = next(s for s in at.selectbox if s.label == "After")
    assert (before.value, after.value) == (first, second)
    table = at.dataframe[1].value
    assert list(table["Template"]) == ["poster", "mug"]
    heap = table["heap peak MB before"]
    assert (heap == heap.round(1)).all()
    verdicts = [w.value for w in at.warning] + [s.value for s in at.success]
    assert any(v.startswith(("Worse in After: ", "Nothing got worse")) for v in verdicts)


def test_history_delete_can_be_cancelled_and_confirms_with_a_toast(three_runs):
    at, (_, _, third) = three_runs
    button(at, "Delete this run").click().run()
    button(at, "Cancel").click().run()
    assert third.is_dir() and at.dataframe[0].value.shape[0] == 3
    assert "Delete" not in [b.label for b in at.button]

    button(at, "Delete this run").click().run()
    button(at, "Delete").click().run()
    assert not at.exception and not at.error
    assert not third.exists()
    assert at.toast[0].value == f"Deleted {third.name}."
    assert at.dataframe[0].value.shape[0] == 2
