"""Untrusted text (names users gave, messages that quote them) shown as text, never as markdown,
and messages without the server's paths."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping

from mockups.memory import MIB
from mockups.templates.model import Template

# CommonMark lets a backslash escape any ASCII punctuation: escaped, no character starts a
# link, an image, emphasis, HTML or one of Streamlit's `:colour[...]`/`:material/...:` codes.
# GitHub's autolinks (`http://`, `www.`, `a@b.c`) are found in the text after escapes are
# read: an invisible word joiner before each `:`, `.` and `@` keeps them from matching.
_PUNCTUATION = re.compile(f"([{re.escape(string.punctuation)}])")
_WORD_JOINER = "\u2060"
_JOINED = frozenset(":.@")
# An absolute path (two or more parts); only its last two parts are shown. The `//host/...`
# of a URL (`s3://bucket/prefix`, the runs store) is no server path: shown whole.
_ABSOLUTE_PATH = re.compile(r"(?<![\w.~])(?<!:/)/(?:[^\s/:'\"`,;()]+/)+([^\s/:'\"`,;()]+)")


def megabytes(size_bytes: float) -> str:
    """A size as people read it on a page: `123 MB`."""
    return f"{size_bytes / MIB:.0f} MB"


def as_text(text: str) -> str:
    """`text` escaped for Streamlit's markdown (labels, captions, messages): shown as typed."""
    return _PUNCTUATION.sub(_escaped, text).replace("\n", " ")


def without_paths(message: str) -> str:
    """`message` with each absolute path cut to its folder and name: the server's layout stays
    on the server (`/srv/data/templates/shelf/template.json` -> `shelf/template.json`); a
    URL's (`s3://team-bucket/team/runs`) stays whole."""
    return _ABSOLUTE_PATH.sub(_last_two_parts, message)


def shown_message(message: str) -> str:
    """A message for the page: first line only, no server paths, as text."""
    lines = message.strip().splitlines()
    return as_text(without_paths(lines[0] if lines else message))


def _escaped(match: re.Match[str]) -> str:
    character = match.group(1)
    joiner = _WORD_JOINER if character in _JOINED else ""
    return f"{joiner}\\{character}"


def _last_two_parts(match: re.Match[str]) -> str:
    parts = match.group(0).strip("/").split("/")
    return "/".join(parts[-2:])


def template_names(templates: Iterable[str], library: Mapping[str, Template]) -> dict[str, str]:
    """Each template key (`id`, or `id@colour`) as a person reads it: the template's name, and
    the colour; the key itself when the template is no longer in the library."""
    names = {}
    for key in templates:
        template_id, _, colour = key.partition("@")
        template = library.get(template_id)
        if template is None:
            names[key] = key
        else:
            names[key] = f"{template.name} ({colour})" if colour else template.name
    return names
