"""Writing a new template folder: staged beside the others, validated, then moved in whole.

A template is written into a hidden staging folder under the templates folder, loaded back
by the same loader as the built-ins, and only then renamed into place: a half-written or
invalid template is never seen by a listing, and an existing one is never replaced.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mockups.errors import TemplateError
from mockups.templates.library import STAGING_PREFIX, builtin_ids, without_paths
from mockups.templates.model import MANIFEST, Template, load_template

MAX_ID_LENGTH = 40


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:MAX_ID_LENGTH] or "template"


def check_new_id(root: Path, template_id: str) -> None:
    """A user template's id: a slug, not a built-in's, not taken in `root`."""
    if template_id != slug(template_id):
        raise TemplateError(
            f"template id '{template_id}' must be lower-case letters, digits and dashes"
        )
    if template_id in builtin_ids():
        raise TemplateError(f"'{template_id}' is a built-in template's id; choose another id")
    if (root / template_id).exists():
        raise TemplateError(f"a template '{template_id}' exists already; choose another id")


@contextmanager
def staged_template(root: Path, template_id: str) -> Iterator[Path]:
    """An empty folder to write the template `template_id` into; removed if not published."""
    check_new_id(root, template_id)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=STAGING_PREFIX, dir=root) as staging:
        folder = Path(staging) / template_id
        folder.mkdir()
        yield folder


def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def publish(folder: Path, root: Path) -> Template:
    """Validate the staged `folder` and move it into `root` under its name."""
    try:
        load_template(folder)
    except TemplateError as error:
        raise TemplateError(without_paths(str(error), folder)) from None
    destination = root / folder.name
    check_new_id(root, folder.name)
    shutil.move(str(folder), destination)
    return load_template(destination)
