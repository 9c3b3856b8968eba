"""Print maps and contact sheets against hostile templates: a print no artwork fits, a map cut
short, a full-size map on a large scene, a sheet over the budget. Each through the command
line in a process of its own: exit status, one line, and peak RSS where memory is the point."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import pyvips
from PIL import Image

from mockups.errors import TemplateError
from mockups.options import RenderOptions
from mockups.render.plan import plan_render
from mockups.templates.model import load_template
from mockups.templates.uvmap import ENCODED_LOW, MAX_VALUE, SPAN
from tests.peak_rss import Outcome, measured

CEILING_MB = 256  # the render budget's default
REFUSAL_MB = 120


def write_uvmap_template(
    home: Path,
    template_id: str,
    print_size: tuple[int, int],
    scene: tuple[int, int] = (3000, 2000),
    factor: int = 4,
    bands: int = 2,
) -> Path:
    """A user template whose map covers the whole scene, stored reduced by `factor`: an
    identity map (u across, v down), 16 bits, with a coverage band when `bands` is 3."""
    folder = home / "templates" / template_id
    folder.mkdir(parents=True)
    Image.new("RGB", scene, (90, 90, 90)).save(folder / "scene.jpg", quality=90)
    width, height = -(-scene[0] // factor), -(-scene[1] // factor)
    x, y = pyvips.Image.xyz(width, height).bandsplit()
    u, v = (x + 0.5) * factor / scene[0], (y + 0.5) * factor / scene[1]

    def encoded(values):
        return ((values - ENCODED_LOW) / SPAN * MAX_VALUE).cast("ushort")

    stored = [encoded(u), encoded(v)] + [u * 0 + MAX_VALUE] * (bands - 2)
    image = stored[0].bandjoin([band.cast("ushort") for band in stored[1:]])
    image = image.copy(interpretation="rgb16" if bands == 3 else "grey16")
    image.pngsave(str(folder / "printmap.png"), bitdepth=16, compression=1)
    placement = {
        "type": "uvmap",
        "map": "printmap.png",
        "box": [0, 0, *scene],
        "print": list(print_size),
    }
    manifest = {"format": 1, "name": template_id, "product": "test", "size": list(scene)}
    manifest.update({"scene": "scene.jpg", "placement": placement})
    (folder / "template.json").write_text(json.dumps(manifest))
    return folder


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def artwork(tmp_path) -> Path:
    path = tmp_path / "artwork.jpg"
    Image.new("RGB", (4000, 5000), (200, 40, 30)).save(path, quality=90)
    return path


def mockups(command: str, artwork: Path, out: Path, template_id: str, home: Path) -> Outcome:
    python = [sys.executable, "-m", "mockups", command, str(artwork), "--out", str(out)]
    return measured(
        ["env", f"MOCKUPLAB_HOME={home}", *python, "--templates", template_id], out.parent
    )


def one_line_refusal(outcome: Outcome) -> str:
    assert outcome.returncode == 2, outcome.stderr_lines
    assert len(outcome.stderr_lines) == 1, outcome.stderr_lines
    assert outcome.stderr_lines[0].startswith("error: ")
    return outcome.stderr_lines[0]


@pytest.mark.parametrize(
    ("print_size", "said"),
    [
        ((30000, 1), "30000 x 1; each side of a print must be 16 to 12000 px"),
        ((100000, 100000), "100000 x 100000; each side"),
        ((4000, 150), "4000 x 150 is longer than 20:1"),
    ],
)
def test_a_print_no_artwork_fits_is_refused_when_the_template_loads(home, print_size, said):
    folder = write_uvmap_template(home, "odd-print", print_size)
    with pytest.raises(TemplateError, match=said):
        load_template(folder)


@pytest.mark.parametrize("command", ["render", "sheet"])
def test_a_template_with_such_a_print_is_one_line_from_the_command_line(
    home, artwork, tmp_path, command
):
    write_uvmap_template(home, "sliver", (30000, 1))  # crashed libvips' crop with a traceback
    out = tmp_path / ("run" if command == "render" else "sheet.jpg")
    assert "sliver" in one_line_refusal(mockups(command, artwork, out, "sliver", home))


def test_a_print_map_cut_short_is_refused_not_rendered(home, artwork, tmp_path):
    folder = write_uvmap_template(home, "cut-map", (800, 600), factor=1)
    whole = (folder / "printmap.png").read_bytes()
    (folder / "printmap.png").write_bytes(whole[: len(whole) // 2])  # libvips filled in zeros
    line = one_line_refusal(mockups("render", artwork, tmp_path / "run", "cut-map", home))
    assert "template 'cut-map': its print map printmap.png is cut short or damaged" in line
    assert not (tmp_path / "run" / "run.json").exists()


@pytest.mark.parametrize("factor", [1, 4])
def test_a_print_map_on_a_large_scene_stays_within_its_estimate(home, artwork, tmp_path, factor):
    """A 16-bit map with coverage over a 3000 x 3000 scene, whole (factor 1: 272 MB when it
    was read whole as floats) or at a quarter; the estimate counts the box it fills."""
    write_uvmap_template(home, "big-box", (500, 500), (3000, 3000), factor=factor, bands=3)
    outcome = mockups("render", artwork, tmp_path / "run", "big-box", home)
    assert outcome.returncode == 0, outcome.stderr_lines
    estimate = plan_render(artwork, RenderOptions(templates=("big-box",))).estimate
    assert outcome.peak_rss_mb <= estimate.peak_mb < CEILING_MB


def test_a_sheet_over_the_budget_is_refused_before_it_renders(home, artwork, tmp_path):
    write_uvmap_template(home, "huge-print", (12000, 12000))  # the sheet peaked at 1.2 GB
    outcome = mockups("sheet", artwork, tmp_path / "sheet.jpg", "huge-print", home)
    assert "refused before rendering" in one_line_refusal(outcome)
    assert outcome.peak_rss_mb < REFUSAL_MB
    assert not (tmp_path / "sheet.jpg").exists()
