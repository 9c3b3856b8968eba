"""A manifest's shape checked against `template.schema.json`, once per machine.

Importing jsonschema costs a process 70-80 ms and 3-8 MB of RSS, and checking the fifteen
built-ins 20 ms more: every render, worker and command paid both. A manifest that passed is
remembered in `$MOCKUPLAB_HOME/cache/manifests`, by the hash of its exact bytes and of the
schema's, so a later process loads it without importing jsonschema. A manifest or a schema
that changes by one byte is a new hash, checked again; only a manifest that passed is ever
remembered. A cache that cannot be read or written is done without (checked every time).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from mockups.home import CACHE, home

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = Path(__file__).parent / "template.schema.json"
PASSED_DIR = "manifests"


def schema_problem(data: object, text: bytes) -> str | None:
    """None when the schema accepts the manifest `data` (parsed from `text`); else the first
    problem, as "field 'a.b': what is wrong"."""
    passed = passed_path(text)
    if passed is not None and _remembered(passed):
        return None
    problem = _checked(data)
    if problem is None and passed is not None:
        _remember(passed)
    return problem


def passed_path(text: bytes) -> Path | None:
    """Where a manifest of these bytes is remembered as passed (None: no home to keep it)."""
    digest = hashlib.sha256(_schema_bytes() + b"\0" + text).hexdigest()
    try:
        return home(CACHE) / PASSED_DIR / digest
    except RuntimeError:  # no $MOCKUPLAB_HOME and no home directory to derive one from
        return None


def _checked(data: object) -> str | None:
    import jsonschema  # only for a manifest not checked before: see the module's docstring

    error = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if error is None:
        return None
    field = ".".join(str(part) for part in error.absolute_path) or "(top level)"
    return f"field '{field}': {error.message}"


@cache
def _schema_bytes() -> bytes:
    return SCHEMA_PATH.read_bytes()


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(_schema_bytes()))


def _remembered(passed: Path) -> bool:
    try:
        return passed.is_file()
    except OSError:  # a cache folder this process may not read: checked as if not there
        return False


def _remember(passed: Path) -> None:
    try:
        passed.parent.mkdir(parents=True, exist_ok=True)
        passed.touch()
    except OSError:
        pass  # a cache that cannot be written is done without
