"""A run folder: what a render wrote, and the one place that reads and writes `run.json`.

    run.json          RunResult (written last: a folder without it is not a finished run)
    NN-<slug>.jpg     the mockups
    thumbs/NN-<slug>.jpg
    artwork.png       the lossless working copy of the artwork

Every file is written through a `.part` file and renamed, so a reader never sees half of one.
A folder holds exactly the files its run.json names (plus what other layers keep in their
own sub-folders, such as a profile).
"""

from __future__ import annotations

import json
import os
import re
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from mockups.artwork.intake import ArtworkInfo
from mockups.errors import MockupLabError, first_line
from mockups.home import OutsideHome, child

RUN_FILE = "run.json"
MIB = 1024 * 1024
# A run.json of 100 profiled mockups is about 100 KB: anything near this is no run record.
MAX_RUN_FILE_BYTES = 4 * MIB
WORKING_COPY = "artwork.png"
THUMBS_DIR = "thumbs"
PART_SUFFIX = ".part"
MOCKUP_NAME = re.compile(r"\d\d-[A-Za-z0-9_-]+\.jpg")
# What run.json may name as a mockup: a plain file name in the folder, never a path.
PLAIN_IMAGE_NAME = re.compile(r"[^/\\\0]+\.(jpg|jpeg|png)", re.IGNORECASE)


class RunFolderError(MockupLabError):
    """A run folder that is missing, damaged or names files outside itself."""


@dataclass(frozen=True)
class MockupResult:
    index: int
    template: str
    file: str
    thumbnail: str
    width: int
    height: int
    bytes: int
    seconds: float
    started_unix: float
    finished_unix: float
    rss_before_bytes: int
    rss_after_bytes: int
    worker: str
    heap_after_bytes: int | None = None
    # A profiler's figures for the mockup (`render --profile`), else None: the engine carries
    # them without naming them (`profiling.figures` does); plain JSON values, one level deep.
    # A `summary` among them is the profiler's one line about the mockup.
    profile: dict[str, Any] | None = None


@dataclass
class RunResult:
    artwork: ArtworkInfo
    mode: str
    workers: int
    out_dir: str
    started_at: str
    wall_seconds: float = 0.0
    peak_rss_bytes: int = 0
    working_copy: str = WORKING_COPY
    mockups: list[MockupResult] = field(default_factory=list)
    fit: str | None = None
    warnings: list[str] = field(default_factory=list)
    # The profile's summary, relative to the folder, when the run was profiled.
    profile: str | None = None
    heap_peak_bytes: int | None = None
    # The file name the user gave the artwork (an upload's own name); absent in older runs.
    original_name: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @property
    def profiled(self) -> bool:
        return self.profile is not None

    @property
    def artwork_name(self) -> str:
        """The artwork as the user knows it: its original name, else the stored file's."""
        return self.original_name or Path(self.artwork.path).name


