"""Whoever can write to Redis must not run code as the worker: a job that is not the
project's render job, or whose fields are not a render job, is refused and failed with its
reason before anything it names is imported or called. Redis URLs are shown without their
passwords."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from rq import Callback, Queue
from rq.serializers import JSONSerializer

from mockups.jobs import BadJob, RenderJob
from mockups.jobs.redis_queue import QUEUE_NAME, RENDER_FUNCTION
from mockups.options import RenderOptions
from mockups.render.run import RUN_FILE
from tests.conftest import gradient_artwork
from tests.jobs_support import ROOT, WAIT_SECONDS, run_burst_worker
from tests.peak_rss import measured

pytestmark = pytest.mark.slow


def raw_queue(render_queue) -> Queue:
    """The render queue as anyone with Redis access sees it: plain RQ, no checks."""
    return Queue(QUEUE_NAME, connection=render_queue.connection, serializer=JSONSerializer)


def touch_module(folder, marker) -> str:
    """A module that creates `marker` when imported; returns its name."""
    (folder / "planted.py").write_text(
        f"from pathlib import Path\nPath({str(marker)!r}).touch()\n"
        "def run(*args, **kwargs):\n    Path({str(marker)!r}).touch()\n"
    )
    return "planted"


def test_a_job_naming_os_system_is_refused_and_its_command_never_runs(
    render_queue, start_worker, tmp_path
):
    marker = tmp_path / "owned"
    job = raw_queue(render_queue).enqueue("os.system", f"touch {marker}")
    errors = run_burst_worker(start_worker)
    assert not marker.exists(), "the worker ran the command a job named"
    status = render_queue.status(job.id)
    assert status.state == "failed"
    assert status.error.startswith("refused: it names 'os.system'")
    assert RENDER_FUNCTION in status.error
    assert "Traceback" not in errors


def test_a_job_whose_module_would_run_code_on_import_is_refused_before_importing_it(
    render_queue, redis_url, tmp_path
):
    marker = tmp_path / "imported"
    module = touch_module(tmp_path, marker)
    job = raw_queue(render_queue).enqueue(f"{module}.run")
    environment = {**os.environ, "PYTHONPATH": str(tmp_path)}
    worker = subprocess.run(
        [sys.executable, "-m", "mockups", "worker", "--url", redis_url, "--burst"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )
    assert worker.returncode == 0, worker.stderr
    assert not marker.exists(), "the worker imported the module a job named"
    assert render_queue.status(job.id).state == "failed"


def test_a_render_job_with_a_callback_is_refused_and_the_callback_never_imported(
    render_queue, redis_url, artwork_jpeg, tmp_path
):
    marker = tmp_path / "called"
    module = touch_module(tmp_path, marker)
    fields = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=["poster"])
    ).to_dict()
    job = raw_queue(render_queue).enqueue(
        RENDER_FUNCTION,
        fields,
        job_id=fields["id"],
        on_success=Callback(f"{module}.run"),
        on_failure=Callback(f"{module}.run"),
    )
    environment = {**os.environ, "PYTHONPATH": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-m", "mockups", "worker", "--url", redis_url, "--burst"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        timeout=WAIT_SECONDS,
        check=True,
    )
    assert not marker.exists()
    status = render_queue.status(job.id)
    assert (status.state, status.error) == (
        "failed",
        "refused: it asks for callbacks, webhooks or arguments a render job never has",
    )
    assert not (tmp_path / "run" / RUN_FILE).exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"renderer": "os.system"}, "names renderer 'os.system'; installed: plain, profiled"),
        ({"run_dir": "relative/run"}, "run_dir must be an absolute path"),
        ({"options": {"templates": "poster", "shell": "sh"}}, "unknown render options: shell"),
        ({"id": "someone-else"}, "its fields name job someone-else"),
    ],
)
def test_a_render_job_with_hostile_fields_is_refused_with_one_line(
    render_queue, start_worker, artwork_jpeg, tmp_path, change, expected
):
    fields = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=["poster"])
    ).to_dict()
    job = raw_queue(render_queue).enqueue(
        RENDER_FUNCTION, {**fields, **change}, job_id=fields["id"]
    )
    queued = render_queue.status(job.id)
    assert queued.state == "failed" and expected in queued.error, "status knows before a worker"
    errors = run_burst_worker(start_worker)
    status = render_queue.status(job.id)
    assert status.state == "failed"
    assert status.error.startswith("refused: ") and expected in status.error
    assert "\n" not in status.error
    assert "Traceback" not in errors


def test_a_job_whose_run_folder_is_a_file_is_refused_without_touching_the_file(
    render_queue, start_worker, artwork_jpeg, tmp_path
):
    taken = tmp_path / "taken"
    taken.write_text("keep me")
    fields = RenderJob(
        artwork=artwork_jpeg, run_dir=taken, options=RenderOptions(templates=["poster"])
    ).to_dict()
    job = raw_queue(render_queue).enqueue(RENDER_FUNCTION, fields, job_id=fields["id"])
    run_burst_worker(start_worker)
    status = render_queue.status(job.id)
    assert status.state == "failed" and "taken is a file" in status.error
    assert taken.read_text() == "keep me"


def test_a_job_whose_data_is_not_json_is_reported_failed_not_raised(render_queue, start_worker):
    job = raw_queue(render_queue).enqueue("os.getcwd")
    render_queue.connection.hset(job.key, "data", b"\x80\x04not json at all")
    assert render_queue.status(job.id).error == "not a render job: its data cannot be read"
    run_burst_worker(start_worker)
    status = render_queue.status(job.id)
    assert status.state == "failed"
    assert status.error == "refused: its data cannot be read"
    assert status.run_dir == ""


def test_status_of_a_job_with_damaged_meta_and_progress_still_answers(
    render_queue, artwork_jpeg, tmp_path
):
    job_id = render_queue.enqueue(
        RenderJob(
            artwork=artwork_jpeg,
            run_dir=tmp_path / "run",
            options=RenderOptions(templates=["poster"]),
        )
    )
    key = f"rq:job:{job_id}"
    render_queue.connection.hset(key, "meta", json.dumps(["not", "a", "dict"]))
    assert render_queue.status(job_id).done == 0
    meta = {"done": "3", "total": None, "landed": [7, {"template": 5, "index": 1}]}
    render_queue.connection.hset(key, "meta", json.dumps(meta))
    status = render_queue.status(job_id)
    assert (status.state, status.done, status.total) == ("queued", 0, 0)
    assert [(m.index, m.template) for m in status.landed] == [(1, "")]


@pytest.mark.parametrize(
    ("field", "value"), [("timeout", "soon"), ("status", "pwned"), ("created_at", "yesterday")]
)
def test_a_job_record_rq_cannot_read_is_failed_and_the_jobs_behind_it_still_render(
    render_queue, start_worker, artwork_jpeg, tmp_path, field, value
):
    damaged, good = (
        RenderJob(
            artwork=artwork_jpeg,
            run_dir=tmp_path / name,
            options=RenderOptions(templates=["poster"]),
        )
        for name in ("damaged", "good")
    )
    render_queue.enqueue(damaged)
    render_queue.enqueue(good)
    render_queue.connection.hset(f"rq:job:{damaged.id}", field, value)
    reason = "not a render job: its record in Redis cannot be read"
    assert render_queue.status(damaged.id).error.startswith(reason)
    errors = run_burst_worker(start_worker)
    assert "Traceback" not in errors, errors
    assert render_queue.status(good.id).state == "finished"
    status = render_queue.status(damaged.id)
    assert status.state == "failed" and status.error
    assert not (tmp_path / "damaged" / RUN_FILE).exists()


# Paths: a job writes, deletes and reads only inside the worker's runs folder -----------------


LEFT_BEFORE = {
    "01-poster.jpg": b"a mockup someone keeps here",
    "artwork.png": b"an image someone keeps here",
    "run.json": b"a record someone keeps here",
}


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the runs folder (`tmp_path`) holding what a run would overwrite."""
    folder = tmp_path.parent / f"{tmp_path.name}-outside"
    folder.mkdir()
    for name, data in LEFT_BEFORE.items():
        (folder / name).write_bytes(data)
    gradient_artwork((300, 400)).save(folder / "private.png")
    return folder


