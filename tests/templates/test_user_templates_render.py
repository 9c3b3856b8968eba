"""A user's own template renders on every path (a queue's worker, a profiled child, a contact
sheet), and a run keeps the artwork's original file name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from mockups.errors import MockupLabError
from mockups.jobs import RenderJob
from mockups.options import RenderOptions
from mockups.render.mockup import THUMBNAIL_SIDE
from mockups.render.renderers import PLAIN, PROFILED
from mockups.render.run import render_run
from mockups.render.sheet import GAP, contact_sheet
from mockups.runs.catalogue import read_summary
from mockups.runs.folder import RUN_FILE, read_run
from tests.conftest import gradient_artwork, write_template
from tests.jobs_support import run_burst_worker

USER_TEMPLATE = "dusk-frame-on-a-wall"


@pytest.fixture
def dashboard_templates(tmp_path) -> Path:
    """The dashboard's user templates folder, holding one template no built-in has."""
    folder = tmp_path / "dashboard-home" / "templates"
    write_template(folder, USER_TEMPLATE, scene_colour=(40, 30, 60))
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("renderer", [PLAIN, PROFILED])
def test_a_worker_renders_the_user_template_the_dashboard_offered(
    renderer, render_queue, start_worker, artwork_jpeg, dashboard_templates, monkeypatch
):
    # On the local runs store the web and its workers share one home: a worker renders only
    # inside its own home's folders (a template folder elsewhere is left out).
    home = dashboard_templates.parent
    monkeypatch.setenv("MOCKUPLAB_HOME", str(home))
    run_dir = home / "runs" / "run"
    run_dir.mkdir(parents=True)
    shutil.copyfile(artwork_jpeg, run_dir / "upload.jpg")
    job = RenderJob(
        artwork=run_dir / "upload.jpg",
        run_dir=run_dir,
        options=RenderOptions(
            templates=[USER_TEMPLATE, "poster"],
            template_dirs=(str(dashboard_templates),),
            artwork_name="Dusk at the lake.jpg",
        ),
        renderer=renderer,
    )
    job_id = render_queue.enqueue(job)
    run_burst_worker(start_worker)
    status = render_queue.status(job_id)
    assert (status.state, status.error) == ("finished", None)
    run = read_run(run_dir)
    assert [m.template for m in run.mockups] == [USER_TEMPLATE, "poster"]
    assert run.artwork_name == "Dusk at the lake.jpg"


def test_a_queued_job_carries_its_template_folders_and_the_artworks_name(
    artwork_jpeg, dashboard_templates, tmp_path
):
    job = RenderJob(
        artwork=artwork_jpeg,
        run_dir=tmp_path / "run",
        options=RenderOptions(
            templates=[USER_TEMPLATE],
            template_dirs=(str(dashboard_templates),),
            artwork_name="my art.png",
        ),
    )
    read_back = RenderJob.from_dict(json.loads(json.dumps(job.to_dict())))
    assert read_back == job
    assert read_back.options.template_dirs == (str(dashboard_templates),)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"template_dirs": ["relative/templates"]}, "template_dirs must name absolute folders"),
        ({"template_dirs": "/one/folder"}, "template_dirs must be a list of folders"),
        ({"artwork_name": "../../etc/passwd"}, "artwork_name must be a file name, not a path"),
        ({"artwork_name": "x" * 300}, "artwork_name must be a file name of 1 to 255 characters"),
    ],
)
def test_a_job_naming_a_bad_template_folder_or_artwork_name_is_refused_in_one_line(
    changes, message
):
    with pytest.raises(MockupLabError, match=message):
        RenderOptions.from_dict({"templates": ["poster"], **changes})


def test_a_contact_sheet_takes_the_users_templates(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    write_template(tmp_path / "home" / "templates", USER_TEMPLATE, scene_colour=(200, 0, 0))
    artwork = tmp_path / "art.png"
    gradient_artwork((400, 500)).save(artwork)
    sheet = contact_sheet(artwork, tmp_path / "sheet.jpg", templates=USER_TEMPLATE)
    with Image.open(sheet) as image:
        red, green, _ = image.convert("RGB").getpixel((GAP + 10, GAP + THUMBNAIL_SIDE // 2))
    assert red > 150 and green < 60, "the user template's red scene is on the sheet"


def test_a_run_keeps_the_original_name_and_an_older_run_json_without_it_still_reads(tmp_path):
    artwork = tmp_path / "upload.png"
    gradient_artwork((300, 400)).save(artwork)
    options = RenderOptions(templates=["poster"], artwork_name="Sunset over [the] bay.png")
    render_run(artwork, tmp_path / "run", options=options)
    summary = read_summary(tmp_path / "run")
    assert summary is not None and summary.artwork == "Sunset over [the] bay.png"

    record = json.loads((tmp_path / "run" / RUN_FILE).read_text())
    del record["original_name"]  # as a run written before the field existed
    (tmp_path / "run" / RUN_FILE).write_text(json.dumps(record))
    older = read_summary(tmp_path / "run")
    assert older is not None and older.artwork == "upload.png"
