"""Run history on disk, zipped downloads, and custom templates made from a photo."""

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from mockups.authoring.photo import CustomTemplate, save_custom_template
from mockups.errors import ArtworkError, TemplateError
from mockups.options import RenderOptions
from mockups.render.run import render_run
from mockups.runs.catalogue import (
    delete_run,
    fetch_run_files,
    full_size_url,
    list_runs,
    new_run_dir,
    open_run,
    run_artwork,
    zip_run,
)
from mockups.runs.folder import read_run
from mockups.templates.library import load_library
from tests.conftest import gradient_artwork


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    artwork = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(artwork)
    first = render_run(artwork, new_run_dir("first.png"), options=RenderOptions(templates="poster"))
    second = render_run(
        artwork, new_run_dir("second.png"), options=RenderOptions(templates="poster,greeting-card")
    )
    return tmp_path, first, second


def test_finished_runs_are_listed_newest_first_and_unfinished_ones_not_at_all(runs):
    root, *_ = runs
    (root / "runs" / "20990101-unfinished").mkdir()
    listed = list_runs()
    assert [s.path.name for s in listed] == sorted(
        [p.name for p in (root / "runs").iterdir() if (p / "run.json").exists()], reverse=True
    )
    assert {s.mockups for s in listed} == {1, 2}
    assert all(s.artwork == "art.png" for s in listed)


def test_a_run_is_deleted_only_inside_the_runs_folder(runs, tmp_path):
    _, first, _ = runs
    with pytest.raises(ValueError, match="not a run folder"):
        delete_run(tmp_path)
    delete_run(first.out_dir)
    assert len(list_runs()) == 1


def test_the_zip_holds_the_mockups_and_run_json(runs):
    _, _, second = runs
    with zipfile.ZipFile(io.BytesIO(zip_run(second.out_dir))) as archive:
        assert archive.namelist() == ["01-poster.jpg", "02-greeting-card.jpg", "run.json"]


def scene_photo(tmp_path, size=(1500, 1000)):
    path = tmp_path / "photo.jpg"
    Image.new("RGB", size, (180, 170, 160)).save(path)
    return path


def test_a_custom_template_is_scaled_to_full_size_and_usable_at_once(tmp_path):
    spec = CustomTemplate(
        name="Shelf print",
        product="Framed Print",
        scene=scene_photo(tmp_path),
        corners=((500, 200), (900, 220), (890, 760), (510, 780)),
    )
    template = save_custom_template(spec, tmp_path / "mine")
    assert template.id == "shelf-print" and template.product == "framed-print"
    assert template.size == (3000, 2000)
    assert template.quad[0] == (1000.0, 400.0)
    library = load_library(tmp_path / "mine")
    run = render_run(
        scene_photo(tmp_path),
        tmp_path / "out",
        options=RenderOptions(templates="shelf-print"),
        library=library,
    )
    assert run.mockups[0].file == "01-shelf-print.jpg"


def test_a_custom_template_with_bad_corners_is_refused_and_nothing_is_left(tmp_path):
    spec = CustomTemplate(
        name="Twisted",
        product="poster",
        scene=scene_photo(tmp_path),
        corners=((500, 200), (510, 780), (890, 760), (900, 220)),
    )
    with pytest.raises(TemplateError, match="clockwise"):
        save_custom_template(spec, tmp_path / "mine")
    assert list((tmp_path / "mine").glob("*")) == []  # refused before a folder is made


SOUND_CORNERS = ((100, 100), (400, 100), (400, 400), (100, 400))


def test_a_too_narrow_or_corrupt_scene_photo_is_refused(tmp_path):
    narrow = CustomTemplate("Strip", "poster", scene_photo(tmp_path, (3000, 500)), SOUND_CORNERS)
    with pytest.raises(TemplateError, match="too narrow"):
        save_custom_template(narrow, tmp_path / "mine")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a photo")
    with pytest.raises(ArtworkError):
        save_custom_template(CustomTemplate("B", "poster", broken, SOUND_CORNERS), tmp_path)


def test_the_store_settings_are_read_once_until_they_change(runs, tmp_path, monkeypatch):
    import mockups.runs.store

    reads = []
    read_secrets = mockups.runs.store.read_secrets

    def counted(path, wanted):
        reads.append(path)
        return read_secrets(path, wanted)

    monkeypatch.setattr(mockups.runs.store, "read_secrets", counted)
    monkeypatch.chdir(tmp_path)
    _, first, _ = runs
    listed = list_runs()
    for summary in listed:
        run_artwork(summary.path, read_run(summary.path))
        fetch_run_files(summary.path, [])
        full_size_url(summary.path, read_run(summary.path).mockups[0].file)
    assert open_run(Path(first.out_dir).name) == Path(first.out_dir)
    assert len(reads) == 1, "one store for every operation"
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('MOCKUPLAB_STORAGE = "local"\n')
    list_runs()
    list_runs()
    assert len(reads) == 2, "a changed secrets file is read again, once"
