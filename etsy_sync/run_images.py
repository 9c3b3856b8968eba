"""The mockups of a render run, as the images a listing should show: rank, file, alt text, hash.

Reads the run folder `mockups.run.render_run` wrote: `run.json` and its `NN-<template>.jpg`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from etsy_sync.errors import PlanError
from mockups.errors import MockupLabError
from mockups.run import RUN_FILE
from mockups.templates import load_library

MAX_LISTING_IMAGES = 10
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


def plan_images(
    run_dir: Path | str,
    order: Sequence[int] | None = None,
    template_names: Mapping[str, str] | None = None,
) -> list[PlannedImage]:
    """The run's mockups at ranks 1..N, in `order` (the run's mockup indexes) or the run's own."""
    run_dir = Path(run_dir)
    run = _read_run(run_dir)
    by_index = {int(m["index"]): m for m in run["mockups"]}
    chosen = list(order) if order is not None else sorted(by_index)
    _check_order(chosen, by_index, run_dir)
    names = template_names if template_names is not None else library_template_names()
    artwork = artwork_title(run.get("artwork", {}).get("path", ""))
    images = []
    for rank, index in enumerate(chosen, start=1):
        mockup = by_index[index]
        file = run_dir / mockup["file"]
        if file.suffix.lower() not in IMAGE_TYPES:
            raise PlanError(f"{file}: Etsy takes JPEG or PNG listing images")
        template = str(mockup["template"])
        images.append(
            PlannedImage(
                rank=rank,
                file=file,
                template=template,
                sha256=file_sha256(file),
                alt_text=alt_text(names.get(template) or humanise(template), artwork),
            )
        )
    return images


def alt_text(template_name: str, artwork: str) -> str:
    text = f"{template_name} showing {artwork}" if artwork else template_name
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


def library_template_names() -> dict[str, str]:
    """Template names by id from the template library; ids alone if it cannot be read."""
    try:
        return {template_id: t.name for template_id, t in load_library().items()}
    except MockupLabError:
        return {}


def _read_run(run_dir: Path) -> dict:
    path = run_dir / RUN_FILE
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError(f"{path}: not found; is {run_dir} a finished render run?") from None
    except (ValueError, UnicodeDecodeError):
        raise PlanError(f"{path}: not valid JSON") from None
    if not isinstance(run, dict) or not isinstance(run.get("mockups"), list) or not run["mockups"]:
        raise PlanError(f"{path}: lists no mockups")
    return run


def _check_order(chosen: list[int], by_index: dict[int, dict], run_dir: Path) -> None:
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
            f"a listing holds at most {MAX_LISTING_IMAGES} images; this run has {len(chosen)}: "
            "choose which to push, in order"
        )
