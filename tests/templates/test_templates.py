import json

import pytest
from PIL import Image

from mockups.errors import TemplateError
from mockups.render.compose import render_mockup
from mockups.templates.library import load_library, select_templates
from mockups.templates.model import BUILTIN_DIR, load_template
from tests.conftest import write_template


def test_every_built_in_template_validates_and_has_a_thumbnail():
    library = load_library()
    assert len(library) >= 3
    for template in library.values():
        assert max(template.size) == 3000 and min(template.size) >= 2000
        assert template.thumbnail is not None and template.thumbnail.is_file()
    built_in = [t for t in library.values() if t.folder.parent == BUILTIN_DIR]
    assert len(built_in) >= 12 and len({t.product for t in built_in}) >= 8
    assert all(t.placement == "uvmap" for t in built_in), "every built-in is a rendered scene"


def rewrite_manifest(folder, **changes):
    path = folder / "template.json"
    manifest = json.loads(path.read_text())
    for key, value in changes.items():
        if value is None:
            manifest.pop(key)
        else:
            manifest[key] = value
    path.write_text(json.dumps(manifest))
    return folder


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"name": None}, "(top level)", "'name' is a required property"),
        ({"size": [3000, "2000"]}, "size.1", "not of type 'integer'"),
        ({"fit": "stretch"}, "fit", "is not one of"),
        ({"substrate": "white"}, "substrate", "does not match"),
        ({"colour": "red"}, "(top level)", "Additional properties"),
        (
            {"placement": {"type": "perspective", "corners": [[0, 0], [1, 1]]}},
            "placement.corners",
            "is too short",
        ),
        ({"format": 2}, "format", "1 was expected"),
    ],
)
def test_invalid_manifests_are_refused_naming_the_file_and_field(tmp_path, changes, field, words):
    folder = rewrite_manifest(write_template(tmp_path), **changes)
    with pytest.raises(TemplateError) as refused:
        load_template(folder)
    message = str(refused.value)
    assert str(folder / "template.json") in message
    assert f"field '{field}'" in message
    assert words in message


def test_a_manifest_that_is_not_json_is_refused(tmp_path):
    folder = write_template(tmp_path)
    (folder / "template.json").write_text("{name: 'unquoted'")
    with pytest.raises(TemplateError, match="template.json: not valid JSON"):
        load_template(folder)


def test_a_missing_scene_file_is_named(tmp_path):
    folder = write_template(tmp_path)
    (folder / "scene.png").unlink()
    with pytest.raises(TemplateError, match="field 'scene': scene.png not found"):
        load_template(folder)


def test_a_scene_of_the_wrong_size_is_refused(tmp_path):
    folder = write_template(tmp_path)
    Image.new("RGB", (3000, 2100)).save(folder / "scene.png")
    with pytest.raises(TemplateError, match="field 'scene': scene.png is 3000 x 2100"):
        load_template(folder)


def test_layers_stored_cropped_to_the_print_box_render_as_the_full_size_ones(tmp_path):
    box = (1000, 500, 1800, 1500)
    mask = Image.radial_gradient("L").resize((3000, 2000))
    shading = Image.linear_gradient("L").resize((3000, 2000))
    full = load_template(write_template(tmp_path / "full", mask=mask, shading=shading))
    cropped = load_template(
        write_template(tmp_path / "cropped", mask=mask.crop(box), shading=shading.crop(box))
    )
    artwork = Image.radial_gradient("L").convert("RGB").resize((800, 1000))
    rendered = [render_mockup(artwork, template).image().tobytes() for template in (full, cropped)]
    assert rendered[0] == rendered[1]


def test_a_layer_neither_the_scene_nor_the_print_box_size_is_refused(tmp_path):
    folder = write_template(tmp_path, shading=Image.new("L", (800, 999), 255))
    with pytest.raises(
        TemplateError, match=r"shading.png is 800 x 999, .* print box's, 800 x 1000"
    ):
        load_template(folder)


def test_a_mask_that_is_not_an_image_is_refused(tmp_path):
    folder = write_template(tmp_path, mask=Image.new("L", (3000, 2000), 255))
    (folder / "mask.png").write_text("not a png")
    with pytest.raises(TemplateError, match="field 'mask': mask.png is not an image"):
        load_template(folder)


def test_an_output_size_off_etsy_full_size_is_refused(tmp_path):
    folder = write_template(tmp_path, size=(2000, 1500))
    with pytest.raises(TemplateError, match="field 'size': 2000 x 1500 must be 3000 px"):
        load_template(folder)


def test_a_print_area_outside_the_scene_is_refused(tmp_path):
    folder = write_template(tmp_path, placement={"type": "rect", "box": [2500, 100, 800, 600]})
    with pytest.raises(TemplateError, match="field 'placement': the print area leaves the scene"):
        load_template(folder)


def test_corners_in_the_wrong_order_are_refused(tmp_path):
    corners = [[100, 100], [100, 900], [900, 900], [900, 100]]
    folder = write_template(tmp_path, placement={"type": "perspective", "corners": corners})
    with pytest.raises(TemplateError, match="clockwise"):
        load_template(folder)


def test_optional_fields_take_their_defaults(tmp_path):
    template = load_template(write_template(tmp_path))
    assert template.fit == "cover"
    assert template.substrate == (255, 255, 255)
    assert template.mask is None and template.shading is None


def test_user_templates_load_beside_the_built_ins_and_can_be_selected(tmp_path):
    write_template(tmp_path, template_id="my-scene")
    library = load_library(tmp_path)
    assert "my-scene" in library
    assert set(p.name for p in BUILTIN_DIR.iterdir() if p.is_dir()) <= set(library)
    chosen = select_templates(library, "my-scene,my-scene")
    assert [t.id for t in chosen] == ["my-scene", "my-scene"]


def test_an_unknown_template_id_lists_the_known_ones():
    with pytest.raises(TemplateError, match="unknown template nope; known: .*poster"):
        select_templates(load_library(), "poster,nope")