def hostile_paths(case: str, tmp_path: Path, outside: Path, artwork: Path) -> tuple[Path, Path]:
    """(run folder, artwork) a hand-written job names, for each way out of the runs folder."""
    if case == "run folder elsewhere":
        return outside, artwork
    if case == "run folder under /etc":
        return Path("/etc") / f"mockuplab-{uuid.uuid4().hex}", artwork
    if case == "run folder through a symlink":
        (tmp_path / "linked").symlink_to(outside)
        return tmp_path / "linked", artwork
    return tmp_path / "run", outside / "private.png"  # an artwork elsewhere, to publish


CASES = [
    "run folder elsewhere",
    "run folder under /etc",
    "run folder through a symlink",
    "artwork elsewhere",
]


@pytest.mark.parametrize("case", CASES)
def test_a_job_naming_a_path_outside_the_runs_folder_is_refused_and_touches_nothing(
    render_queue, start_worker, artwork_jpeg, tmp_path, outside, case
):
    run_dir, artwork = hostile_paths(case, tmp_path, outside, artwork_jpeg)
    fields = RenderJob(
        artwork=artwork, run_dir=run_dir, options=RenderOptions(templates=["poster"])
    ).to_dict()
    job = raw_queue(render_queue).enqueue(RENDER_FUNCTION, fields, job_id=fields["id"])
    assert render_queue.status(job.id).state == "failed", "status knows before a worker"
    try:
        errors = run_burst_worker(start_worker)
        status = render_queue.status(job.id)
        assert status.state == "failed"
        assert status.error.startswith("refused: the job's ")
        assert "is not inside the runs folder" in status.error
        assert "Traceback" not in errors
        kept = {name: (outside / name).read_bytes() for name in LEFT_BEFORE}
        assert kept == LEFT_BEFORE
        assert sorted(p.name for p in outside.iterdir()) == sorted([*LEFT_BEFORE, "private.png"])
        assert not run_dir.exists() or run_dir == outside or run_dir.is_symlink()
        assert not (tmp_path / "run").exists(), "nothing published"
    finally:
        if run_dir.parent == Path("/etc"):
            shutil.rmtree(run_dir, ignore_errors=True)


