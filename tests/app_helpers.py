"""Driving the dashboard through Streamlit's AppTest: upload, tick, submit, wait for the render."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

from PIL import Image
from streamlit.testing.v1 import AppTest

from mockups.templates.model import BUILTIN_DIR

APP = str(Path(__file__).parents[1] / "app.py")
LIBRARY_THUMBNAILS = len(list(BUILTIN_DIR.glob("*/template.json")))  # each shows its thumbnail
RENDER_SECONDS = 120


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def setting(at: AppTest, name: str):
    """The Render page's widget for setting `name` (its key carries a generation number)."""
    pattern = re.compile(rf"{re.escape(name)}-\d+")
    widgets = [*at.radio, *at.checkbox, *at.number_input]
    return next(w for w in widgets if w.key and pattern.fullmatch(w.key))


def template_boxes(at: AppTest) -> dict[str, object]:
    """The template picker's ticks by template id."""
    pattern = re.compile(r"templates-(.+)-\d+")
    return {m.group(1): box for box in at.checkbox if box.key and (m := pattern.fullmatch(box.key))}


def choose_only(at: AppTest, template_ids: list[str]) -> None:
    for template_id, box in template_boxes(at).items():
        box.set_value(template_id in template_ids)


def submit_render(
    at: AppTest,
    name: str | None,
    data: bytes | None,
    templates: list[str],
    profile: bool = False,
    fit: str | None = None,
) -> None:
    """Upload (the page stores it at once), fill in the settings and press Render."""
    if name is not None:
        at.file_uploader[0].set_value((name, data, "image/png")).run()
    choose_only(at, templates)
    setting(at, "profile").set_value(profile)
    if fit is not None:
        setting(at, "fit").set_value(fit)
    button(at, "Render").click().run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def pending(at: AppTest) -> bool:
    return "pending_render" in at.session_state


def wait_for_render(at: AppTest, seconds: float = RENDER_SECONDS) -> None:
    """Rerun the page, as its polling fragment does, until the session's render has ended."""
    deadline = time.monotonic() + seconds
    while pending(at):
        assert time.monotonic() < deadline, "the render did not end in time"
        time.sleep(0.2)
        at.run()


def upload_and_render(at, name, data, templates, profile=False, fit=None) -> None:
    submit_render(at, name, data, templates, profile=profile, fit=fit)
    wait_for_render(at)
