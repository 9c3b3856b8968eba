"""The Templates page with a Photoshop import and the user's templates, through AppTest."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from psd_tools.constants import BlendMode
from streamlit.testing.v1 import AppTest

import mockups.templates.library
from dashboard.template_authoring import after_click
from harness.psd_factory import PsdBuilder, SmartObjectSpec, even_mesh
from mockups import render_run
from mockups.options import RenderOptions
from tests.conftest import write_template

APP = str(Path(__file__).parents[2] / "app.py")
QUAD = ((300.0, 200.0), (900.0, 230.0), (880.0, 800.0), (320.0, 780.0))


@pytest.fixture
def page(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/templates.py").run()
    assert not at.exception
    return at


def texts(at: AppTest) -> list[str]:
    return [element.value for element in at.text]


def test_a_psd_upload_is_imported_and_its_warnings_shown_as_text(page, tmp_path):
    builder = PsdBuilder((1500, 1000))
    builder.add_pixels(Image.new("RGB", (1500, 1000), (120, 150, 180)), "wall")
    builder.add_smart_object(SmartObjectSpec("Your design", QUAD, warp="warpArc"))
    builder.add_pixels(
        Image.new("RGBA", (1500, 1000), (90, 90, 90, 255)), "**dust**", blend=BlendMode.SOFT_LIGHT
    )
    data = builder.save(tmp_path / "Brick Wall.psd").read_bytes()
    page.file_uploader(key="psd-upload").set_value(("Brick Wall.psd", data, "image/vnd.adobe"))
    page.run()
    next(b for b in page.button if b.label == "Import").click().run()
    assert not page.exception and not page.error
    assert "brick-wall" in page.success[0].value
    shown = texts(page)
    assert (
        "warning: layer 'Your design': its warpArc warp is approximated by the perspective quad "
        "(only custom warps are mapped)"
    ) in shown
    assert any("layer '**dust**'" in line for line in shown), "a layer name is text, not markdown"
    assert (tmp_path / "templates" / "brick-wall" / "template.json").is_file()


def test_a_refused_psd_is_one_error_line_without_server_paths(page, tmp_path):
    page.file_uploader(key="psd-upload").set_value(("flat.psd", b"8BPS" + bytes(30), "image/x"))
    page.run()
    next(b for b in page.button if b.label == "Import").click().run()
    assert not page.exception
    (error,) = page.error
    shown = error.value.replace("\u2060", "").replace("\\", "")  # the page's text escaping
    assert "flat.psd" in shown and str(tmp_path) not in shown


def test_a_broken_user_template_is_listed_with_its_reason_and_the_page_still_works(
    tmp_path, monkeypatch
):
    broken = write_template(tmp_path / "templates", template_id="half-saved")
    (broken / "scene.png").unlink()
    write_template(tmp_path / "templates", template_id="my-shelf")
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/templates.py").run()
    assert not at.exception
    shown = texts(at)
    assert (
        "⚠ half-saved: broken, left out: template.json: field 'scene': scene.png not found" in shown
    )
    assert "My Shelf" in shown
    assert not any(str(tmp_path) in line for line in shown)


def warped_banner(tmp_path) -> bytes:
    builder = PsdBuilder((1500, 1000))
    builder.add_pixels(Image.new("RGB", (1500, 1000), (120, 150, 180)), "wall")
    mesh = even_mesh(600, 400)
    for inner in (5, 6, 9, 10):
        mesh[inner][1] += 80
    mesh_points = tuple((x, y) for x, y in mesh)
    builder.add_smart_object(
        SmartObjectSpec("Your design", QUAD, warp="warpCustom", mesh=mesh_points)
    )
    return builder.save(tmp_path / "Banner.psd").read_bytes()


def imported_preview_caption(page: AppTest, data: bytes) -> str:
    page.file_uploader(key="psd-upload").set_value(("Banner.psd", data, "image/vnd.adobe"))
    page.run()
    next(b for b in page.button if b.label == "Import").click().run()
    assert not page.exception and not page.error
    assert not [line for line in texts(page) if line.startswith("warning:")], "the warp is mapped"
    (preview,) = [
        image for image in page.image if "imported template" in image.proto.imgs[0].caption
    ]
    return preview.proto.imgs[0].caption


def test_an_imported_psd_is_shown_with_the_sample_artwork_when_nothing_was_rendered(page, tmp_path):
    assert "the sample artwork" in imported_preview_caption(page, warped_banner(tmp_path))


def test_an_imported_psd_is_shown_with_the_current_artwork(page, tmp_path):
    artwork = tmp_path / "art.png"
    Image.new("RGB", (400, 300), (200, 40, 40)).save(artwork)
    run_dir = tmp_path / "runs" / "one"
    render_run(artwork, run_dir, options=RenderOptions(templates=("poster",)))
    page.session_state["current_run"] = str(run_dir)
    assert "the current artwork" in imported_preview_caption(page, warped_banner(tmp_path))


def test_the_library_is_read_once_until_a_user_template_changes(tmp_path, monkeypatch):
    loads = []
    load = mockups.templates.library.load_template

    def counted(folder):
        loads.append(Path(folder).name)
        return load(folder)

    monkeypatch.setattr(mockups.templates.library, "load_template", counted)
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/templates.py").run()
    read = len(loads)
    at.run()
    at.run()
    assert not at.exception and len(loads) == read, "reruns read the library from the cache"
    write_template(tmp_path / "templates", template_id="my-shelf")
    at.run()
    assert "my-shelf" in loads[read:] and "My Shelf" in texts(at), "a new template is read"


def test_the_first_four_clicks_place_the_corners_in_order_and_later_ones_move_the_nearest():
    start = ((375.0, 200.0), (1125.0, 200.0), (1125.0, 800.0), (375.0, 800.0))
    # the print's top right lies nearer the starting box's top left than its top right
    clicks = [(150.0, 120.0), (600.0, 160.0), (580.0, 800.0), (170.0, 760.0)]
    corners, placed = start, 0
    for click in clicks:
        corners, placed = after_click(corners, placed, click)
    assert (corners, placed) == (tuple(clicks), 4)
    corners, placed = after_click(corners, placed, (610.0, 300.0))
    assert corners == (clicks[0], (610.0, 300.0), clicks[2], clicks[3]) and placed == 4


def test_a_photos_preview_without_a_render_shows_the_sample_artwork(page):
    photo = Image.new("RGB", (1500, 1000), (200, 190, 180))
    buffer = io.BytesIO()
    photo.save(buffer, "PNG")
    page.file_uploader(key="scene-photo").set_value(("shelf.png", buffer.getvalue(), "image/png"))
    page.run()
    next(b for b in page.button if b.label == "Preview").click().run()
    assert not page.exception and not page.error
    captions = [image.proto.imgs[0].caption for image in page.image]
    assert "Preview with the sample artwork (render yours first to see it here)" in captions


def test_crossed_corners_are_one_line_under_the_picker_and_refused_on_save(page, tmp_path):
    photo = Image.new("RGB", (1500, 1000), (200, 190, 180))
    buffer = io.BytesIO()
    photo.save(buffer, "PNG")
    page.file_uploader(key="scene-photo").set_value(("shelf.png", buffer.getvalue(), "image/png"))
    page.run()
    corners = {n.label: n for n in page.number_input if n.label.endswith("(px)")}
    corners["top right y (px)"].set_value(900)
    page.run()
    corners = {n.label: n for n in page.number_input if n.label.endswith("(px)")}
    corners["bottom right y (px)"].set_value(100).run()
    (shown,) = [error.value for error in page.error]
    assert shown.startswith("The print's corners: the corners cross") and "\n" not in shown
    next(b for b in page.button if b.label == "Save template").click().run()
    assert len(page.error) == 2 and not page.success
    assert not (tmp_path / "templates").exists() or not any((tmp_path / "templates").iterdir())
