"""What the notebooks open: runs and settings from the environment, else small runs made here."""

import json

import pytest

from mockups.render.budget import BUDGET_ENV, DEFAULT_BUDGET_MB
from mockups.runs.folder import RUN_FILE, read_run
from mockups.templates.library import LISTING
from profiling import load_run
from profiling.notebook_inputs import (
    SWEEP_ARTWORK_SIZES,
    SWEEP_WORKERS,
    SweepSettings,
    render_again,
    run_after_fix,
    run_to_investigate,
    sweep_settings,
)
from tests.conftest import gradient_artwork


def test_sweep_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv(BUDGET_ENV, "300")
    environ = {
        "MOCKUPLAB_ARTWORK_SIZES": "400x500, 800X1000",
        "MOCKUPLAB_WORKERS": "1,3",
        "MOCKUPLAB_TEMPLATES": "poster,poster",
    }
    assert sweep_settings(environ) == SweepSettings(
        artwork_sizes=((400, 500), (800, 1000)),
        workers=(1, 3),
        templates="poster,poster",
        budget_mb=300,
    )


def test_sweep_settings_default_to_a_full_listing_on_two_real_artwork_sizes(monkeypatch):
    monkeypatch.delenv(BUDGET_ENV, raising=False)
    expected = SweepSettings(SWEEP_ARTWORK_SIZES, SWEEP_WORKERS, LISTING, DEFAULT_BUDGET_MB)
    assert sweep_settings({}) == expected
    assert SWEEP_WORKERS == (1, 2, 4) and len(SWEEP_ARTWORK_SIZES) == 2


@pytest.mark.parametrize(
    ("name", "value"), [("MOCKUPLAB_ARTWORK_SIZES", "400x"), ("MOCKUPLAB_WORKERS", "1,two")]
)
def test_a_malformed_setting_names_its_variable(name, value):
    with pytest.raises(ValueError, match=name):
        sweep_settings({name: value})


def test_the_run_named_in_the_environment_is_opened_without_rendering(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    assert run_to_investigate({"MOCKUPLAB_RUN": "/runs/a"}).as_posix() == "/runs/a"
    assert run_after_fix("/runs/a", {"MOCKUPLAB_RUN_AFTER": "/runs/b"}).as_posix() == "/runs/b"
    assert not (tmp_path / "home").exists()


def test_without_a_run_named_a_small_profiled_run_is_rendered_and_rendered_again(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    before = run_to_investigate({"MOCKUPLAB_TEMPLATES": "desk-frame,greeting-card"})
    assert before.parent == tmp_path / "runs"
    profiled = load_run(before)
    assert [m.template for m in profiled.mockups] == ["desk-frame", "greeting-card"]
    assert not profiled.summary.release_memory

    after = run_after_fix(before, {})
    assert after.parent == tmp_path / "runs" and after != before
    again = load_run(after)
    assert [m.template for m in again.mockups] == ["desk-frame", "greeting-card"]
    assert again.summary.release_memory
    assert again.summary.mode == profiled.summary.mode


def test_a_run_is_rendered_again_from_its_working_copy_once_its_artwork_is_gone(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    before = run_to_investigate({"MOCKUPLAB_TEMPLATES": "desk-frame"})
    for artwork in (tmp_path / "notebooks" / "artworks").iterdir():
        artwork.unlink()
    again = load_run(render_again(before))
    assert [m.template for m in again.mockups] == ["desk-frame"]
    assert not again.summary.release_memory


def test_render_again_never_reads_a_file_a_planted_run_json_names(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    before = run_to_investigate({"MOCKUPLAB_TEMPLATES": "desk-frame"})
    private = tmp_path / "private.png"
    gradient_artwork((700, 900)).save(private)
    record = json.loads((before / RUN_FILE).read_text())
    record["artwork"]["path"] = str(private)
    (before / RUN_FILE).write_text(json.dumps(record))

    again = read_run(render_again(before))
    assert again.artwork.path == str(before / "artwork.png"), "the run's own working copy"
    assert (again.artwork.width, again.artwork.height) != (700, 900)
