"""One-line messages: names read from files are shown escaped, never as terminal controls."""

from __future__ import annotations

from mockups.errors import printable


def test_control_and_escape_characters_are_written_as_escapes():
    name = "wall\nerror: forged\r\x1b[31mred\x1b]0;title\x07\u202eevil\u2028end\t"
    shown = printable(name)
    assert shown == (
        "wall\\nerror: forged\\r\\x1b[31mred\\x1b]0;title\\x07\\u202eevil\\u2028end\\t"
    )
    assert shown.isprintable()


def test_letters_of_any_script_and_spaces_are_kept():
    assert printable("Café mug — 白い マグ") == "Café mug — 白い マグ"


def test_a_long_name_is_cut():
    assert printable("x" * 500, limit=40) == "x" * 40 + "..."
    assert printable("x" * 40, limit=40) == "x" * 40
