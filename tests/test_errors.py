"""One-line messages: names read from files are shown escaped, never as terminal controls;
a child process's error rebuilt by its name."""

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


def test_a_childs_error_is_rebuilt_by_its_name_within_its_family_only():
    from mockups import errors

    rebuilt = errors.named_error(errors, "ArtworkError", errors.MockupLabError, "too big")
    assert type(rebuilt) is errors.ArtworkError and str(rebuilt) == "too big"
    for stranger in ("first_line", "unicodedata", "NoSuchError"):
        fallback = errors.named_error(
            errors, stranger, errors.MockupLabError, "odd", errors.RenderError
        )
        assert type(fallback) is errors.RenderError, stranger
    assert (
        type(errors.named_error(errors, "x", errors.MockupLabError, "m")) is errors.MockupLabError
    )
