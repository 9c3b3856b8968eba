"""Shared test helpers: artworks drawn in memory and small template folders written to tmp."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from mockups.templates.model import load_template

# redis_url, render_queue, start_worker: the Redis-backed job tests' fixtures; s3_endpoint,
# s3_env, backend: the runs-store tests'
pytest_plugins = ["tests.jobs_support", "tests.store_support"]

SCENE_SIZE = (3000, 2000)


@pytest.fixture(autouse=True)
def main_module_kept():
    """Streamlit's AppTest runs a page as `__main__` and leaves it there: a later test's
    worker processes would run that page again, as multiprocessing imports `__main__` anew."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def gradient_artwork(size: tuple[int, int] = (800, 1000), mode: str = "RGB") -> Image.Image:
    """A smooth colour ramp: each pixel differs, so resampling mistakes show."""
    red = Image.linear_gradient("L").resize(size)
    green = Image.linear_gradient("L").rotate(90).resize(size)
    blue = Image.new("L", size, 90)
    image = Image.merge("RGB", (red, green, blue))
    return image.convert(mode) if mode != "RGB" else image


def corner_marked_artwork(size: tuple[int, int] = (400, 500)) -> Image.Image:
    """White, with a square in each corner: red, green, blue, yellow clockwise from top-left."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    w, h = size
    s = min(size) // 5
    draw.rectangle((0, 0, s, s), fill="red")
    draw.rectangle((w - s, 0, w, s), fill=(0, 255, 0))
    draw.rectangle((w - s, h - s, w, h), fill="blue")
    draw.rectangle((0, h - s, s, h), fill="yellow")
    return image


def write_template(
    root: Path,
    template_id: str = "test-card",
    placement: dict | None = None,
    scene_colour: tuple[int, int, int] = (0, 0, 0),
    size: tuple[int, int] = SCENE_SIZE,
    files: dict[str, Image.Image] | None = None,
    **fields,
) -> Path:
    """A template folder with a plain scene; keyword fields go into the manifest.

    A field given as an image (mask=..., shading=...) is saved as `<field>.png` and named in
    the manifest; `files` are saved under their names for fields that name them.
    """
    folder = root / template_id
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, scene_colour).save(folder / "scene.png")
    manifest = {
        "format": 1,
        "name": template_id.replace("-", " ").title(),
        "product": "test",
        "size": list(size),
        "scene": "scene.png",
        "placement": placement or {"type": "rect", "box": [1000, 500, 800, 1000]},
    }
    for name, value in fields.items():
        if isinstance(value, Image.Image):
            value.save(folder / f"{name}.png")
            value = f"{name}.png"
        manifest[name] = value
    for name, image in (files or {}).items():
        image.save(folder / name)
    (folder / "template.json").write_text(json.dumps(manifest))
    return folder


@pytest.fixture
def template_factory(tmp_path):
    def make(**kwargs):
        return load_template(write_template(tmp_path / "templates", **kwargs))

    return make


@pytest.fixture
def artwork_jpeg(tmp_path) -> Path:
    path = tmp_path / "artwork.jpg"
    gradient_artwork((1600, 2000)).save(path, quality=92)
    return path


@pytest.fixture
def etsy():
    """A fake Etsy on a free loopback port; every request it saw must have been valid."""
    from tests.fake_etsy.server import FakeEtsy

    with FakeEtsy.running() as fake:
        yield fake
        assert fake.violations == []
