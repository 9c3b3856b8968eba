"""How to render a run: one options object shared by the engine, the profiler, jobs and the CLI."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockups.errors import RenderError

if TYPE_CHECKING:
    from mockups.templates.model import Template

CONCRETE_MODES = ("sequential", "threads", "processes")
# "auto": the fastest mode whose estimated peak fits the memory budget (`mockups.render.budget`)
MODES = ("auto", *CONCRETE_MODES)
FITS = ("cover", "contain")
MAX_WORKERS = 8
MAX_NAME_CHARS = 255
MAX_TEMPLATE_DIRS = 8

TemplateChoice = str | Sequence["str | Template"]


@dataclass(frozen=True, kw_only=True)
class RenderOptions:
    """`templates`: "all", "id,id@colour,..." or a sequence of ids or Templates (ids may repeat).
    `mode`: "auto" becomes threads or sequential when the run starts (`budget.choose_mode`).
    `workers`: 1 to MAX_WORKERS in any mode (sequential uses one); None picks for the machine.
    `fit`: "cover" or "contain" for every template of the run; None keeps each template's.
    `release_memory`: hand freed memory back to the system after each mockup (changes no
    output, costs a little time).
    `artwork_name`: the file name the user knows the artwork by (an upload's own name, where
    the run stores it as `upload.jpg`); run.json keeps it.
    `template_dirs`: absolute folders of user templates the run may take templates from,
    besides the renderer's own (`$MOCKUPLAB_HOME/templates`): a worker whose home is
    elsewhere on the machine still finds the templates the dashboard offered."""

    templates: TemplateChoice = "all"
    mode: str = "sequential"
    workers: int | None = None
    fit: str | None = None
    release_memory: bool = False
    artwork_name: str | None = None
    template_dirs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise RenderError(f"unknown mode '{self.mode}'; choose one of {', '.join(MODES)}")
        if self.fit is not None and self.fit not in FITS:
            raise RenderError(f"unknown fit '{self.fit}'; choose {' or '.join(FITS)}")
        workers = self.workers
        if workers is not None and (
            isinstance(workers, bool)
            or not isinstance(workers, int)
            or not 1 <= workers <= MAX_WORKERS
        ):
            raise RenderError(f"workers must be between 1 and {MAX_WORKERS}, not {workers}")
        _check_artwork_name(self.artwork_name)
        _check_template_dirs(self.template_dirs)

    def concurrency(self, mockups: int) -> int:
        """How many mockups render at once for a run of `mockups`."""
        if self.mode == "sequential":
            return 1
        if self.workers is None:
            return max(1, min(os.cpu_count() or 1, mockups, MAX_WORKERS))
        return self.workers

    def with_changes(self, **changes: Any) -> RenderOptions:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a queue or a child process; templates travel as ids."""
        templates = self.templates
        if not isinstance(templates, str):
            templates = [t if isinstance(t, str) else t.key for t in templates]
        return {
            "templates": templates,
            "mode": self.mode,
            "workers": self.workers,
            "fit": self.fit,
            "release_memory": self.release_memory,
            "artwork_name": self.artwork_name,
            "template_dirs": list(self.template_dirs),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RenderOptions:
        known = {
            "templates",
            "mode",
            "workers",
            "fit",
            "release_memory",
            "artwork_name",
            "template_dirs",
        }
        unknown = set(data) - known
        if unknown:
            raise RenderError(f"unknown render options: {', '.join(sorted(unknown))}")
        templates = data.get("templates", "all")
        if not isinstance(templates, str):
            templates = tuple(templates)
        folders = data.get("template_dirs", ())
        if not isinstance(folders, list | tuple):
            raise RenderError("template_dirs must be a list of folders")
        return cls(**{**data, "templates": templates, "template_dirs": tuple(folders)})


def _check_artwork_name(name: object) -> None:
    if name is None:
        return
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        raise RenderError(f"artwork_name must be a file name of 1 to {MAX_NAME_CHARS} characters")
    if any(character in name for character in "/\\\0\n\r"):
        raise RenderError("artwork_name must be a file name, not a path")


def _check_template_dirs(folders: object) -> None:
    if not isinstance(folders, tuple) or len(folders) > MAX_TEMPLATE_DIRS:
        raise RenderError(f"template_dirs must be a tuple of at most {MAX_TEMPLATE_DIRS} folders")
    for folder in folders:
        if not isinstance(folder, str) or "\0" in folder or not Path(folder).is_absolute():
            raise RenderError("template_dirs must name absolute folders")
