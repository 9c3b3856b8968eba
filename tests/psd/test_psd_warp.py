"""A smart object's Photoshop warp imported as a print map: PSDs written by
harness/psd_factory.py with a known custom mesh, imported, and rendered with an artwork whose
middle is a horizontal line, so where the line lands says whether the print follows the warp."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from psd_tools.constants import BlendMode

from harness.psd_factory import PsdBuilder, SmartObjectSpec, even_mesh
from mockups.geometry import Box, as_quad
from mockups.psd.importer import import_psd, preview_import
from mockups.psd.warp import (
    CUSTOM,
    Warp,
    patch_points,
    placed_control_points,
    rasterised_uv,
    warped_print,
    write_print_map,
)
from mockups.render.compose import render_mockup
from tests.cli_helpers import run_cli

DOC = (1500, 1000)  # imported at 3000 x 2000: every document pixel is two output pixels
WALL = (120, 150, 180)
# an upright rectangle: print x is then linear in u, so a column of the mockup is one u
UPRIGHT = ((300.0, 200.0), (900.0, 200.0), (900.0, 600.0), (300.0, 600.0))
INNER = (5, 6, 9, 10)  # the four inner control points of the 4 x 4 grid
BOTTOM_MIDDLE = (13, 14)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def sagging_mesh(content: tuple[float, float], push: float, indices=INNER):
    mesh = even_mesh(*content)
    for index in indices:
        mesh[index][1] += push
    return tuple(tuple(point) for point in mesh)


def warped_wall(content=(600.0, 400.0), push=80.0, indices=INNER, quad=UPRIGHT) -> PsdBuilder:
    builder = PsdBuilder(DOC)
    builder.add_pixels(Image.new("RGB", DOC, WALL), "wall")
    mesh = sagging_mesh(content, push, indices)
    spec = SmartObjectSpec("Your design", quad, warp=CUSTOM, mesh=mesh, content=content)
    builder.add_smart_object(spec)
    return builder


def striped_artwork(size=(600, 400)) -> Image.Image:
    """White, with a black line across its middle (v = 0.5) ten pixels thick."""
    artwork = Image.new("RGB", size, "white")
    middle = size[1] // 2
    artwork.paste((0, 0, 0), (0, middle - size[1] // 80, size[0], middle + size[1] // 80))
    return artwork


def line_centre(mockup: Image.Image, x: int) -> float:
    """The mean row of the dark line in column `x` of the mockup."""
    column = np.asarray(mockup.convert("L"))[:, x]
    rows = np.nonzero(column < 100)[0]
    assert rows.size, f"no line in column {x}"
    return float(rows.mean())


def sag(u: float, v: float, push_output_px: float) -> float:
    """How far the patch moves a point when the inner control points move down by `push`:
    their Bernstein weights, (B1 + B2)(u) * (B1 + B2)(v)."""
    inner = lambda t: 1 - (1 - t) ** 3 - t**3  # noqa: E731
    return push_output_px * inner(u) * inner(v)


@pytest.mark.parametrize(
    ("content", "push"),
    [((600.0, 400.0), 80.0), ((1200.0, 800.0), 160.0)],
    ids=["content-at-placed-size", "content-twice-the-placed-size"],
)
def test_a_custom_warp_bends_the_print_as_its_mesh_says(tmp_path, content, push):
    path = warped_wall(content, push).save(tmp_path / "sagging.psd")
    result = import_psd(path)
    template = result.template
    assert result.warnings == [], "a warp that is mapped is not approximated"
    assert template.placement == "uvmap"
    mockup = render_mockup(striped_artwork(), template).image()
    # the placed print spans x 600..1800 and y 400..1200 in output pixels; the mesh moves
    # 80 document (160 output) pixels at the smart object's placed size
    for u in (0.05, 0.25, 0.5, 0.75, 0.95):
        x = round(600 + 1200 * u)
        expected = 800 + sag(u, 0.5, 160.0)
        assert line_centre(mockup, x) == pytest.approx(expected, abs=2.0), f"u = {u}"
    assert line_centre(mockup, 1200) - line_centre(mockup, 660) > 60, "lower in the middle"


def test_the_print_map_reaches_where_the_warp_takes_the_print_beyond_its_quad(tmp_path):
    """The bottom edge sags below the placement quad: the print, its mask and the light above
    it all follow it there."""
    builder = warped_wall(push=100.0, indices=INNER + BOTTOM_MIDDLE)
    builder.add_pixels(
        Image.new("RGBA", DOC, (128, 128, 128, 255)), "shade", blend=BlendMode.MULTIPLY
    )
    template = import_psd(builder.save(tmp_path / "low.psd")).template
    manifest = json.loads((template.scene.parent / "template.json").read_text())
    _, top, _, height = manifest["placement"]["box"]
    # quad bottom at 1200 output px; the bottom edge's middle sags 2 * 100 * 0.75 = 150 px
    assert top + height >= 1200 + 150
    artwork = Image.new("RGB", (600, 400), (40, 200, 90))
    mockup = render_mockup(artwork, template).image()
    below_quad = mockup.getpixel((1200, 1300))
    assert below_quad == pytest.approx((20, 100, 45), abs=4), "print there, shaded"
    beside = mockup.getpixel((620, 1300))
    assert beside == pytest.approx(tuple(c // 2 for c in WALL), abs=4), "the sag is curved"


def test_the_warp_mesh_is_carried_by_the_placement_quads_perspective():
    """Control points are in the smart object's own pixels: its corners land on the quad's
    corners, and the straight, even mesh of an unwarped object stays on the quad's lines."""
    quad = as_quad(((300, 200), (900, 230), (880, 800), (320, 780)))
    points = np.array(even_mesh(600.0, 400.0)).reshape(4, 4, 2)
    control = placed_control_points(Warp(CUSTOM, (0, 0, 600, 400), points), quad, 2.0)
    corners = control[[0, 0, 3, 3], [0, 3, 3, 0]]
    assert np.allclose(corners, np.array(quad) * 2)
    top_edge = patch_points(control, np.linspace(0, 1, 9), np.zeros(1))[0]
    (x0, y0), (x1, y1) = np.array(quad[:2]) * 2
    cross = (x1 - x0) * (top_edge[:, 1] - y0) - (y1 - y0) * (top_edge[:, 0] - x0)
    assert np.abs(cross).max() < 1e-6 * np.hypot(x1 - x0, y1 - y0) ** 2


