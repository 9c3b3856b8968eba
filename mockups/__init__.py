"""Mockup Lab's render engine: artwork intake, templates, and runs that render mockups to disk."""

import os

# A render calls no BLAS routine (`geometry` solves its 8 x 8 system by hand; the PSD import's
# are tiny), yet numpy's OpenBLAS starts a thread per core as numpy is imported: 0.1 CPU s of
# every render process, worker and child. Set before numpy is first imported here, and
# inherited by child processes.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from mockups.artwork.intake import Artwork, ArtworkInfo, load_artwork, read_header
from mockups.errors import ArtworkError, MockupLabError, RenderError, TemplateError
from mockups.options import MODES, RenderOptions
from mockups.render.run import render_run
from mockups.runs.folder import MockupResult, RunFolderError, RunResult, read_run
from mockups.templates.library import load_library, select_templates
from mockups.templates.model import Template, load_template

__all__ = [
    "MODES",
    "Artwork",
    "ArtworkError",
    "ArtworkInfo",
    "MockupLabError",
    "MockupResult",
    "RenderError",
    "RenderOptions",
    "RunFolderError",
    "RunResult",
    "Template",
    "TemplateError",
    "load_artwork",
    "load_library",
    "load_template",
    "read_header",
    "read_run",
    "render_run",
    "select_templates",
]
