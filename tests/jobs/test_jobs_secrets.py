"""No secret in any message: a Redis URL's password never reaches a worker's output, an
error, or the queue's messages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from harness.redis_server import redis_server
from mockups.errors import MockupLabError, scrub
from mockups.jobs import RenderJob, RenderQueue
from mockups.jobs.redaction import redacted_url, secrets_of
from mockups.options import RenderOptions
from tests.jobs_support import ROOT, WAIT_SECONDS

PASSWORD = "Hunter2-s3cret"


def run_worker_command(url: str, *options: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return subprocess.run(
        [sys.executable, "-m", "mockups", "worker", "--url", url, *options],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS,
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"redis://:{PASSWORD}@127.0.0.1:1/0", "redis://:***@127.0.0.1:1/0"),
        (f"redis://admin:{PASSWORD}@127.0.0.1:1/2", "redis://admin:***@127.0.0.1:1/2"),
        (f"redis://127.0.0.1:1/0?password={PASSWORD}", "redis://127.0.0.1:1/0?password=***"),
        (f"rediss://:{PASSWORD}@[::1]:1/0", "rediss://:***@[::1]:1/0"),
    ],
)
def test_the_worker_command_names_an_unreachable_redis_without_its_password(url, shown):
    done = run_worker_command(url)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [done.stderr.strip()], "one line"
    assert shown in done.stderr
    assert PASSWORD not in done.stderr + done.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "url",
    [
        f"redis://:{PASSWORD}@127.0.0.1:notaport/0",
        f"redis://:{PASSWORD}@[::1/0",
        f"redis://127.0.0.1/0?password={PASSWORD}&db=x",
    ],
)
def test_a_malformed_redis_url_gives_one_line_without_its_password(url):
    done = run_worker_command(url)
    assert (done.returncode, len(done.stderr.splitlines())) == (2, 1)
    assert PASSWORD not in done.stderr + done.stdout
    with pytest.raises(MockupLabError) as refused:
        RenderQueue.from_url(url)
    assert PASSWORD not in str(refused.value)


@pytest.mark.slow
def test_a_wrong_password_is_refused_in_one_line_that_does_not_show_it(tmp_path):
    with redis_server(tmp_path, "--requirepass", "the-right-one") as url:
        wrong = url.replace("redis://", f"redis://:{PASSWORD}@")
        done = run_worker_command(wrong, "--burst")
    assert (done.returncode, len(done.stderr.splitlines())) == (2, 1)
    assert "cannot reach Redis at redis://:***@127.0.0.1" in done.stderr
    assert PASSWORD not in done.stderr + done.stdout


@pytest.mark.slow
def test_a_worker_with_a_password_logs_and_records_nothing_of_it(artwork_jpeg, tmp_path):
    with redis_server(tmp_path, "--requirepass", PASSWORD) as url:
        url = url.replace("redis://", f"redis://:{PASSWORD}@")
        queue = RenderQueue.from_url(url)
        job = RenderJob(
            artwork=artwork_jpeg,
            run_dir=tmp_path / "run",
            options=RenderOptions(templates=["poster"]),
        )
        queue.enqueue(job)
        artwork_jpeg.unlink()  # the job fails, and its reason is recorded
        done = run_worker_command(url, "--burst")
        status = queue.status(job.id)
    assert done.returncode == 0, done.stderr
    assert (status.state, status.error) == ("failed", "artwork.jpg: no such file")
    assert "Worker" in done.stdout, "RQ's log lines are there, only without the password"
    assert PASSWORD not in done.stderr + done.stdout + status.error


def test_the_queue_says_redis_is_unreachable_in_one_line_without_the_password():
    queue = RenderQueue.from_url(f"redis://:{PASSWORD}@127.0.0.1:1/0")
    with pytest.raises(MockupLabError) as unreachable:
        queue.status("0123abcd")
    message = str(unreachable.value)
    assert message.startswith("Redis at 127.0.0.1:1/0 cannot be reached")
    assert PASSWORD not in message and "\n" not in message


def test_a_password_is_hidden_as_written_and_url_encoded():
    url = "redis://:p%40ss%3Aword@host:6379/0"
    assert redacted_url(url) == "redis://:***@host:6379/0"
    assert scrub("AUTH p@ss:word failed; p%40ss%3Aword", secrets_of(url)) == (
        "AUTH *** failed; ***"
    )
