"""A render job read back from a queue is untrusted: every field is checked, one line each."""

from __future__ import annotations

import pytest

from mockups.jobs import BadJob, RenderJob
from mockups.jobs.spec import MAX_MOCKUPS, check_run_dir
from mockups.options import RenderOptions
from mockups.render.renderers import PROFILED


def good_fields(tmp_path) -> dict:
    job = RenderJob(
        artwork=tmp_path / "art.png",
        run_dir=tmp_path / "run",
        options=RenderOptions(templates=["poster", "mug"]),
    )
    return job.to_dict()


def test_a_job_survives_the_round_trip_through_plain_data(tmp_path):
    job = RenderJob(
        artwork=tmp_path / "art.png",
        run_dir=tmp_path / "run",
        options=RenderOptions(templates="poster,tshirt@navy", mode="threads", workers=2),
        renderer=PROFILED,
    )
    assert RenderJob.from_dict(job.to_dict()) == job


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"renderer": "os.system"}, "names renderer 'os.system'; installed: plain, profiled"),
        ({"renderer": ["plain"]}, "names renderer list"),
        ({"run_dir": "runs/relative"}, "run_dir must be an absolute path, not 'runs/relative'"),
        ({"run_dir": None}, "run_dir must be a path, not None"),
        ({"artwork": "/tmp/a\0b.png"}, "artwork is not a usable path"),
        ({"artwork": 42}, "artwork must be a path, not 42"),
        ({"id": "../../etc"}, "id '../../etc' is not a job id"),
        ({"id": {"$gt": ""}}, "id dict is not a job id"),
        ({"options": "all"}, "options must be a JSON object, not str"),
        ({"options": {"mode": "fork"}}, "options: unknown mode 'fork'"),
        ({"options": {"workers": "9"}}, "options: workers must be between 1 and 8"),
        ({"options": {"templates": 7}}, "options are not render options"),
        ({"options": {"templates": [{"key": "poster"}]}}, "templates must be template ids"),
        ({"options": {"templates": ["poster"] * (MAX_MOCKUPS + 1)}}, "at most 100 mockups"),
        ({"options": {"shell": "rm -rf /"}}, "unknown render options: shell"),
        ({"command": "touch /tmp/x"}, "a render job has no field command"),
    ],
)
def test_a_hostile_or_damaged_job_is_refused_with_one_line(tmp_path, change, expected):
    fields = {**good_fields(tmp_path), **change}
    with pytest.raises(BadJob) as refused:
        RenderJob.from_dict(fields)
    message = str(refused.value)
    assert expected in message
    assert "\n" not in message and len(message) < 200


@pytest.mark.parametrize("data", [None, [], "job", 3, [["artwork", "/a"]]])
def test_data_that_is_not_an_object_is_not_a_job(data):
    with pytest.raises(BadJob, match="a render job is a JSON object"):
        RenderJob.from_dict(data)


def test_a_missing_field_is_named(tmp_path):
    fields = good_fields(tmp_path)
    del fields["run_dir"]
    with pytest.raises(BadJob, match="run_dir must be a path, not None"):
        RenderJob.from_dict(fields)


def test_a_job_built_in_code_must_name_an_installed_renderer(tmp_path):
    with pytest.raises(Exception, match="installed: plain, profiled"):
        RenderJob(artwork=tmp_path / "a.png", run_dir=tmp_path / "run", renderer="nope")


def test_a_run_folder_that_is_a_file_or_under_one_is_refused(tmp_path):
    (tmp_path / "taken").write_text("not a folder")
    for run_dir in (tmp_path / "taken", tmp_path / "taken" / "run"):
        job = RenderJob(artwork=tmp_path / "a.png", run_dir=run_dir)
        with pytest.raises(BadJob, match="taken is a file"):
            check_run_dir(job)
    check_run_dir(RenderJob(artwork=tmp_path / "a.png", run_dir=tmp_path / "new" / "run"))
