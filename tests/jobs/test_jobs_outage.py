"""A worker rides out Redis going away: it reconnects with backoff, says so in one line per
outage, and a job in progress ends finished with its run.json (or failed with a reason),
never lost. The redis-server is stopped and started again around a running job."""

from __future__ import annotations

import json
import signal
import time

import pytest
from redis.exceptions import RedisError

from harness.redis_server import RedisServer
from mockups.errors import MockupLabError
from mockups.jobs import RenderJob, RenderQueue
from mockups.options import RenderOptions
from mockups.render.run import RUN_FILE
from tests.jobs_support import WAIT_SECONDS, wait_for

pytestmark = pytest.mark.slow

TEMPLATES = ["framed-wall", "pillow", "poster", "mug", "tote", "canvas"]
OUTAGE_SECONDS = 1.5
# longer than redis-py's own retries of a command (1 + 2 + 4 s), which hide short outages
LONG_OUTAGE_SECONDS = 9.0


@pytest.fixture
def server(tmp_path):
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def queue(server):
    queue = RenderQueue.from_url(server.url)
    yield queue
    queue.connection.close()


def status_or_none(queue: RenderQueue, job_id: str):
    """The job's status; None while Redis is away or does not hold the job (yet)."""
    try:
        return queue.status(job_id)
    except MockupLabError:
        return None


def ended(status) -> bool:
    return status is not None and status.state in ("finished", "failed")


def waiting_for_jobs(queue: RenderQueue) -> bool:
    """A worker is connected and blocked waiting for a job."""
    try:
        return any(client["cmd"] == "blmove" for client in queue.connection.client_list())
    except (MockupLabError, RedisError):
        return False


def stop_worker(worker) -> str:
    worker.send_signal(signal.SIGTERM)
    _, errors = worker.communicate(timeout=WAIT_SECONDS)
    return errors


@pytest.mark.parametrize("keep_data", [True, False], ids=["restart", "restart-losing-data"])
def test_a_job_in_progress_when_redis_restarts_finishes_with_its_run_and_the_worker_goes_on(
    server, queue, start_worker, artwork_jpeg, tmp_path, keep_data
):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=TEMPLATES)
    )
    queue.enqueue(job)
    worker = start_worker(url=server.url)
    wait_for(lambda: status_or_none(queue, job.id), lambda s: s is not None and s.done >= 1)
    server.stop(keep_data=keep_data)
    back_at = time.monotonic() + LONG_OUTAGE_SECONDS
    # the render's progress and its end meet the outage
    wait_for(lambda: (tmp_path / "run" / RUN_FILE).exists(), bool)
    time.sleep(max(0.0, back_at - time.monotonic()))
    assert worker.poll() is None, "the worker exited when Redis went away"
    server.start()

    final = wait_for(lambda: status_or_none(queue, job.id), ended)
    assert final.state == "finished", final.error
    run = json.loads((tmp_path / "run" / RUN_FILE).read_text())
    assert [m["template"] for m in run["mockups"]] == TEMPLATES
    assert (final.done, final.total) == (len(TEMPLATES), len(TEMPLATES))
    assert [m.template for m in final.landed] == TEMPLATES

    after = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "after", options=RenderOptions(templates=["mug"])
    )
    queue.enqueue(after)
    assert wait_for(lambda: status_or_none(queue, after.id), ended).state == "finished"
    assert worker.poll() is None

    errors = stop_worker(worker)
    assert "Traceback" not in errors, errors
    outage_lines = [line for line in errors.splitlines() if "unreachable" in line]
    assert len(outage_lines) == 1, errors
    assert f"127.0.0.1:{server.port}" in outage_lines[0]


def test_an_idle_worker_reports_each_outage_once_and_renders_after_it(
    server, queue, start_worker, artwork_jpeg, tmp_path
):
    worker = start_worker(url=server.url)
    for _ in range(2):
        wait_for(lambda: waiting_for_jobs(queue), bool)  # connected: the next stop is news
        server.stop()
        time.sleep(OUTAGE_SECONDS)
        server.start()
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=["mug"])
    )
    queue.enqueue(job)
    assert wait_for(lambda: status_or_none(queue, job.id), ended).state == "finished"
    errors = stop_worker(worker)
    assert "Traceback" not in errors, errors
    assert len([line for line in errors.splitlines() if "unreachable" in line]) == 2, errors
