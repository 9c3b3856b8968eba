"""A collection through the Redis queue and a real worker: a command line killed after it
queued its first artworks finds the same jobs again when run again, and queues none twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from mockups.collections.build import collections_root
from tests.cli_helpers import ROOT
from tests.collections.test_batch_cli import artworks
from tests.jobs_support import wait_for

pytestmark = pytest.mark.slow


def batch(source, out, redis_url, home) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "mockups", "batch", str(source), "--out", str(out),
         "--templates", "poster,mug", "--queue", redis_url],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"MOCKUPLAB_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip


def test_a_batch_killed_while_its_jobs_wait_is_resumed_on_the_same_jobs(
    tmp_path, home, redis_url, render_queue, start_worker
):
    source, out = artworks(tmp_path / "designs", count=3), collections_root() / "collection"
    first = batch(source, out, redis_url, home)
    wait_for(lambda: render_queue.queue.count, lambda n: n == 2)  # its share: no worker yet
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=60)
    record = json.loads((out / "collection.json").read_text())
    queued = {a["job_id"] for a in record["artworks"] if a["job_id"]}
    assert len(queued) == 2

    start_worker()
    again = batch(source, out, redis_url, home)
    output, errors = again.communicate(timeout=300)

    assert again.returncode == 0, errors
    assert len([line for line in output.splitlines() if line.startswith("done")]) == 3
    record = json.loads((out / "collection.json").read_text())
    assert queued < {a["job_id"] for a in record["artworks"]}
    jobs = render_queue.connection.keys("rq:job:*")
    assert len([key for key in jobs if key.count(b":") == 2]) == 3  # no job queued twice
    assert all((out / a["run"] / "run.json").is_file() for a in record["artworks"])
