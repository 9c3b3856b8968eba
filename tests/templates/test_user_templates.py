"""The user's templates folder ($MOCKUPLAB_HOME/templates): seen by the library, the command
line and the render workers; never shadowing a built-in; a broken one listed, not fatal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from mockups.templates.library import (
    BUILT_IN,
    USER,
    library_entries,
    load_library,
    user_templates_dir,
)
from tests.cli_helpers import run_cli
from tests.conftest import write_template


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def user_folder(home: Path) -> Path:
    return home / "templates"


def test_the_user_folder_is_under_mockuplab_home(home):
    assert user_templates_dir() == home / "templates"


def test_a_user_template_joins_the_library_without_being_passed_a_folder(home):
    write_template(user_folder(home), template_id="my-shelf")
    library = load_library()
    assert "my-shelf" in library and "poster" in library
    sources = {entry.id: entry.source for entry in library_entries()}
    assert sources["my-shelf"] == USER and sources["poster"] == BUILT_IN


def test_a_user_template_with_a_built_in_id_is_listed_as_broken_and_the_built_in_stays(home):
    write_template(user_folder(home), template_id="poster", scene_colour=(255, 0, 0))
    library = load_library()
    assert library["poster"].folder.parent.name == "library"
    user_poster = [e for e in library_entries() if e.id == "poster" and e.source == USER]
    assert user_poster[0].broken and "built-in" in user_poster[0].problem


def test_a_broken_user_template_is_left_out_with_a_one_line_reason_and_no_path(home):
    broken = write_template(user_folder(home), template_id="half-saved")
    (broken / "scene.png").unlink()
    write_template(user_folder(home), template_id="fine")
    library = load_library()
    assert "fine" in library and "half-saved" not in library
    entry = next(e for e in library_entries() if e.id == "half-saved")
    assert entry.problem == "template.json: field 'scene': scene.png not found"
    assert str(home) not in entry.problem


def test_staging_folders_of_a_template_being_written_are_not_templates(home):
    write_template(user_folder(home) / ".staging-abc", template_id="not-yet")
    assert "not-yet" not in load_library()
    assert all(entry.id != "not-yet" for entry in library_entries())


def test_the_templates_command_marks_built_in_and_user_and_broken_ones(home):
    write_template(user_folder(home), template_id="my-shelf")
    (write_template(user_folder(home), template_id="broken-one") / "template.json").write_text("{")
    done = run_cli("templates", home=home)
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines()}
    assert lines["poster"].split()[1] == "built-in"
    assert lines["my-shelf"].split()[1] == "user"
    assert "broken: template.json: not valid JSON" in lines["broken-one"]
    rows = json.loads(run_cli("templates", "--json", home=home).stdout)
    assert {row["id"]: row["source"] for row in rows}["my-shelf"] == "user"


def test_render_and_sheet_on_the_command_line_use_a_user_template(home, tmp_path):
    write_template(user_folder(home), template_id="my-shelf", scene_colour=(9, 9, 9))
    artwork = tmp_path / "art.png"
    Image.new("RGB", (600, 800), (200, 20, 20)).save(artwork)
    done = run_cli(
        "render", str(artwork), "--out", str(tmp_path / "run"), "--templates", "my-shelf", home=home
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "run" / "01-my-shelf.jpg").is_file()
    sheet = run_cli(
        "sheet",
        str(artwork),
        "--out",
        str(tmp_path / "sheet.jpg"),
        "--templates",
        "my-shelf,poster",
        home=home,
    )
    assert sheet.returncode == 0, sheet.stderr


def test_an_unknown_user_template_id_is_one_line_and_rc_2(home, tmp_path):
    artwork = tmp_path / "art.png"
    Image.new("RGB", (600, 800), (200, 20, 20)).save(artwork)
    done = run_cli(
        "render", str(artwork), "--out", str(tmp_path / "run"), "--templates", "nope", home=home
    )
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: unknown template nope")
    assert len(done.stderr.strip().splitlines()) == 1
