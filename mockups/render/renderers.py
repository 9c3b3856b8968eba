"""The renderers a job or the command line may name, found without importing their layers.

`plain` is the engine's own `render_run`. Other layers offer theirs as entry points in the
group `mockup_lab.renderers` (pyproject.toml): the profiler registers `profiled` there, so
the engine never names the profiler and a job can only ask for a renderer that is installed.
Every renderer has `render_run`'s signature and result.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Protocol

from mockups.errors import RenderError
from mockups.options import RenderOptions
from mockups.runs.folder import RunResult

GROUP = "mockup_lab.renderers"
PLAIN = "plain"
PROFILED = "profiled"
# A renderer's heap line: seconds since the run started, RSS, heap in use (None if unknown).
Sample = Callable[[float, int, int | None], None]


class Renderer(Protocol):
    def __call__(
        self, artwork: str, out_dir: str, *, options: RenderOptions, progress=None
    ) -> RunResult: ...


def renderer_names() -> list[str]:
    from importlib.metadata import entry_points  # 17 ms: a plain render never needs it

    return [PLAIN, *sorted(point.name for point in entry_points(group=GROUP))]


def find_renderer(name: str) -> Renderer:
    """The renderer called `name`; `RenderError` naming the installed ones when there is none."""
    if name == PLAIN:
        from mockups.render.run import render_run

        return render_run
    from importlib.metadata import entry_points

    for point in entry_points(group=GROUP):
        if point.name == name:
            return point.load()
    raise RenderError(
        f"no renderer '{name}' is installed (installed: {', '.join(renderer_names())}); "
        "install the project with `make` or `pip install -e .`"
    )


def takes_samples(render: Callable[..., RunResult]) -> bool:
    """Whether `render` accepts a `sample` callback (keyword): a renderer that draws a heap
    line while it renders (the profiler's)."""
    try:
        parameters = inspect.signature(render).parameters
    except (TypeError, ValueError):
        return False
    parameter = parameters.get("sample")
    return parameter is not None and parameter.kind in (
        inspect.Parameter.KEYWORD_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    )
