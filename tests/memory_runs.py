"""Runs for the Memory page's tests, made before the page opens: a profiled run in threads mode
whose mug keeps a copy of its canvas (a leak planted in the profiler's child process through a
`sitecustomize` on PYTHONPATH), and a plain run of the same artwork."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.browser import ROOT
from mockups import RenderOptions, render_run
from profiling import profile_run
from tests.conftest import gradient_artwork

TEMPLATES = "poster,mug,canvas,tote"
RUNS = "runs"  # under MOCKUPLAB_HOME, as mockups.runs.catalogue.runs_dir puts them
PLANTED_ON = "mug"
PLANTED_INDEX = 2
PLANTING = f"""
import mockups.render.run

_real_render = mockups.render.run.render_mockup
KEPT = []


def render_keeping_the_mug(artwork, template, *rest):
    canvas = _real_render(artwork, template, *rest)
    if template.key == "{PLANTED_ON}":
        KEPT.append(canvas.drawn.copy())
    return canvas


mockups.render.run.render_mockup = render_keeping_the_mug
"""


@dataclass(frozen=True)
class MemoryRuns:
    home: Path  # MOCKUPLAB_HOME
    profiled: Path
    plain: Path


def make_runs(home: Path, scratch: Path) -> MemoryRuns:
    """Both runs under `home`'s runs folder (`scratch` holds the artwork and the planting)."""
    artwork = scratch / "artwork.jpg"
    gradient_artwork((900, 1200)).save(artwork, quality=90)
    planting = scratch / "planting"
    planting.mkdir()
    (planting / "sitecustomize.py").write_text(PLANTING)
    root = home / RUNS
    profiled = root / "20261130-100000-art-profiled"
    plain = root / "20261130-110000-art-plain"
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("MOCKUPLAB_HOME", str(home))
        render_run(artwork, plain, options=RenderOptions(templates=TEMPLATES))
        environment.setenv("PYTHONPATH", f"{planting}:{ROOT}")  # the profiler's child only
        options = RenderOptions(templates=TEMPLATES, mode="threads", workers=2)
        profile_run(artwork, profiled, options=options)
    return MemoryRuns(home=home, profiled=profiled, plain=plain)
