"""The mockups of a render run, as the images a listing should show: rank, file, alt text, hash.

Reads the run folder `mockups.render.run.render_run` wrote: `run.json` and its `NN-<template>.jpg`.
Every mockup file named there must be a plain file name inside the run folder
(`mockup_file`), so a damaged or hostile `run.json` cannot make a push upload other files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from etsy_sync.errors import PlanError
from mockups.errors import MockupLabError
from mockups.runs.catalogue import fetch_run_files
from mockups.runs.folder import RUN_FILE, RunResult, read_run
from mockups.templates.library import load_library

# updateListing's `image_ids` "can include up to 20 images" (Etsy's current OpenAPI spec;
# older answers and the error in etsy/open-api #558 say 10).
MAX_LISTING_IMAGES = 20
DEFAULT_PLAN_IMAGES = 10
MAX_ALT_TEXT = 500
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}


@dataclass(frozen=True)
class PlannedImage:
    rank: int
    file: Path
    template: str
    sha256: str
    alt_text: str

    @property
    def content_type(self) -> str:
        return IMAGE_TYPES[self.file.suffix.lower()]


@dataclass(frozen=True)
class RunMockup:
    index: int
    template: str
    file_name: str
    where: str


def plan_images(
    run_dir: Path | str,
    order: Sequence[int] | None = None,
    template_names: Mapping[str, str] | None = None,
    title: str | None = None,
    alt_texts: Mapping[int, str] | None = None,
) -> list[PlannedImage]:
    """The run's mockups at ranks 1..N, in `order` (the run's mockup indexes) or the run's own.

    Without `order`, the run's first `DEFAULT_PLAN_IMAGES`; `order` may name up to
    `MAX_LISTING_IMAGES`. Alt text names the template (and colour) and `title` (the listing's;
    else the artwork's file name); `alt_texts` (rank -> text) replaces it where the seller
    edited it.
    """
    run_dir = Path(run_dir)
    run = _read_run(run_dir)
    by_index = {mockup.index: mockup for mockup in run_mockups(run_dir, run)}
    chosen = list(order) if order is not None else sorted(by_index)[:DEFAULT_PLAN_IMAGES]
    _check_order(chosen, by_index, run_dir)
    _fetch_from_store(run_dir, [by_index[index].file_name for index in chosen])
    names = template_names if template_names is not None else library_template_names()
    shown = title if title is not None else _artwork_title(run)
    edited = checked_alt_texts(alt_texts or {}, len(chosen))
    images = []
    for rank, index in enumerate(chosen, start=1):
        mockup = by_index[index]
        file = mockup_file(run_dir, mockup.file_name, mockup.where)
        template_id, _, colour = mockup.template.partition("@")
        name = names.get(template_id) or humanise(template_id)
        images.append(
            PlannedImage(
                rank=rank,
                file=file,
                template=mockup.template,
                sha256=file_sha256(file),
                alt_text=edited.get(rank, alt_text(name, shown, humanise(colour))),
            )
        )
    return images


def checked_alt_texts(alt_texts: Mapping[int, str], count: int) -> dict[int, str]:
    """The seller's own alt texts, by rank: each for a planned rank, at most 500 characters
    (Etsy's limit; cut by us it would say something the seller did not write)."""
    for rank, text in alt_texts.items():
        if not 1 <= rank <= count:
            raise PlanError(f"alt text for rank {rank}, but the plan has ranks 1 to {count}")
        if len(text) > MAX_ALT_TEXT:
            raise PlanError(
                f"the alt text for rank {rank} is {len(text)} characters; Etsy takes at most "
                f"{MAX_ALT_TEXT}"
            )
    return dict(alt_texts)


def run_mockups(run_dir: Path, run: RunResult) -> list[RunMockup]:
    """The mockups `run.json` lists (read and checked by `read_run`), each a safe file name."""
    mockups = []
    for position, entry in enumerate(run.mockups, start=1):
        where = f"{run_dir / RUN_FILE}: mockup {position}"
        if entry.index < 1:
            raise PlanError(f"{where}: 'index' must be a whole number from 1")
        if not entry.template:
            raise PlanError(f"{where}: 'template' must be a template id")
        mockups.append(
            RunMockup(entry.index, entry.template, plain_file_name(entry.file, where), where)
        )
    indexes = [mockup.index for mockup in mockups]
    if len(set(indexes)) != len(indexes):
        raise PlanError(f"{run_dir / RUN_FILE}: two mockups share an index")
    return mockups


def mockup_file(run_dir: Path, name: object, where: str = "a mockup") -> Path:
    """The run folder's file `name`, refused unless it is a plain file name inside the folder.

    Refused: absolute paths, `..`, sub-folders, and a symlink that leads out of the folder.
    """
    path = run_dir / plain_file_name(name, where)
    try:
        inside = path.resolve(strict=True).parent == run_dir.resolve(strict=True)
    except FileNotFoundError:
        raise PlanError(f"{path}: the mockup file is missing; render the run again") from None
    except (OSError, RuntimeError):
        raise PlanError(f"{where}: {path.name!r} cannot be resolved") from None
    if not inside:
        raise PlanError(f"{where}: {path.name!r} leads out of the run folder; refused")
    if not path.is_file():
        raise PlanError(f"{where}: {path.name!r} is not a file")
    return path


def plain_file_name(name: object, where: str = "a mockup") -> str:
    """`name` if it is a plain JPEG or PNG file name (no folder part); else a PlanError."""
    if not isinstance(name, str) or not name:
        raise PlanError(f"{where}: 'file' must be a file name")
    if name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise PlanError(f"{where}: {name!r} is not a plain file name inside the run folder")
    if Path(name).suffix.lower() not in IMAGE_TYPES:
        raise PlanError(f"{where}: {name!r}: Etsy takes JPEG or PNG listing images")
    return name


def alt_text(template_name: str, artwork: str, colour: str = "") -> str:
    """`Mug on a table in sage showing Blue heron`, at most 500 characters."""
    text = f"{template_name} in {colour}" if colour else template_name
    text = f"{text} showing {artwork}" if artwork else text
    text = text[:1].upper() + text[1:]
    return text if len(text) <= MAX_ALT_TEXT else text[: MAX_ALT_TEXT - 1].rstrip() + "…"


def artwork_title(path: str) -> str:
    return humanise(Path(path).stem) if path else ""


def humanise(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").split())


def file_sha256(path: Path) -> str:
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except FileNotFoundError:
        raise PlanError(f"{path}: the mockup file is missing; render the run again") from None
    except OSError as error:
        raise PlanError(f"{path}: cannot be read ({type(error).__name__})") from None


def library_template_names() -> dict[str, str]:
    """Template names by id from the template library; ids alone if it cannot be read."""
    try:
        return {template_id: t.name for template_id, t in load_library().items()}
    except MockupLabError:
        return {}


def _artwork_title(run: RunResult) -> str:
    return artwork_title(run.artwork.path)


def _read_run(run_dir: Path) -> RunResult:
    """The run, through the run folder's own reader; its one-line refusals as PlanErrors."""
    try:
        run = read_run(run_dir)
    except MockupLabError as error:
        raise PlanError(str(error)) from None
    if not run.mockups:
        raise PlanError(f"{run_dir / RUN_FILE}: lists no mockups")
    return run


def _fetch_from_store(run_dir: Path, names: list[str]) -> None:
    """The chosen mockups on this machine's disk: a run kept in a remote store has only its
    thumbnails here until its full-size files are asked for."""
    try:
        fetch_run_files(run_dir, names)
    except MockupLabError as error:
        raise PlanError(str(error)) from None


def _check_order(chosen: list[int], by_index: Mapping[int, RunMockup], run_dir: Path) -> None:
    unknown = [i for i in chosen if i not in by_index]
    if unknown:
        known = ", ".join(str(i) for i in sorted(by_index))
        raise PlanError(f"{run_dir}: no mockup {unknown[0]} in this run (it has {known})")
    if len(set(chosen)) != len(chosen):
        raise PlanError("each mockup can be chosen once")
    if not chosen:
        raise PlanError("choose at least one mockup")
    if len(chosen) > MAX_LISTING_IMAGES:
        raise PlanError(
            f"a listing holds at most {MAX_LISTING_IMAGES} images; {len(chosen)} chosen: "
            "choose which to push, in order"
        )
