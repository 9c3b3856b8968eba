"""Memory ceilings for each template's render, enforced by pytest-memray in CI.

A ceiling is the render's heap peak as measured with memray plus 20 %, in MiB: well under
that peak plus one more full-size canvas, so a render that keeps its canvas alive into the
next one fails the build. A template without a ceiling here gets a loose default of five
canvases. After changing a template or the compositing on purpose, print fresh figures:
`.venv/bin/python -m tests.profiling.test_profiling_guards`.
"""

import functools
import math
import tempfile
from pathlib import Path

import memray
import pytest

from mockups.artwork.colour import srgb_icc_bytes
from mockups.artwork.intake import load_artwork
from mockups.memory import MIB
from mockups.render.compose import render_mockup
from mockups.render.selection import required_artwork_size
from mockups.templates.library import load_library
from mockups.templates.model import Template
from tests.conftest import gradient_artwork

ARTWORK_SIZE = (1200, 1500)
MARGIN = 1.20

CEILINGS_MIB = {  # measured 2026-12-07 after one warm render: peak MiB x 1.2, up
    # only the window of the scene the print changes decoded (a backdrop, see `backdrop`)
    "canvas": 27,
    "desk-frame": 27,
    "framed-wall": 25,
    "greeting-card": 37,
    "mug": 37,
    "phone-case": 48,
    "pillow": 41,
    "poster": 31,
    "tote": 21,
    "tshirt": 23,
    "wall-ledge": 25,
    "wall-scale": 10,
    "workspace-mug": 35,
    "zoom-canvas-corner": 68,
    "zoom-frame-corner": 33,
}
LIBRARY = load_library()


def canvas_bytes(template: Template) -> int:
    return template.size[0] * template.size[1] * 4


def ceiling_mib(template: Template) -> int:
    default = math.ceil(5 * canvas_bytes(template) / MIB)
    return CEILINGS_MIB.get(template.id, default)


def write_artwork(folder: Path) -> Path:
    path = folder / "art.jpg"
    gradient_artwork(ARTWORK_SIZE).save(path, quality=90)
    return path


def decode_for(template: Template, artwork: Path):
    return load_artwork(artwork, required_artwork_size(ARTWORK_SIZE, [template])).image


def render_and_encode(artwork, template: Template, kept: list | None = None) -> int:
    mockup = render_mockup(artwork, template)
    if kept is not None:
        kept.append(mockup.image())
    return len(mockup.jpeg(srgb_icc_bytes()))


def measured_peak_bytes(capture: Path, body) -> int:
    with memray.Tracker(capture):
        body()
    return memray.FileReader(capture).metadata.peak_memory


@pytest.fixture(scope="module")
def artwork_path(tmp_path_factory) -> Path:
    return write_artwork(tmp_path_factory.mktemp("art"))


@pytest.fixture
def decoded(artwork_path, request):
    """The artwork decoded for this template, after one unguarded render of it.

    The first render in a process pays for lazy imports and caches (numpy for the warps):
    a ceiling is about every render, so those stay outside the guarded body.
    """
    template = LIBRARY[request.node.callspec.params["template_id"]]
    image = decode_for(template, artwork_path)
    render_and_encode(image, template)
    return image


@pytest.mark.parametrize(
    "template_id",
    [
        pytest.param(key, marks=pytest.mark.limit_memory(f"{ceiling_mib(template)} MB"))
        for key, template in LIBRARY.items()
    ],
)
def test_each_templates_render_stays_under_its_memory_ceiling(decoded, template_id):
    assert render_and_encode(decoded, LIBRARY[template_id]) > 0


@pytest.mark.parametrize("template_id", sorted(set(CEILINGS_MIB) & set(LIBRARY)))
def test_a_render_keeping_its_canvas_into_the_next_breaks_the_ceiling(
    decoded, template_id, tmp_path
):
    template = LIBRARY[template_id]
    kept: list = []

    def two_renders_the_first_kept():
        render_and_encode(decoded, template, kept)
        render_and_encode(decoded, template)

    peak = measured_peak_bytes(tmp_path / "capture.bin", two_renders_the_first_kept)
    assert peak > ceiling_mib(template) * MIB


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        artwork = write_artwork(Path(folder))
        for number, (key, template) in enumerate(LIBRARY.items()):
            image = decode_for(template, artwork)
            render_and_encode(image, template)
            capture = Path(folder) / f"{number}.bin"
            body = functools.partial(render_and_encode, image, template)
            peak = measured_peak_bytes(capture, body)
            print(f'    "{key}": {math.ceil(peak * MARGIN / MIB)},  # peak {peak / MIB:.1f} MiB')
