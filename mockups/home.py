"""The project's data folder on this machine, `$MOCKUPLAB_HOME`, and the rules for every path a
process derives from something it did not write itself (a bucket key, a run.json, a job):

    runs/        finished runs (the runs store's, or this machine's copy of them)
    collections/ collections, each `<name>/` with its artworks and `runs/<run>/`
    scratch/     a worker's folders for jobs whose run lives in a remote store
    templates/   the user's templates
    uploads/     the dashboard's staged uploads
    cache/       what a render may make again at any time (grain planes, manifests checked,
                 scenes reduced for thumbnails, print maps scaled and bordered, template
                 layers decoded)

Such a path must lie inside the home it belongs to once symlinks are resolved; anything else
is `OutsideHome` (one line), raised before any file is read, written or removed.
"""

from __future__ import annotations

import os
from pathlib import Path

from mockups.errors import MockupLabError

DATA_ENV = "MOCKUPLAB_HOME"
RUNS = "runs"
COLLECTIONS = "collections"
COLLECTION_RUNS = "runs"  # a collection's own runs folder: collections/<name>/runs/<run>
SCRATCH = "scratch"
TEMPLATES = "templates"
UPLOADS = "uploads"
CACHE = "cache"
_SHOWN_CHARS = 160


class OutsideHome(MockupLabError):
    """A path named by a key, a record or a job that leads out of the folder it must stay in."""


def data_dir() -> Path:
    """`$MOCKUPLAB_HOME`, or the user's data folder (~/.local/share/mockup-lab)."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mockup-lab"


def home(kind: str) -> Path:
    """One of the data folder's homes: `home(RUNS)` is `$MOCKUPLAB_HOME/runs`."""
    return data_dir() / kind


def inside(root: Path | str, path: Path | str, what: str) -> Path:
    """`path` (absolute, or relative to `root`) with symlinks resolved, when it lies inside
    `root` (resolved too) and is not `root` itself; else `OutsideHome` naming it as `what`."""
    base = Path(root).resolve()
    try:
        resolved = (base / path).resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL
        raise OutsideHome(f"{what} {_shown(path)} cannot be resolved") from None
    if base not in resolved.parents:
        raise OutsideHome(f"{what} {_shown(path)} is not inside the {Path(root).name} folder")
    return resolved


def within(root: Path | str, path: Path | str, what: str) -> Path:
    """`inside`, and `root` itself too (a folder of templates that is the templates folder)."""
    if Path(root).resolve() == (Path(root) / path).resolve():
        return Path(root).resolve()
    return inside(root, path, what)


def child(root: Path | str, path: Path | str, what: str) -> Path:
    """`path` resolved, when it is an entry directly in `root` (a run folder in the runs
    folder, a file in its run folder); else `OutsideHome`."""
    resolved = inside(root, path, what)
    if resolved.parent != Path(root).resolve():
        raise OutsideHome(f"{what} {_shown(path)} is not directly in the {Path(root).name} folder")
    return resolved


def relative_path(name: str, what: str = "the file") -> str:
    """`name` when it is a relative path of plain parts (`thumbs/01-poster.jpg`): not absolute,
    no empty, `.` or `..` part, no backslash, NUL or control character; else `OutsideHome`."""
    plain = (
        isinstance(name, str)
        and name.isprintable()
        and not name.startswith("/")
        and "\\" not in name
        and all(part not in ("", ".", "..") for part in name.split("/"))
    )
    if not plain:
        raise OutsideHome(f"{what} {_shown(name)} is not a relative path of plain names")
    return name


def file_inside(root: Path | str, name: str, what: str = "the file") -> Path:
    """`root/name` for a relative `name` from a key or a record, resolved inside `root`."""
    return inside(root, relative_path(name, what), what)


def _shown(value: object) -> str:
    text = repr(str(value))
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."
