"""Photoshop mockups imported as templates: PSDs written by tests/psd_factory.py with known
geometry, imported through `python -m mockups import-psd` and the library function."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from psd_tools.constants import BlendMode

from harness.psd_factory import PsdBuilder, SmartObjectSpec
from mockups import cli
from mockups.jobs import RenderJob
from mockups.options import RenderOptions
from mockups.psd import outline as psd_outline
from mockups.psd.importer import import_psd
from mockups.render.backdrop import read_backdrop
from mockups.render.compose import render_mockup
from tests.cli_helpers import run_cli
from tests.jobs_support import run_burst_worker

DOC = (1500, 1000)  # imported at 3000 x 2000: every document pixel is two template pixels
WALL = (120, 150, 180)
PRINT_QUAD = ((300.0, 200.0), (900.0, 230.0), (880.0, 800.0), (320.0, 780.0))
ARTWORK_COLOUR = (40, 200, 90)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def wall_and_print(**spec) -> PsdBuilder:
    builder = PsdBuilder(DOC)
    builder.add_pixels(Image.new("RGB", DOC, WALL), "wall")
    builder.add_smart_object(SmartObjectSpec("Your design", PRINT_QUAD, **spec))
    return builder


def shade(box: tuple[int, int, int, int], colour, size=DOC) -> Image.Image:
    """Transparent but for `box`, filled with `colour`."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((*colour, 255), box)
    return image


def rendered(template) -> Image.Image:
    artwork = Image.new("RGB", (600, 600), ARTWORK_COLOUR)
    return render_mockup(artwork, template).image()


def test_the_print_quad_is_the_smart_objects_placement_scaled_to_3000_px(tmp_path):
    path = wall_and_print().save(tmp_path / "wall.psd")
    template = import_psd(path).template
    assert template.size == (3000, 2000)
    expected = np.array(PRINT_QUAD) * 2
    assert np.abs(np.array(template.quad) - expected).max() <= 1.0
    assert template.placement == "perspective"


def test_layers_below_the_smart_object_make_the_scene_without_the_placeholder(tmp_path):
    path = wall_and_print().save(tmp_path / "wall.psd")
    template = import_psd(path).template
    with Image.open(template.scene) as scene:
        inside_print = scene.getpixel((1200, 1000))
        outside = scene.getpixel((100, 100))
    assert max(abs(a - b) for a, b in zip(inside_print, WALL, strict=True)) <= 3
    assert max(abs(a - b) for a, b in zip(outside, WALL, strict=True)) <= 3
    assert template.shading is None and template.highlight is None and template.mask is None
    assert read_backdrop(template.scene, "scene.jpg") is not None, "a scene to splice into"


def test_multiply_above_becomes_shading_and_screen_becomes_highlight(tmp_path):
    builder = wall_and_print()
    builder.add_pixels(
        shade((600, 0, 1500, 1000), (128, 128, 128)), "shadow", blend=BlendMode.MULTIPLY
    )
    builder.add_pixels(
        shade((350, 250, 500, 400), (255, 255, 255)), "glare", blend=BlendMode.SCREEN, opacity=128
    )
    result = import_psd(builder.save(tmp_path / "lit.psd"))
    template = result.template
    with Image.open(template.shading) as shading, Image.open(template.highlight) as highlight:
        assert abs(shading.getpixel((1500, 1000)) - 128) <= 2, "under the shadow"
        assert shading.getpixel((800, 1000)) == 255, "beside it"
        assert abs(highlight.getpixel((800, 600)) - 128) <= 2, "under the glare"
        assert highlight.getpixel((1500, 1200)) == 0
    mockup = rendered(template)
    shaded = mockup.getpixel((1500, 1000))
    assert all(abs(s - a * 128 / 255) <= 4 for s, a in zip(shaded, ARTWORK_COLOUR, strict=True))
    with Image.open(template.scene) as scene:
        wall_in_shadow = scene.getpixel((2500, 1800))
    assert all(abs(s - w * 128 / 255) <= 3 for s, w in zip(wall_in_shadow, WALL, strict=True))
    assert result.warnings == []


