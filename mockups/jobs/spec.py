"""A render job as plain data a queue can carry, and running one in this process."""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from mockups.run import Progress, RunResult
from mockups.templates import load_library

PLAIN_RENDERER = "mockups.run.render_run"
# Drop-in for render_run with memray around it; resolved only in the process that renders.
PROFILED_RENDERER = "profiling.session.render_run_profiled"


def new_job_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class RenderJob:
    """One artwork onto templates (ids, `ID@COLOUR` for a colour, or "all") into `run_dir`."""

    artwork: str
    run_dir: str
    templates: tuple[str, ...]
    mode: str = "sequential"
    workers: int | None = None
    profile: bool = False
    id: str = field(default_factory=new_job_id)

    def __post_init__(self) -> None:
        # Workers may run elsewhere in the file system's view: paths travel absolute.
        object.__setattr__(self, "artwork", str(Path(self.artwork).absolute()))
        object.__setattr__(self, "run_dir", str(Path(self.run_dir).absolute()))
        object.__setattr__(self, "templates", _template_ids(self.templates))

    @property
    def renderer(self) -> str:
        """Import path of the function that renders: `render_run`'s arguments and result."""
        return PROFILED_RENDERER if self.profile else PLAIN_RENDERER

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "templates": list(self.templates)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RenderJob:
        return cls(**data)


def run_in_process(
    job: RenderJob, progress: Progress | None = None, release_memory: bool = False
) -> RunResult:
    """Render `job` here, with the function its `renderer` names."""
    render = import_by_path(job.renderer)
    return render(
        job.artwork,
        job.run_dir,
        templates=list(job.templates),
        mode=job.mode,
        workers=job.workers,
        progress=progress,
        release_memory=release_memory,
    )


def import_by_path(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _template_ids(templates: str | Sequence[str]) -> tuple[str, ...]:
    if templates == "all":
        return tuple(load_library())
    ids = templates.split(",") if isinstance(templates, str) else templates
    return tuple(i.strip() for i in ids if i.strip())
