"""A render job as plain data a queue can carry, and running one in this process.

A job read back from a queue is untrusted (anyone who can write to Redis can write one):
`RenderJob.from_dict` checks every field and refuses a bad one with `BadJob`, one line.

A job whose runs live in a remote store (`store`, e.g. `s3://bucket/prefix`) names the web's
paths only for their names: the run is the run folder's name in the store, the artwork the
file of that name in it; a worker renders in a scratch folder of its own (`worker`).
"""

from __future__ import annotations

import functools
import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mockups.errors import MockupLabError
from mockups.home import RUNS, TEMPLATES, OutsideHome, child, home, inside, within
from mockups.options import RenderOptions
from mockups.render.renderers import PLAIN, Sample, find_renderer, renderer_names, takes_samples
from mockups.render.run import Progress, RunResult
from mockups.runs.base import RUN_NAME, StoreError
from mockups.runs.store import parse_location
from mockups.templates.library import load_library

LOG = logging.getLogger("mockuplab.jobs")
JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
FIELDS = ("artwork", "run_dir", "options", "renderer", "id", "store")
ARTWORK_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9]{1,8}")
MAX_MOCKUPS = 100
MAX_PATH_CHARS = 4096


class BadJob(MockupLabError):
    """A queued job's fields do not make a render job (damaged, or written by hand)."""


def new_job_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True, kw_only=True)
class RenderJob:
    """One artwork onto templates into `run_dir`, by the renderer called `renderer`.

    The options' templates are always ids (`ID@COLOUR` for a colour), never "all": a job
    names what it renders, whatever the workers' library holds later. `store` is the remote
    runs store the artwork is in and the run goes to (None: the paths are shared folders)."""

    artwork: str
    run_dir: str
    options: RenderOptions = field(default_factory=lambda: RenderOptions(mode="auto"))
    renderer: str = PLAIN
    id: str = field(default_factory=new_job_id)
    store: str | None = None

    def __post_init__(self) -> None:
        # Workers may run elsewhere in the file system's view: paths travel absolute.
        object.__setattr__(self, "artwork", str(Path(self.artwork).absolute()))
        object.__setattr__(self, "run_dir", str(Path(self.run_dir).absolute()))
        templates = _template_ids(self.options.templates)
        object.__setattr__(self, "options", replace(self.options, templates=templates))
        _installed_renderer(self.renderer)
        _job_id(self.id)
        if self.store is not None:
            _store(self.store)
            _stored_paths(self.artwork, self.run_dir)

    @property
    def run_name(self) -> str:
        """The run's name: its folder's, here and in a store."""
        return Path(self.run_dir).name

    @property
    def artwork_key(self) -> str:
        """The artwork's key in the job's store: `<run>/<file name>`."""
        return f"{self.run_name}/{Path(self.artwork).name}"

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
            "store": self.store,
        }

    @classmethod
    def from_dict(cls, data: Any) -> RenderJob:
        """The job `to_dict` wrote; `BadJob` (one line) for anything else."""
        if not isinstance(data, dict):
            raise BadJob(f"a render job is a JSON object, not {type(data).__name__}")
        unknown = sorted(str(key) for key in set(data) - set(FIELDS))
        if unknown:
            raise BadJob(f"a render job has no field {', '.join(unknown)}")
        try:
            options = RenderOptions.from_dict(_object(data.get("options", {}), "options"))
        except MockupLabError as error:
            raise BadJob(f"the job's options: {error}") from None
        except (TypeError, ValueError):
            raise BadJob("the job's options are not render options") from None
        return cls(
            artwork=_absolute_path(data.get("artwork"), "artwork"),
            run_dir=_absolute_path(data.get("run_dir"), "run_dir"),
            options=options.with_changes(templates=_template_list(options.templates)),
            renderer=_installed_renderer(data.get("renderer", PLAIN)),
            id=_job_id(data.get("id")),
            store=_store(data.get("store")),
        )


def run_in_process(
    job: RenderJob,
    progress: Progress | None = None,
    release_memory: bool = False,
    sample: Sample | None = None,
) -> RunResult:
    """Render `job` here, with the renderer it names.

    `sample(seconds, rss_bytes, heap_bytes)` reaches a renderer that draws a heap line while
    it renders (one with a `sample` parameter, as the profiler's); others render without it."""
    render = find_renderer(job.renderer)
    options = job.options.with_changes(release_memory=release_memory or job.options.release_memory)
    if sample is not None and takes_samples(render):
        render_sampled: Callable[..., RunResult] = render
        return render_sampled(
            job.artwork, job.run_dir, options=options, progress=progress, sample=sample
        )
    return render(job.artwork, job.run_dir, options=options, progress=progress)