def test_a_normal_layer_above_the_print_stays_in_front_of_the_artwork(tmp_path):
    builder = wall_and_print()
    builder.add_pixels(shade((580, 0, 640, 1000), (10, 120, 10)), "plant")
    builder.add_pixels(shade((400, 600, 500, 700), (250, 250, 250)), "glass", opacity=128)
    template = import_psd(builder.save(tmp_path / "plant.psd")).template
    mockup = rendered(template)
    assert (
        max(abs(a - b) for a, b in zip(mockup.getpixel((1220, 1000)), (10, 120, 10), strict=True))
        <= 3
    )
    assert (
        max(abs(a - b) for a, b in zip(mockup.getpixel((1000, 1000)), ARTWORK_COLOUR, strict=True))
        <= 3
    )
    half = tuple((a + 250) / 2 for a in ARTWORK_COLOUR)
    assert max(abs(a - b) for a, b in zip(mockup.getpixel((900, 1300)), half, strict=True)) <= 4
    assert mockup.getpixel((1220, 100))[:2] == pytest.approx((10, 120), abs=3), "over the wall too"


def test_a_clipping_base_and_a_layer_mask_on_the_smart_object_become_the_mask(tmp_path):
    builder = PsdBuilder(DOC)
    builder.add_pixels(Image.new("RGB", DOC, WALL), "wall")
    builder.add_pixels(shade((300, 200, 700, 900), (255, 255, 255)), "card shape")
    smart = builder.add_smart_object(SmartObjectSpec("Your design", PRINT_QUAD))
    smart.clipping = True
    smart.remove_mask()
    hole = Image.new("L", (600, 600), 255)
    hole.paste(0, (400, 300, 500, 400))
    smart.create_mask(hole, top=200, left=300)
    template = import_psd(builder.save(tmp_path / "clipped.psd")).template
    with Image.open(template.mask) as mask:
        assert mask.getpixel((1000, 1000)) == 255, "inside the base and the mask"
        assert mask.getpixel((1600, 1000)) == 0, "right of the clipping base"
        assert mask.getpixel((1500, 1300)) == 0, "in the mask's hole"


def test_layers_clipped_to_the_print_light_it_and_not_the_wall(tmp_path):
    builder = wall_and_print()
    clipped = shade((0, 0, 1500, 1000), (100, 100, 100))
    builder.add_pixels(clipped, "fabric texture", blend=BlendMode.MULTIPLY, clipping=True)
    template = import_psd(builder.save(tmp_path / "texture.psd")).template
    with Image.open(template.shading) as shading, Image.open(template.scene) as scene:
        assert abs(shading.getpixel((1200, 1000)) - 100) <= 2
        assert max(abs(a - b) for a, b in zip(scene.getpixel((100, 100)), WALL, strict=True)) <= 3


def test_hidden_layers_are_skipped(tmp_path):
    builder = wall_and_print()
    builder.add_pixels(shade((0, 0, 1500, 1000), (0, 0, 0)), "hidden", visible=False)
    builder.add_pixels(
        shade((0, 0, 1500, 1000), (50, 50, 50)),
        "hidden shade",
        blend=BlendMode.MULTIPLY,
        visible=False,
    )
    template = import_psd(builder.save(tmp_path / "hidden.psd")).template
    assert template.shading is None and template.mask is None
    with Image.open(template.scene) as scene:
        assert max(abs(a - b) for a, b in zip(scene.getpixel((100, 100)), WALL, strict=True)) <= 3


def test_a_groups_blend_mode_and_opacity_are_applied_to_what_it_holds(tmp_path):
    builder = wall_and_print()
    group = builder.document.create_group(
        name="shadows", blend_mode=BlendMode.MULTIPLY, opacity=128
    )
    builder.add_pixels(shade((0, 0, 1500, 1000), (0, 0, 0)), "black", parent=group)
    template = import_psd(builder.save(tmp_path / "group.psd")).template
    with Image.open(template.shading) as shading:
        assert abs(shading.getpixel((1200, 1000)) - 127) <= 2, "black multiplied at half opacity"


def test_cmyk_and_16_bit_documents_are_converted_to_8_bit_srgb(tmp_path):
    for mode, depth in (("CMYK", 8), ("RGB", 16)):
        builder = PsdBuilder(DOC, mode=mode, depth=depth)
        builder.add_pixels(Image.new("RGB", DOC, (255, 255, 255)), "paper")
        builder.add_smart_object(SmartObjectSpec("Your design", PRINT_QUAD))
        result = import_psd(builder.save(tmp_path / f"{mode}-{depth}.psd"), template_id=f"d{depth}")
        assert any("converted to 8-bit sRGB" in w for w in result.warnings)
        with Image.open(result.template.scene) as scene:
            assert min(scene.getpixel((100, 100))) >= 245, f"{mode} {depth}-bit white stays white"