def test_the_web_refuses_to_queue_a_job_whose_run_folder_is_outside_its_runs_folder(
    render_queue, artwork_jpeg, outside
):
    job = RenderJob(artwork=artwork_jpeg, run_dir=outside, options=RenderOptions(templates="mug"))
    with pytest.raises(BadJob, match="is not inside the runs folder"):
        render_queue.enqueue(job)
    assert render_queue.queue.count == 0


# Sizes: a record is measured before it is read -----------------------------------------------


def test_a_job_record_planted_at_30_mb_is_refused_unread_and_the_worker_stays_small(
    render_queue, redis_url, artwork_jpeg, tmp_path
):
    fields = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates="mug")
    ).to_dict()
    job = raw_queue(render_queue).enqueue(RENDER_FUNCTION, fields, job_id=fields["id"])
    padding = json.dumps({"pad": ["x" * 1000] * 30_000})  # 30 MB of valid JSON
    render_queue.connection.hset(job.key, "meta", padding)

    worker = measured(
        [sys.executable, "-m", "mockups", "worker", "--url", redis_url, "--burst"], tmp_path
    )
    assert worker.returncode == 0, worker.stderr_lines
    reason = "not a render job: its record in Redis is 28.7 MB, larger than any render job's"
    assert render_queue.status(job.id).error == reason
    assert worker.stderr_lines == []
    (line,) = [line for line in worker.stdout.splitlines() if "refused" in line]
    assert line.endswith(f"job {job.id} refused: {reason}")
    assert worker.peak_rss_mb < 120, f"{worker.peak_rss_mb:.0f} MB"
    assert not (tmp_path / "run").exists()


# One line, never a traceback, for bad input; a bug keeps its traceback -----------------------

BUG = (
    "import mockups.render.run as run\n"
    "def broken(*args, **kwargs):\n"
    "    raise ZeroDivisionError('a bug in the engine')\n"
    "run.render_mockup = broken\n"
)


def test_a_job_failing_on_bad_input_is_one_line_in_the_worker_log(
    render_queue, redis_url, tmp_path
):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "upload.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    fields = RenderJob(
        artwork=tmp_path / "run" / "upload.png",
        run_dir=tmp_path / "run",
        options=RenderOptions(templates="mug"),
    ).to_dict()
    job = raw_queue(render_queue).enqueue(RENDER_FUNCTION, fields, job_id=fields["id"])
    worker = subprocess.run(
        [sys.executable, "-m", "mockups", "worker", "--url", redis_url, "--burst"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )
    status = render_queue.status(job.id)
    assert status.state == "failed" and status.error
    log = worker.stdout + worker.stderr
    assert "Traceback" not in log, log
    (line,) = [line for line in log.splitlines() if job.id in line and "failed" in line]
    assert line.endswith(f"job {job.id} failed: {status.error}")


def test_a_bug_in_a_job_keeps_its_traceback_in_the_worker_log(
    render_queue, redis_url, artwork_jpeg, tmp_path
):
    (tmp_path / "bug").mkdir()
    (tmp_path / "bug" / "sitecustomize.py").write_text(BUG)
    fields = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates="mug")
    ).to_dict()
    job = raw_queue(render_queue).enqueue(RENDER_FUNCTION, fields, job_id=fields["id"])
    worker = subprocess.run(
        [sys.executable, "-m", "mockups", "worker", "--url", redis_url, "--burst"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{tmp_path / 'bug'}:{ROOT}"},
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )
    assert render_queue.status(job.id).state == "failed"
    assert "Traceback" in worker.stderr
    assert "ZeroDivisionError: a bug in the engine" in worker.stderr