def confined(job: RenderJob) -> RenderJob:
    """`job` as this machine may run it, every path it names checked against this machine's
    homes (`mockups.home`), symlinks resolved: its run folder directly in the runs folder
    (not a file, nor under one), its artwork inside the runs folder; `BadJob` (one line)
    if not. Its template folders outside the templates folder are left out, one line each.
    A stored job's paths are the web's and name only its run and artwork (`_stored_paths`):
    its worker renders in a scratch folder of its own."""
    options = job.options.with_changes(template_dirs=_templates_at_home(job.options.template_dirs))
    if job.store is not None:
        return replace(job, options=options)
    run_dir, runs = Path(job.run_dir), home(RUNS)
    for folder in (run_dir, *run_dir.parents):
        if folder.exists() and not folder.is_dir():
            raise BadJob(f"the job's run folder {run_dir} cannot be made: {folder} is a file")
    try:
        folder = child(runs, run_dir, "the job's run folder")
        artwork = inside(runs, job.artwork, "the job's artwork")
    except OutsideHome as error:
        raise BadJob(str(error)) from None
    if not RUN_NAME.fullmatch(folder.name):
        raise BadJob(f"the job's run folder {_shown(folder.name)} is not named as a run")
    return replace(job, run_dir=str(folder), artwork=str(artwork), options=options)


def _templates_at_home(folders: tuple[str, ...]) -> tuple[str, ...]:
    kept = []
    for folder in folders:
        try:
            kept.append(str(within(home(TEMPLATES), folder, "the job's template folder")))
        except OutsideHome as error:
            LOG.warning("%s: left out", error)
    return tuple(kept)


def _store(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 300:
        raise BadJob(f"the job's store must be s3://bucket/prefix, not {_shown(value)}")
    try:
        parse_location(value)
    except StoreError:
        raise BadJob(f"the job's store must be s3://bucket/prefix, not {_shown(value)}") from None
    return value


def _stored_paths(artwork: str, run_dir: str) -> None:
    """A stored job's artwork is a plainly named file of its run, named like a run folder."""
    run, file = Path(run_dir), Path(artwork)
    if not RUN_NAME.fullmatch(run.name):
        raise BadJob(f"the job's run {_shown(run.name)} is not a run's name")
    if file.parent != run or not ARTWORK_NAME.fullmatch(file.name):
        raise BadJob(f"the job's artwork {_shown(file.name)} is not a file of its run")


def _object(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadJob(f"the job's {name} must be a JSON object, not {type(value).__name__}")
    return value


def _absolute_path(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise BadJob(f"the job's {name} must be a path, not {_shown(value)}")
    if "\0" in value or len(value) > MAX_PATH_CHARS:
        raise BadJob(f"the job's {name} is not a usable path")
    if not Path(value).is_absolute():
        raise BadJob(f"the job's {name} must be an absolute path, not {_shown(value)}")
    return value


def _template_list(templates: Any) -> tuple[str, ...]:
    if isinstance(templates, str):
        templates = templates.split(",")
    if not all(isinstance(t, str) for t in templates):
        raise BadJob("the job's templates must be template ids")
    if len(templates) > MAX_MOCKUPS:
        raise BadJob(f"a job renders at most {MAX_MOCKUPS} mockups, not {len(templates)}")
    if templates == ["all"]:
        return _template_ids("all")
    return tuple(templates)


@functools.cache
def _installed_renderers() -> tuple[str, ...]:
    """Read once per process: a renderer installed later needs the process restarted, as
    any new code does."""
    return tuple(renderer_names())


def _installed_renderer(value: Any) -> str:
    installed = _installed_renderers()
    if value not in installed:
        raise BadJob(f"the job names renderer {_shown(value)}; installed: {', '.join(installed)}")
    return value


def _job_id(value: Any) -> str:
    if not isinstance(value, str) or not JOB_ID.fullmatch(value):
        raise BadJob(f"the job's id {_shown(value)} is not a job id")
    return value


def _shown(value: Any, limit: int = 60) -> str:
    """A value named in a message: a short repr on one line, or only its type."""
    if value is not None and not isinstance(value, str | int | float):
        return type(value).__name__
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _template_ids(templates: Any) -> tuple[str, ...]:
    if templates == "all":
        return tuple(load_library())
    ids = templates.split(",") if isinstance(templates, str) else templates
    keys = (t if isinstance(t, str) else t.key for t in ids)
    return tuple(key.strip() for key in keys if key.strip())
