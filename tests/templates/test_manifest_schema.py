"""A manifest the schema accepted is remembered by its bytes, so later processes load it without
jsonschema; any other manifest (changed by a byte, never accepted, or under another schema)
is checked again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mockups.errors import TemplateError
from mockups.templates import manifest_schema
from mockups.templates.manifest_schema import passed_path
from mockups.templates.model import load_template
from tests.conftest import write_template


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def checks_counted(monkeypatch) -> list[object]:
    checked: list[object] = []
    real = manifest_schema._checked

    def counted(data: object) -> str | None:
        checked.append(data)
        return real(data)

    monkeypatch.setattr(manifest_schema, "_checked", counted)
    return checked


def test_a_manifest_that_passed_is_not_checked_again(tmp_path, monkeypatch, home):
    folder = write_template(tmp_path / "templates")
    checked = checks_counted(monkeypatch)
    first = load_template(folder)
    assert len(checked) == 1
    assert (
        passed_path((folder / "template.json").read_bytes()).parent == home / "cache" / "manifests"
    )
    assert load_template(folder) == first
    assert len(checked) == 1


def test_a_manifest_changed_by_one_byte_is_checked_again(tmp_path, monkeypatch):
    folder = write_template(tmp_path / "templates")
    load_template(folder)
    manifest = folder / "template.json"
    changed = json.loads(manifest.read_text())
    changed["fit"] = "stretch"
    manifest.write_text(json.dumps(changed))
    checked = checks_counted(monkeypatch)
    with pytest.raises(TemplateError, match="field 'fit'"):
        load_template(folder)
    with pytest.raises(TemplateError, match="field 'fit'"):
        load_template(folder)
    assert len(checked) == 2, "a refused manifest is never remembered"


def test_another_schema_checks_every_manifest_again(tmp_path, monkeypatch):
    folder = write_template(tmp_path / "templates")
    text = (folder / "template.json").read_bytes()
    load_template(folder)
    monkeypatch.setattr(manifest_schema, "_schema_bytes", lambda: b'{"type": "array"}')
    assert not passed_path(text).is_file()


def test_a_cache_that_cannot_be_written_is_done_without(tmp_path, monkeypatch, home):
    home.mkdir(parents=True)
    (home / "cache").write_text("a file where the cache folder would be")
    folder = write_template(tmp_path / "templates")
    checked = checks_counted(monkeypatch)
    load_template(folder)
    load_template(folder)
    assert len(checked) == 2


class UnreadablePath(type(Path())):
    def is_file(self) -> bool:
        raise PermissionError(13, "Permission denied", str(self))


def test_a_cache_that_cannot_be_read_is_done_without(tmp_path, monkeypatch):
    folder = write_template(tmp_path / "templates")
    monkeypatch.setattr(
        manifest_schema, "passed_path", lambda text: UnreadablePath(tmp_path / "unreadable")
    )
    checked = checks_counted(monkeypatch)
    load_template(folder)
    assert len(checked) == 1


def test_a_render_process_with_every_built_in_checked_before_does_not_import_jsonschema(home):
    script = (
        "import sys\n"
        "from mockups.templates.library import load_library\n"
        "load_library()\n"
        "print('jsonschema' in sys.modules)\n"
    )
    env = {"MOCKUPLAB_HOME": str(home), "PATH": "/usr/bin:/bin"}

    def imported() -> str:
        run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True)
        assert run.returncode == 0, run.stderr.decode()
        return run.stdout.decode().strip()

    assert imported() == "True"
    assert imported() == "False"
