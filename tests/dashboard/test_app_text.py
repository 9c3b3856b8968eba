"""Untrusted text on the dashboard's pages: escaped for markdown, messages without server paths."""

from __future__ import annotations

import re

from dashboard.text import as_text, shown_message, without_paths

WORD_JOINER = "\u2060"


def unescaped(shown: str) -> str:
    """What a reader sees: backslash escapes read, invisible joiners dropped."""
    return re.sub(r"\\(.)", r"\1", shown).replace(WORD_JOINER, "")


def test_markdown_in_a_name_is_escaped_and_reads_as_typed():
    name = "[x](http://127.0.0.1:9/) ![i](http://127.0.0.1:9/p.png) **b** <b>h</b> :red[x] `c`"
    shown = as_text(name)
    assert unescaped(shown) == name
    assert not re.search(r"(?<!\\)[\[\]()*<>`:!]", shown.replace(WORD_JOINER, ""))


def test_autolink_triggers_are_broken_by_an_invisible_joiner():
    text = "see http://a.example www.b.example c@d.example"
    shown = as_text(text)
    assert "http:" not in shown and "www." not in shown and "c@" not in shown
    assert unescaped(shown) == text


def test_absolute_paths_are_cut_to_their_folder_and_name():
    message = "/srv/data/mockup-lab/templates/shelf/template.json: field 'scene': not found"
    assert without_paths(message) == "shelf/template.json: field 'scene': not found"
    assert without_paths("cannot read /tmp/x/y/run.json (bad)") == "cannot read y/run.json (bad)"
    assert without_paths("shelf/template.json and 3/4 stay") == "shelf/template.json and 3/4 stay"


def test_the_runs_store_is_named_whole_with_its_bucket_and_a_server_path_beside_it_is_cut():
    message = "the runs store s3://team-bucket/team/runs cannot be reached; /srv/x/runs/r1/a.png"
    assert without_paths(message) == (
        "the runs store s3://team-bucket/team/runs cannot be reached; r1/a.png"
    )


def test_a_shown_message_is_its_first_line_without_paths_as_text():
    shown = shown_message("/home/u/runs/r1/run.json: damaged\nTraceback (most recent call last)")
    assert unescaped(shown) == "r1/run.json: damaged"