def read_run(folder: Path | str) -> RunResult:
    """The run.json of `folder`, checked; `RunFolderError` with one line when it is not usable."""
    path = Path(folder) / RUN_FILE
    try:
        data = json.loads(_read_bounded(path, MAX_RUN_FILE_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise RunFolderError(f"{_shown(path)}: not a finished run (no {RUN_FILE})") from None
    except IsADirectoryError:
        raise RunFolderError(f"{_shown(path)}: is a folder, not a file") from None
    except _TooLarge as error:
        raise RunFolderError(f"{_shown(path)}: {error}") from None
    except (OSError, ValueError, RecursionError) as error:
        raise RunFolderError(f"{_shown(path)}: cannot be read ({first_line(error)})") from None
    try:
        run = _build(RunResult, _with_profile_blocks(data), "")
    except _Invalid as error:
        raise RunFolderError(f"{_shown(path)}: damaged: {error}") from None
    _check_names(run, path)
    return run


def is_run(folder: Path | str) -> bool:
    return (Path(folder) / RUN_FILE).is_file()


def write_run(folder: Path | str, run: RunResult) -> None:
    write_atomically(Path(folder) / RUN_FILE, run.to_json().encode())


def run_files(run: RunResult) -> list[str]:
    """Every file the run names, relative to its folder, run.json last."""
    names = [name for m in run.mockups for name in (m.file, m.thumbnail)]
    return [*names, run.working_copy, RUN_FILE]


def mockup_path(folder: Path | str, name: str) -> Path:
    """`folder/name` for a file the run wrote; refuses names that lead out of the folder."""
    folder = Path(folder)
    path = folder / name
    inside = folder.resolve()
    if not _own_name(name) or path.resolve().parent not in (inside, inside / THUMBS_DIR):
        raise RunFolderError(f"{_shown(folder)}: '{name}' is not a file of this run")
    return path


def artwork_path(folder: Path | str, run: RunResult) -> Path:
    """The run's own artwork while it is still in the run folder (an upload kept there), else
    the run's working copy: never a file elsewhere, whatever run.json names."""
    try:
        original = child(folder, run.artwork.path, "the run's artwork")
    except OutsideHome:
        original = None
    if original is not None and original.is_file():
        return original
    return Path(folder) / run.working_copy


def clear_for_new_run(folder: Path, keep: Path | None = None) -> None:
    """Remove what an earlier run in `folder` wrote, finished or not, and nothing else
    (`keep` stays: the new run's artwork may be the old run's working copy).

    run.json goes first, so the folder is never read as the old run while it is emptied.
    """
    kept = keep.resolve() if keep is not None else None
    (folder / RUN_FILE).unlink(missing_ok=True)
    for place in (folder, folder / THUMBS_DIR):
        if not place.is_dir():
            continue
        for item in place.iterdir():
            own = MOCKUP_NAME.fullmatch(item.name) or item.name == WORKING_COPY
            ours = own or item.name.endswith(PART_SUFFIX)
            if ours and item.is_file() and item.resolve() != kept:
                item.unlink()


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path to write `path` through: renamed into place when the block succeeds,
    removed when it fails (a full disk leaves nothing half written behind)."""
    partial = path.with_name(path.name + PART_SUFFIX)
    try:
        yield partial
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    with atomic_file(path) as partial:
        partial.write_bytes(data)


class _TooLarge(ValueError):
    pass


def _read_bounded(path: Path, limit: int) -> bytes:
    """The file's bytes, refused before reading when it holds more than `limit` (a run.json
    planted or damaged to any size costs no memory)."""
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size > limit:
            raise _TooLarge(f"is larger than {limit // MIB} MB, not a run record")
        data = file.read(limit + 1)
    if len(data) > limit:  # grew while read
        raise _TooLarge(f"is larger than {limit // MIB} MB, not a run record")
    return data


def profile_block(entry: dict[str, Any]) -> dict[str, Any] | None:
    """A mockup entry's profile block, whatever an older or damaged writer left: its nested
    `profile`, or in an older run.json the profiler's figures written beside the engine's
    fields; values that are not plain JSON left out, None when nothing is left."""
    block = entry.get("profile")
    if "profile" not in entry:
        block = {k: v for k, v in entry.items() if k not in _MOCKUP_FIELDS}
    if not isinstance(block, dict):
        return None
    kept = {k: v for k, v in block.items() if isinstance(k, str) and _plain(v) and v is not None}
    return kept or None


def _with_profile_blocks(data: object) -> object:
    """`data` with each mockup's profile figures in its `profile` block: an older run.json
    wrote them beside the engine's fields (a profile of nulls, for a plain run)."""
    if not isinstance(data, dict) or not isinstance(data.get("mockups"), list):
        return data
    mockups = [
        {**{k: v for k, v in m.items() if k in _MOCKUP_FIELDS}, "profile": profile_block(m)}
        if isinstance(m, dict) and "profile" not in m
        else m
        for m in data["mockups"]
    ]
    return {**data, "mockups": mockups}


def _plain(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _own_name(name: str) -> bool:
    head, _, tail = name.rpartition("/")
    plain = bool(PLAIN_IMAGE_NAME.fullmatch(tail)) and tail not in (".", "..")
    return head in ("", THUMBS_DIR) and plain and not tail.startswith("..")


def _check_names(run: RunResult, path: Path) -> None:
    for mockup in run.mockups:
        for name in (mockup.file, mockup.thumbnail):
            if not _own_name(name):
                raise RunFolderError(
                    f"{_shown(path)}: damaged: mockup {mockup.index} names '{name}', "
                    "not a JPEG or PNG file name inside the run folder"
                )
    if run.working_copy != WORKING_COPY:
        raise RunFolderError(f"{_shown(path)}: damaged: working_copy is '{run.working_copy}'")


_MOCKUP_FIELDS = frozenset(f.name for f in fields(MockupResult))


class _Invalid(ValueError):
    pass


def _build(kind: type, data: object, where: str) -> Any:
    """A dataclass from JSON data, every field checked against its type hint.

    `where` names the object in messages: "" for the file itself, "artwork", "mockup 2"."""
    if not isinstance(data, dict):
        raise _Invalid(f"{where or 'the file'} is not an object")
    hints = typing.get_type_hints(kind)
    values = {}
    for item in fields(kind):
        name = f"{where}: field '{item.name}'" if where else f"field '{item.name}'"
        if item.name not in data:
            if item.default is MISSING and item.default_factory is MISSING:
                raise _Invalid(f"{name} is missing")
            continue
        values[item.name] = _value(hints[item.name], data[item.name], item.name, name)
    return kind(**values)


def _value(hint: Any, value: object, key: str, name: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(hint)
        if value is None and type(None) in options:
            return None
        hint = next(option for option in options if option is not type(None))
        origin = typing.get_origin(hint)
    if origin is dict:
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and _plain(v) for k, v in value.items()
        ):
            raise _Invalid(f"{name} is not an object of plain values")
        return dict(value)
    if origin is list:
        if not isinstance(value, list):
            raise _Invalid(f"{name} is not a list")
        (item,) = typing.get_args(hint)
        singular = key.removesuffix("s")
        return [
            _value(item, entry, singular, f"{singular} {n}")
            for n, entry in enumerate(value, start=1)
        ]
    if is_dataclass(hint):
        return _build(hint, value, key if name.startswith("field") else name)  # type: ignore[arg-type]
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, bool):
        raise _Invalid(f"{name} is not a whole number")
    if not isinstance(value, hint):
        raise _Invalid(f"{name} is not {_kind_name(hint)}")
    return value


def _kind_name(hint: type) -> str:
    return {int: "a whole number", float: "a number", str: "text", bool: "true or false"}.get(
        hint, hint.__name__
    )


def _shown(path: Path) -> str:
    """A path as messages show it: the run folder's name and below, never the whole tree."""
    parts = path.parts
    return "/".join(parts[-2:]) if len(parts) >= 2 else str(path)