def test_rasterised_print_coordinates_match_the_patch_where_it_is_seen():
    points = np.array(even_mesh(600.0, 400.0)).reshape(4, 4, 2)
    points[1:3, 1:3, 1] += 80
    control = placed_control_points(Warp(CUSTOM, (0, 0, 600, 400), points), UPRIGHT, 2.0)
    box = Box(590, 390, 1810, 1210)
    u, v = rasterised_uv(control, box, 4)
    assert u.shape == (205, 305)
    for uv in ((0.5, 0.5), (0.2, 0.7), (0.9, 0.1)):
        x, y = patch_points(control, np.array(uv[:1]), np.array(uv[1:]))[0, 0]
        row, column = (y - box.top) / 4 - 0.5, (x - box.left) / 4 - 0.5
        found = u[round(row), round(column)], v[round(row), round(column)]
        # the nearest block centre is at most 0.5 map px (2 output px) from the point
        assert found == pytest.approx(uv, abs=2.5 / 1200 * 2 + 0.004)
    assert np.isnan(u[0, 0]) and np.isnan(u[-1, -1]), "off the print nothing is guessed yet"


@pytest.fixture
def warmed_up():
    """What a process pays once, not per map: numpy.linalg's first call keeps a 32 MiB BLAS
    buffer, and libvips loads itself (see the field notes)."""
    import pyvips

    np.linalg.solve(np.eye(8), np.ones(8))
    pyvips.Image.black(8, 8).pngsave_buffer()


# A 750 x 500 map (a 3000 x 2000 box reduced by 4) is 3 MB of float32 a band; rasterised in
# one go, its 750 000 triangles alone would take over 70 MB.
@pytest.mark.limit_memory("30 MB")
def test_a_print_map_over_the_whole_scene_is_built_in_little_memory(tmp_path, warmed_up):

    points = np.array(even_mesh(6000.0, 4000.0)).reshape(4, 4, 2)
    points[1:3, 1:3, 1] += 500
    warp = Warp(CUSTOM, (0, 0, 6000, 4000), points)
    corners = as_quad(((0, 0), (1500, 0), (1500, 1000), (0, 1000)))
    warped = warped_print(warp, corners, 2.0, (3000, 2000))
    write_print_map(warped, tmp_path / "printmap.png")
    with Image.open(tmp_path / "printmap.png") as stored:
        assert stored.size == (750, 500)


