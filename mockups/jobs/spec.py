"""A render job as plain data a queue can carry, and running one in this process."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mockups.options import RenderOptions
from mockups.renderers import PLAIN, find_renderer
from mockups.run import Progress, RunResult
from mockups.templates import load_library


def new_job_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, kw_only=True)
class RenderJob:
    """One artwork onto templates into `run_dir`, by the renderer called `renderer`.

    The options' templates are always ids (`ID@COLOUR` for a colour), never "all": a job
    names what it renders, whatever the workers' library holds later."""

    artwork: str
    run_dir: str
    options: RenderOptions = field(default_factory=RenderOptions)
    renderer: str = PLAIN
    id: str = field(default_factory=new_job_id)

    def __post_init__(self) -> None:
        # Workers may run elsewhere in the file system's view: paths travel absolute.
        object.__setattr__(self, "artwork", str(Path(self.artwork).absolute()))
        object.__setattr__(self, "run_dir", str(Path(self.run_dir).absolute()))
        templates = _template_ids(self.options.templates)
        object.__setattr__(self, "options", replace(self.options, templates=templates))

    @property
    def templates(self) -> tuple[str, ...]:
        return tuple(str(t) for t in self.options.templates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "artwork": self.artwork,
            "run_dir": self.run_dir,
            "options": self.options.to_dict(),
            "renderer": self.renderer,
            "id": self.id,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RenderJob:
        return cls(
            artwork=data["artwork"],
            run_dir=data["run_dir"],
            options=RenderOptions.from_dict(data.get("options", {})),
            renderer=data.get("renderer", PLAIN),
            id=data["id"],
        )


def run_in_process(
    job: RenderJob, progress: Progress | None = None, release_memory: bool = False
) -> RunResult:
    """Render `job` here, with the renderer it names."""
    render = find_renderer(job.renderer)
    options = job.options.with_changes(release_memory=release_memory or job.options.release_memory)
    return render(job.artwork, job.run_dir, options=options, progress=progress)


def _template_ids(templates: Any) -> tuple[str, ...]:
    if templates == "all":
        return tuple(load_library())
    ids = templates.split(",") if isinstance(templates, str) else templates
    keys = (t if isinstance(t, str) else t.key for t in ids)
    return tuple(key.strip() for key in keys if key.strip())
