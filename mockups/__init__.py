"""Mockup Lab's render engine: artwork intake, templates, and runs that render mockups to disk."""

from mockups.errors import ArtworkError, MockupLabError, RenderError, TemplateError
from mockups.intake import Artwork, ArtworkInfo, load_artwork, read_header
from mockups.options import MODES, RenderOptions
from mockups.run import render_run
from mockups.runfolder import MockupResult, RunFolderError, RunResult, read_run
from mockups.templates import Template, load_library, load_template, select_templates

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