def test_import_psd_prints_the_id_and_one_warning_line_for_a_warp(tmp_path, home):
    path = wall_and_print(warp="warpArc").save(tmp_path / "Arched Mug.psd")
    done = run_cli("import-psd", str(path), home=home)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "arched-mug"
    assert done.stderr.strip().splitlines() == [
        "warning: layer 'Your design': its warpArc warp is approximated by the perspective quad "
        "(only custom warps are mapped)"
    ]


def test_a_linked_smart_object_without_its_file_imports_from_its_placement(tmp_path, home):
    path = wall_and_print(linked=True).save(tmp_path / "linked.psd")
    done = run_cli("import-psd", str(path), "--id", "linked-wall", home=home)
    assert done.returncode == 0, done.stderr
    assert "links to 'design.png', not embedded" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def one_line_refusal(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def test_a_psd_without_a_smart_object_is_refused_in_one_line(tmp_path, home):
    builder = PsdBuilder(DOC)
    builder.add_pixels(Image.new("RGB", DOC, WALL), "wall")
    line = one_line_refusal(
        run_cli("import-psd", str(builder.save(tmp_path / "flat.psd")), home=home)
    )
    assert "has no smart object" in line
    assert not (home / "templates" / "flat").exists()


def test_of_several_smart_objects_the_largest_is_taken_and_the_others_named(tmp_path, home):
    builder = wall_and_print()
    other = ((1000.0, 100.0), (1400.0, 100.0), (1400.0, 500.0), (1000.0, 500.0))
    builder.add_smart_object(SmartObjectSpec("Second print", other))
    path = builder.save(tmp_path / "two.psd")
    done = run_cli("import-psd", str(path), "--id", "largest", home=home)
    assert done.returncode == 0, done.stderr
    (line,) = [line for line in done.stderr.splitlines() if "smart objects" in line]
    assert "'Your design'" in line and "'Second print'" in line and "--layer" in line
    largest = json.loads((home / "templates" / "largest" / "template.json").read_text())
    assert largest["placement"]["corners"][0] != [2000.0, 200.0]
    missing = one_line_refusal(run_cli("import-psd", str(path), "--layer", "Nope", home=home))
    assert "'Your design'" in missing and "'Second print'" in missing
    done = run_cli("import-psd", str(path), "--layer", "Second print", home=home)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((home / "templates" / "two" / "template.json").read_text())
    assert manifest["placement"]["corners"][0] == [2000.0, 200.0]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            b"8BPS\x00\x01"
            + bytes(6)
            + b"\x00\x03"
            + b"\x00\x00\x03\xe8" * 2
            + b"\x00\x20\x00\x03",
            "32 bits",
        ),
        (
            b"8BPS\x00\x01"
            + bytes(6)
            + b"\x00\x01"
            + b"\x00\x00\x03\xe8" * 2
            + b"\x00\x01\x00\x00",
            "bitmap mode",
        ),
        (b"GIF89a" + bytes(40), "not a Photoshop file"),
        (
            b"8BPS\x00\x01"
            + bytes(6)
            + b"\x00\x03"
            + b"\x00\x00\x03\xe8" * 2
            + b"\x00\x08\x00\x03",
            "truncated",
        ),
    ],
)
def test_documents_that_cannot_be_imported_are_refused_in_one_line(
    tmp_path, home, header, expected
):
    path = tmp_path / "bad.psd"
    path.write_bytes(header)
    assert expected in one_line_refusal(run_cli("import-psd", str(path), home=home))


def test_a_document_over_the_budget_is_refused_before_it_is_parsed(tmp_path, monkeypatch, capsys):
    path = wall_and_print().save(tmp_path / "big.psb")
    monkeypatch.setattr(psd_outline, "MAX_LAYER_SECTION_BYTES", 1000)
    assert cli.main(["import-psd", str(path)]) == 2
    error = capsys.readouterr().err
    assert "over the import's budget" in error and error.count("\n") == 1


def test_an_id_taken_by_a_built_in_is_refused(tmp_path, home):
    path = wall_and_print().save(tmp_path / "wall.psd")
    assert "built-in" in one_line_refusal(
        run_cli("import-psd", str(path), "--id", "poster", home=home)
    )


