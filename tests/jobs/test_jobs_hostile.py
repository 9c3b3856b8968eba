"""Whoever can write to Redis must not run code as the worker: a job that is not the
project's render job, or whose fields are not a render job, is refused and failed with its
reason before anything it names is imported or called. Redis URLs are shown without their
passwords."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from rq import Callback, Queue
from rq.serializers import JSONSerializer

from mockups.jobs import RenderJob
from mockups.jobs.redis_queue import QUEUE_NAME, RENDER_FUNCTION
from mockups.options import RenderOptions
from mockups.render.run import RUN_FILE
from tests.jobs_support import ROOT, WAIT_SECONDS, run_burst_worker

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
