"""Errors the engine raises for bad input: each carries one line meant for a person."""

import unicodedata


class MockupLabError(Exception):
    """Base of every error whose message can be shown to a user as it is."""


class ArtworkError(MockupLabError):
    """The uploaded artwork cannot be used (empty, corrupt, too large, unsupported)."""


class TemplateError(MockupLabError):
    """A template folder or its manifest is invalid; the message names the file and field."""


class RenderError(MockupLabError):
    """A mockup could not be rendered or written."""


HIDDEN = "***"


def first_line(error: object, limit: int | None = None) -> str:
    """The first line of an error's message (its type's name when it has none), at most
    `limit` characters: how every layer turns an exception into one line for a person."""
    lines = str(error).strip().splitlines()
    text = lines[0].strip() if lines else type(error).__name__
    return text[:limit] if limit else text


def scrub(text: str, secrets: list[str]) -> str:
    """`text` with every one of `secrets` replaced by `***`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, HIDDEN)
    return text


MAX_NAME_CHARACTERS = 120


def printable(name: str, limit: int = MAX_NAME_CHARACTERS) -> str:
    """A name read from a file (a layer's, a linked file's, a template's), safe to show in a
    one-line message: control, format and separator characters (newlines, ANSI and OSC
    escapes, bidirectional overrides) are written as escapes, and a long name is cut."""
    shown = "".join(
        character
        if unicodedata.category(character)[0] not in "CZ" or character == " "
        else character.encode("unicode_escape").decode("ascii")
        for character in name[: limit + 1]
    )
    return shown if len(name) <= limit else f"{shown[:limit]}..."