def test_a_warped_smart_object_imports_from_the_command_line_without_a_warning(tmp_path, home):
    path = warped_wall().save(tmp_path / "Sagging Banner.psd")
    done = run_cli("import-psd", str(path), home=home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "sagging-banner"
    assert done.stderr == ""
    manifest = json.loads((home / "templates" / "sagging-banner" / "template.json").read_text())
    assert manifest["placement"]["type"] == "uvmap"
    assert (home / "templates" / "sagging-banner" / manifest["placement"]["map"]).is_file()


@pytest.mark.parametrize("style", ["warpArc", "warpFlag", "warpBulge"])
def test_a_preset_warp_keeps_the_quad_and_says_so(tmp_path, style):
    builder = PsdBuilder(DOC)
    builder.add_pixels(Image.new("RGB", DOC, WALL), "wall")
    builder.add_smart_object(SmartObjectSpec("Your design", UPRIGHT, warp=style))
    result = import_psd(builder.save(tmp_path / f"{style}.psd"))
    assert result.template.placement == "flat"
    assert result.warnings == [
        f"layer 'Your design': its {style} warp is approximated by the perspective quad "
        "(only custom warps are mapped)"
    ]


def test_the_import_preview_shows_the_artwork_bent_by_the_warp(tmp_path):
    result = import_psd(warped_wall().save(tmp_path / "preview.psd"))
    artwork = tmp_path / "art.png"
    striped_artwork().save(artwork)
    preview = preview_import(result, artwork, side=900)
    assert preview.size == (900, 600)
    scale = 900 / 3000
    middle = line_centre(preview, round(1200 * scale))
    near_edge = line_centre(preview, round(696 * scale))
    assert middle == pytest.approx((800 + sag(0.5, 0.5, 160.0)) * scale, abs=2.0)
    assert middle - near_edge == pytest.approx(
        (sag(0.5, 0.5, 160) - sag(0.08, 0.5, 160)) * scale, abs=2.5
    )


def test_a_custom_warp_without_a_usable_mesh_keeps_the_quad_and_says_so(tmp_path):
    builder = PsdBuilder(DOC)
    builder.add_pixels(Image.new("RGB", DOC, WALL), "wall")
    flat = ((0.0, 0.0),) * 16  # every control point on one spot: no area to map
    spec = SmartObjectSpec("Your design", UPRIGHT, warp=CUSTOM, mesh=flat, content=(0.0, 0.0))
    builder.add_smart_object(spec)
    result = import_psd(builder.save(tmp_path / "flat-mesh.psd"))
    assert result.template.placement == "flat"
    assert result.warnings == [
        "layer 'Your design': its custom warp's mesh could not be read; "
        "approximated by the perspective quad"
    ]


def test_a_print_bulging_past_its_own_edges_is_mapped_where_it_bulges():
    """Handles dragged far below the bottom edge fold the print's middle down past it: the
    map's box follows the patch, not only its edges, and the bulge has print coordinates."""
    points = np.array(even_mesh(600.0, 400.0)).reshape(4, 4, 2)
    points[1:3, 1:3, 1] += 900
    warp = Warp(CUSTOM, (0, 0, 600, 400), points)
    warped = warped_print(warp, UPRIGHT, 1.0, (1500, 1000))
    assert max(y for _, y in warped.edge) == pytest.approx(600)
    lowest = patch_points(warped.control, np.array([0.5]), np.linspace(0, 1, 1001))[:, 0, 1].max()
    assert lowest > 800, "the middle column reaches far below the bottom edge"
    assert warped.box.bottom >= lowest
    u, _ = rasterised_uv(warped.control, warped.box, 1)
    row, column = int(lowest - warped.box.top) - 2, 600 - warped.box.left
    assert u[row, column] == pytest.approx(0.5, abs=0.01)
