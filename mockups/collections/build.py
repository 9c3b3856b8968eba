"""Making a collection: its folder, its artworks (from a folder, a zip or uploaded files), the
CSV's rows matched to them, and its collection.json, written before anything renders."""

from __future__ import annotations

import re
import secrets
import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from mockups.collections.colours import Offered, colour_problem, offered_colours
from mockups.collections.intake import Intake, from_folder, from_zip, stored_name
from mockups.collections.record import (
    RUNS_DIR,
    ArtworkEntry,
    ArtworkState,
    Collection,
    CollectionError,
    read_collection,
    write_collection,
)
from mockups.collections.rows import CsvRow, read_rows
from mockups.home import COLLECTIONS, OutsideHome, child, home
from mockups.runs.base import RUN_NAME
from mockups.runs.catalogue import collection_location
from mockups.templates.library import load_library, select_templates


def collections_root() -> Path:
    """Where every collection lives, the dashboard's and the command line's:
    `$MOCKUPLAB_HOME/collections` (a worker runs a collection's jobs only from there)."""
    return home(COLLECTIONS)


def named_collection(out: str) -> Path:
    """The folder of the collection `out` names: a plain name (`autumn`) is
    `$MOCKUPLAB_HOME/collections/autumn`; a path must lead to such a folder. Else
    `CollectionError`, one line: a collection's jobs run only from the collections folder."""
    root = collections_root()
    if RUN_NAME.fullmatch(out):
        return root / out
    try:
        return child(root, Path(out).absolute(), "--out")
    except OutsideHome:
        raise CollectionError(
            f"--out {out[:80]!r}: a collection lives in {root}; give its name "
            "(letters, digits, - and _), e.g. --out autumn"
        ) from None


def template_ids(selection: str | Sequence[str], template_dirs: Sequence[Path] = ()) -> list[str]:
    """The collection's template keys (`ID` or `ID@COLOUR`), checked against the library:
    `listing` (the first ten), `all`, `ID,ID@COLOUR,...` or a list."""
    library = load_library(*template_dirs)
    chosen = select_templates(library, selection if isinstance(selection, str) else list(selection))
    return [template.key for template in chosen]


def create_collection(
    folder: Path,
    source: Path | None,
    templates: list[str],
    csv: Path | None = None,
    name: str | None = None,
    intakes: list[Intake] | None = None,
) -> Collection:
    """A new collection in `folder` (which must not hold one) from `source` (a folder or a
    zip), or from artworks already copied into its `artworks/` (`intakes`: the dashboard's
    uploads). The CSV's rows are matched by file name; a bad row fails alone."""
    if (folder / "collection.json").exists():
        raise CollectionError(f"{folder} holds a collection already")
    store = collection_location(folder.name)  # a remote store's place for its runs, or None
    folder.mkdir(parents=True, exist_ok=True)
    if intakes is None:
        if source is None:
            raise CollectionError("a collection needs a folder or a zip of artworks")
        intakes = _take(source, folder)
    rows = read_rows(csv) if csv is not None else []
    offered = offered_colours(load_library(), templates)
    collection = Collection(
        folder=folder,
        name=name or (source.stem if source is not None else folder.name),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        templates=list(templates),
        artworks=_entries(intakes, rows, offered),
        store=store,
    )
    write_collection(collection)
    return collection


def new_collection_dir(root: Path, name: str) -> Path:
    """A fresh folder under `root` named after the time and the collection: they sort by age."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(name).stem).strip("-")
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = root / f"{stamp}-{stem[:40] or 'collection'}-{secrets.token_hex(3)}"
    folder.mkdir(parents=True)
    return folder


def _take(source: Path, folder: Path) -> list[Intake]:
    try:
        if source.is_dir():
            return from_folder(source, folder)
        if source.suffix.lower() == ".zip":
            return from_zip(source, folder)
    except CollectionError:
        shutil.rmtree(folder / "artworks", ignore_errors=True)
        raise
    if not source.exists():
        raise CollectionError(f"{source} does not exist")
    raise CollectionError(f"{source.name} is neither a folder nor a .zip of artworks")


def _entries(intakes: list[Intake], rows: list[CsvRow], offered: Offered) -> list[ArtworkEntry]:
    by_file: dict[str, CsvRow] = {}
    strays: list[CsvRow] = []
    names = {intake.name for intake in intakes}
    for row in rows:
        if row.file in names and row.file not in by_file:
            by_file[row.file] = row
        else:
            strays.append(row)
    entries = []
    for index, intake in enumerate(intakes, start=1):
        matched = by_file.get(intake.name)
        problem = None
        if matched is not None:
            colours = matched.listing.colours
            problem = matched.problem or colour_problem(matched.line, colours, offered)
        entries.append(
            ArtworkEntry(
                index=index,
                name=intake.name,
                file=intake.file,
                run=f"{RUNS_DIR}/{Path(stored_name(index, intake.name)).stem}",
                state=ArtworkState.FAILED if problem else ArtworkState.WAITING,
                error=problem,
                listing=matched.listing if matched is not None else None,
            )
        )
    for row in strays:
        entries.append(
            ArtworkEntry(
                index=len(entries) + 1,
                name=row.file or f"CSV row {row.line}",
                file=None,
                run=None,
                state=ArtworkState.FAILED,
                error=row.problem or _stray_reason(row, names),
                listing=row.listing,
            )
        )
    return entries


def _stray_reason(row: CsvRow, names: set[str]) -> str:
    if row.file in names:
        return f"CSV row {row.line}: {row.file} has an earlier row; this one is not used"
    return f"CSV row {row.line} names {row.file[:80]}, which is not among the artworks"


def list_collections(root: Path | None = None) -> list[Collection]:
    """The collections under `root` (default `collections_root()`), newest first; a folder
    without a readable collection.json is not one."""
    folder = root or collections_root()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        try:
            found.append(read_collection(path))
        except (CollectionError, NotADirectoryError):
            continue
    return sorted(found, key=lambda c: (c.created_at, c.folder.name), reverse=True)
