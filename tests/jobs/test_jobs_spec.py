"""A render job read back from a queue is untrusted: every field is checked, one line each."""

from __future__ import annotations

import pytest

from mockups.jobs import BadJob, RenderJob
from mockups.jobs.spec import MAX_MOCKUPS, confined
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
            confined(job)
    confined(RenderJob(artwork=tmp_path / "a.png", run_dir=tmp_path / "new"))


@pytest.mark.parametrize(
    ("run_dir", "artwork", "expected"),
    [
        ("{outside}/run", "{runs}/a.png", "run folder '{outside}/run' is not inside the"),
        ("/etc/cron.d", "{runs}/a.png", "run folder '/etc/cron.d' is not inside the"),
        ("{runs}/deeper/run", "{runs}/a.png", "is not directly in the runs folder"),
        ("{runs}/a-link/run", "{runs}/a.png", "is not inside the"),
        ("{runs}/..", "{runs}/a.png", "is not inside the"),
        ("{runs}/run", "{outside}/private.png", "artwork '{outside}/private.png' is not inside"),
        ("{runs}/run", "{runs}/a-link/private.png", "artwork"),
        ("{runs}/run", "/etc/passwd", "artwork '/etc/passwd' is not inside"),
        ("{runs}/.hidden", "{runs}/a.png", "is not named as a run"),
    ],
)
def test_a_job_whose_paths_lead_out_of_the_runs_folder_is_refused(
    tmp_path, run_dir, artwork, expected
):
    runs, outside = tmp_path, tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (runs / "a-link").symlink_to(outside)  # planted: a way out that looks inside
    names = {"runs": runs, "outside": outside}
    job = RenderJob(artwork=artwork.format(**names), run_dir=run_dir.format(**names))
    with pytest.raises(BadJob) as refused:
        confined(job)
    assert expected.format(**names) in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_job_inside_the_runs_folder_runs_with_its_paths_resolved(tmp_path):
    job = confined(RenderJob(artwork=tmp_path / "run" / "upload.png", run_dir=tmp_path / "run"))
    assert job.run_dir == str((tmp_path / "run").resolve())
    assert job.artwork == str((tmp_path / "run" / "upload.png").resolve())


def test_template_folders_outside_the_templates_folder_are_left_out_with_one_line(
    tmp_path, home, caplog
):
    own = home / "templates"
    job = RenderJob(
        artwork=tmp_path / "run" / "a.png",
        run_dir=tmp_path / "run",
        options=RenderOptions(template_dirs=(str(own), str(own / "mine"), "/etc", str(tmp_path))),
    )
    kept = confined(job).options.template_dirs
    assert kept == (str(own.resolve()), str((own / "mine").resolve()))
    lines = [r.getMessage() for r in caplog.records if r.name == "mockuplab.jobs"]
    assert len(lines) == 2 and all(line.endswith(": left out") for line in lines)
    assert "'/etc' is not inside the templates folder" in lines[0]


def test_a_stored_job_keeps_only_names_and_its_template_folders_are_checked_too(tmp_path):
    job = RenderJob(
        artwork="/anywhere/20261130-x-ab/upload.png",
        run_dir="/anywhere/20261130-x-ab",
        options=RenderOptions(template_dirs=("/etc",)),
        store="s3://bucket/team",
    )
    assert confined(job).options.template_dirs == ()
    assert confined(job).run_dir == job.run_dir, "a worker renders a stored job in its scratch"
