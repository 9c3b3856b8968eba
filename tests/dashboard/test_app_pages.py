"""Compare, History and Memory: one budget for every render, and reads cached on disk changes."""

from __future__ import annotations

import json
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


def mode_box(at: AppTest, label: str):
    """Compare's tick for the run labelled `label` ("Sequential", "Threads x2")."""
    return next(box for box in at.checkbox if box.label.startswith(f"{label} · about "))


def test_compare_ticks_the_modes_that_fit_and_a_refused_one_cannot_be_ticked_and_says_why(
    rendered,
):
    at = rendered
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    assert mode_box(at, "Sequential").value and mode_box(at, "Threads x2").value
    at.number_input[0].set_value(8).run()
    processes = mode_box(at, "Processes x8")
    assert processes.disabled and not processes.value
    (why,) = [c.value for c in at.caption if "Processes x8 needs about" in c.value]
    assert "over the 256 MB memory budget for one render: it would be refused" in why
    assert "MOCKUPLAB" not in " ".join(c.value for c in at.caption)
    assert "The 1 templates ticked on the Render page" in " ".join(c.value for c in at.caption)


def test_compare_refuses_a_run_over_the_budget_before_rendering_any(rendered, monkeypatch):
    from dashboard.comparing import compare_within_budget
    from dashboard.resources import render_slots
    from mockups.render.budget import JobRefused

    run_dir = Path(rendered.session_state["current_run"])
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "80")
    with pytest.raises(JobRefused, match="Sequential needs about .* MB, over the 80 MB"):
        compare_within_budget(
            next(run_dir.glob("upload.*")),
            run_dir / "compare",
            modes=["sequential"],
            workers=2,
            templates=["poster"],
            release=False,
            started=print,
            progress=print,
            slots=render_slots(),
        )
    assert not (run_dir / "compare").exists(), "not even the sequential run started"


def test_compare_within_the_budget_runs_the_ticked_templates_and_shows_the_table(rendered):
    at = rendered
    at.switch_page("pages/compare.py").run()
    mode_box(at, "Threads x2").uncheck()
    mode_box(at, "Processes x2").uncheck().run()
    at.switch_page("pages/history.py").run()
    at.switch_page("pages/compare.py").run()
    assert not mode_box(at, "Threads x2").value, "the choice outlived a page change"
    button(at, "Compare").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert list(table["Run"]) == ["Sequential"]
    assert bool(table["Within budget"].iloc[0])
    assert at.success[0].value.startswith("Fastest within the 256 MB budget: Sequential, ")
    assert "the only run measured" in at.success[0].value
    assert any("byte-identical in every mode" in c.value for c in at.caption)
    assert [p.proto.text for p in at.get("progress")] == ["Sequential: 1/1 mockups"]
    run_dir = Path(at.session_state["current_run"])
    (compared,) = (run_dir / "compare").glob("*/run.json")
    assert [m["template"] for m in json.loads(compared.read_text())["mockups"]] == ["poster"]


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

    at.session_state["history-runs-0"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
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
    assert list(table["Template"]) == ["Poster taped to a wall", "Ceramic mug on a table"]
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
