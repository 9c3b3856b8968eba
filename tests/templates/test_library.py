"""The built-in template library: ten products, each valid, rendering and within budget."""

import hashlib
import json
import subprocess
import sys

import pytest
from PIL import Image

from mockups.artwork.intake import load_artwork
from mockups.errors import TemplateError
from mockups.options import RenderOptions
from mockups.render.compose import render_mockup
from mockups.render.run import render_run
from mockups.templates.library import load_library, select_templates
from mockups.templates.model import BUILTIN_DIR, load_template
from tests.conftest import gradient_artwork, write_template

LIBRARY = load_library()


def test_the_library_holds_ten_templates_over_at_least_six_products():
    assert len(LIBRARY) >= 10
    assert len({t.product for t in LIBRARY.values()}) >= 6
    for template in LIBRARY.values():
        assert template.name and template.product
        assert max(template.size) == 3000 and min(template.size) >= 2000
        with Image.open(template.thumbnail) as thumbnail:
            assert max(thumbnail.size) <= 600


def test_the_rendered_scenes_place_the_print_through_print_maps_with_their_light():
    rendered = [t for t in LIBRARY.values() if t.placement == "uvmap"]
    assert len(rendered) >= 4
    assert all(t.mask and t.shading for t in rendered), "each lit, and clipped by its coverage"
    assert any(t.highlight or t.reflection for t in rendered), "gloss or glass over a print"
    assert any(t.variants for t in rendered), "product colours"


def test_committed_template_assets_stay_small():
    total = sum(p.stat().st_size for p in BUILTIN_DIR.rglob("*") if p.is_file())
    assert total < 40 * 1024 * 1024


def digests(folder):
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.jpg"))
    }


@pytest.fixture(scope="module")
def artwork(tmp_path_factory):
    path = tmp_path_factory.mktemp("art") / "art.jpg"
    gradient_artwork((1200, 1500)).save(path, quality=92)
    return path


def test_every_built_in_template_renders_the_same_bytes_in_every_mode(artwork, tmp_path):
    sequential = render_run(artwork, tmp_path / "sequential")
    assert [m.template for m in sequential.mockups] == list(LIBRARY)
    threads = render_run(
        artwork, tmp_path / "threads", options=RenderOptions(mode="threads", workers=2)
    )
    assert len(threads.mockups) == len(LIBRARY)
    assert digests(tmp_path / "sequential") == digests(tmp_path / "threads")


@pytest.mark.limit_memory("150 MB")
@pytest.mark.parametrize("template_id", sorted(LIBRARY))
def test_each_template_renders_within_the_memory_budget(artwork, template_id):
    template = LIBRARY[template_id]
    art = load_artwork(artwork, template.print_size)
    mockup = render_mockup(art.image, template)
    assert mockup.size == template.size


def test_colour_variants_are_selected_by_id_at_colour_and_named_in_files(artwork, tmp_path):
    run = render_run(artwork, tmp_path, options=RenderOptions(templates="tshirt@navy,tshirt"))
    assert [m.file for m in run.mockups] == ["01-tshirt-navy.jpg", "02-tshirt.jpg"]
    assert [m.template for m in run.mockups] == ["tshirt@navy", "tshirt"]
    with pytest.raises(TemplateError, match="no colour 'plaid'; its colours: white"):
        select_templates(LIBRARY, "tshirt@plaid")


def test_the_contact_sheet_shows_every_template_in_a_grid(artwork, tmp_path):
    out = tmp_path / "sheet.jpg"
    done = subprocess.run(
        [sys.executable, "-m", "mockups", "sheet", str(artwork), "--out", str(out),
         "--templates", "poster,mug,tshirt@black"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with Image.open(out) as sheet:
        assert sheet.format == "JPEG"
        assert sheet.width > 3 * 600 and sheet.height < 2 * 600


def test_templates_json_lists_placement_and_colours():
    rows = json.loads(
        subprocess.run(
            [sys.executable, "-m", "mockups", "templates", "--json"], capture_output=True, text=True
        ).stdout
    )
    by_id = {row["id"]: row for row in rows}
    assert by_id["mug"]["placement"] == "uvmap"
    assert "black" in by_id["tshirt"]["colours"]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (
            {"placement": {"type": "cylinder", "center_x": 1500, "radius": 500, "top": 900,
                           "bottom": 800, "arc_degrees": 150}},
            "field 'placement.bottom': must be below 'top'",
        ),
        (
            {"placement": {"type": "cylinder", "center_x": 1500, "radius": 500, "top": 500,
                           "bottom": 900, "arc_degrees": 200}},
            "field 'placement",
        ),
        (
            {"edge": {"corners": [[0, 0], [9, 0], [9, 9], [0, 9]], "side": "middle", "depth": 4}},
            "field 'edge.side'",
        ),
        (
            {"variants": {"mask": "product.png", "colours": {"red": "#ff0000"}}},
            "field 'variants.mask': product.png not found",
        ),
        ({"displacement": {"map": "folds.png", "strength": 5}}, "field 'displacement.map'"),
    ],
)  # fmt: skip
def test_invalid_effect_fields_are_named(tmp_path, fields, words):
    with pytest.raises(TemplateError, match=words):
        load_template(write_template(tmp_path, **fields))
