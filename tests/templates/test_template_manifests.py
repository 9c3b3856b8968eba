"""Hostile or broken template manifests are refused in one line, never hang or crash."""

import os
import threading

import pytest

from mockups.errors import TemplateError
from mockups.templates.model import load_template


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[" * 100_000, "not valid JSON"),
        ('{"format": 1, "size": [' + "9" * 5000 + ", 2000]}", "not valid JSON"),
        ("\xff\xfe{}", "not valid JSON"),
    ],
)
def test_manifests_that_break_the_json_reader_are_one_line(tmp_path, text, words):
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "template.json").write_bytes(text.encode("utf-8", errors="surrogateescape"))
    with pytest.raises(TemplateError, match=words) as refused:
        load_template(folder)
    assert "\n" not in str(refused.value)


def test_a_fifo_named_template_json_is_refused_without_blocking(tmp_path):
    folder = tmp_path / "fifo"
    folder.mkdir()
    os.mkfifo(folder / "template.json")
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            load_template(folder)
        except TemplateError as error:
            outcome.append(error)

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "loading a FIFO manifest blocked"
    assert "not a regular file" in str(outcome[0])


def test_a_huge_manifest_is_refused_before_it_is_parsed(tmp_path):
    folder = tmp_path / "huge"
    folder.mkdir()
    (folder / "template.json").write_text('{"name": "' + "x" * 2_000_000 + '"}')
    with pytest.raises(TemplateError, match="not a manifest"):
        load_template(folder)