def test_an_imported_template_renders_a_run_from_the_command_line(tmp_path, home):
    builder = wall_and_print()
    builder.add_pixels(
        shade((600, 0, 1500, 1000), (128, 128, 128)), "shadow", blend=BlendMode.MULTIPLY
    )
    path = builder.save(tmp_path / "Shop Wall.psd")
    assert run_cli("import-psd", str(path), home=home).stdout.strip() == "shop-wall"
    artwork = tmp_path / "art.png"
    Image.new("RGB", (800, 1000), ARTWORK_COLOUR).save(artwork)
    done = run_cli(
        "render",
        str(artwork),
        "--out",
        str(tmp_path / "run"),
        "--templates",
        "shop-wall,poster",
        home=home,
    )
    assert done.returncode == 0, done.stderr
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert [m["template"] for m in run["mockups"]] == ["shop-wall", "poster"]
    with Image.open(tmp_path / "run" / run["mockups"][0]["file"]) as mockup:
        assert mockup.size == (3000, 2000)
        lit = mockup.getpixel((1000, 1000))
        shaded = mockup.getpixel((1600, 1000))
    assert max(abs(a - b) for a, b in zip(lit, ARTWORK_COLOUR, strict=True)) <= 6
    assert shaded[1] < lit[1] * 0.6


@pytest.fixture
def many_layers_psd(tmp_path) -> Path:
    """A 4000 x 2700 document: a wall, the print and eight full-size multiply layers."""
    builder = PsdBuilder((4000, 2700))
    builder.add_pixels(Image.new("RGB", (4000, 2700), WALL), "wall")
    builder.add_smart_object(
        SmartObjectSpec("Your design", ((800, 500), (2400, 560), (2360, 2100), (840, 2050)))
    )
    for index in range(8):
        builder.add_pixels(
            shade((0, 0, 4000, 2700), (200, 200, 200), (4000, 2700)),
            f"light {index}",
            blend=BlendMode.MULTIPLY,
        )
    return builder.save(tmp_path / "layers.psd")


# Ten 4000 x 2700 layers decoded at once would take over 400 MB; one at a time, ~120 MB.
@pytest.mark.limit_memory("200 MB")
def test_import_keeps_one_layer_decoded_at_a_time(many_layers_psd):
    template = import_psd(many_layers_psd).template
    assert template.size == (3000, 2025)


def test_a_redis_worker_renders_an_imported_template(
    tmp_path,
    home,
    render_queue,
    start_worker,
):
    builder = wall_and_print()
    builder.add_pixels(shade((580, 0, 640, 1000), (10, 120, 10)), "plant")
    import_psd(builder.save(tmp_path / "Queued Wall.psd"))
    run_dir = home / "runs" / "queued"  # a worker renders only inside its home's runs folder
    run_dir.mkdir(parents=True)
    Image.new("RGB", (800, 1000), ARTWORK_COLOUR).save(run_dir / "art.png")
    job_id = render_queue.enqueue(
        RenderJob(
            artwork=run_dir / "art.png",
            run_dir=run_dir,
            options=RenderOptions(templates=("queued-wall",)),
        )
    )
    run_burst_worker(start_worker)
    status = render_queue.status(job_id)
    assert status.state == "finished", status
    with Image.open(Path(status.run_dir) / "01-queued-wall.jpg") as mockup:
        in_front = mockup.getpixel((1220, 1000))
    assert max(abs(a - b) for a, b in zip(in_front, (10, 120, 10), strict=True)) <= 6


@pytest.mark.parametrize(
    ("quad", "expected"),
    [
        (((900.0, 200.0), (300.0, 230.0), (320.0, 780.0), (880.0, 800.0)), "flipped"),
        (((1200.0, 200.0), (1700.0, 200.0), (1700.0, 800.0), (1200.0, 800.0)), "outside"),
    ],
)
def test_a_flipped_or_overhanging_smart_object_is_refused(tmp_path, home, quad, expected):
    builder = PsdBuilder(DOC)
    builder.add_pixels(Image.new("RGB", DOC, WALL), "wall")
    builder.add_smart_object(SmartObjectSpec("Your design", quad))
    path = builder.save(tmp_path / "odd.psd")
    assert expected in one_line_refusal(run_cli("import-psd", str(path), home=home))
    assert not (home / "templates" / "odd").exists()


def test_two_things_said_about_one_layer_make_one_warning_line(tmp_path, home):
    path = wall_and_print(linked=True, warp="warpFlag").save(tmp_path / "both.psd")
    done = run_cli("import-psd", str(path), home=home)
    assert done.returncode == 0, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("warning: layer 'Your design': its warpFlag warp is approximated")
    assert "; links to 'design.png'" in line
