"""Fixtures of the Redis-backed job tests: a redis-server, a queue on it, worker processes.

Test modules import the fixtures they use (`from tests.jobs_support import ...`).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from harness.redis_server import redis_server
from mockups.jobs import RenderQueue

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 60


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def render_queue(redis_url):
    render_queue = RenderQueue.from_url(redis_url)
    render_queue.connection.flushall()
    yield render_queue
    render_queue.connection.close()


@pytest.fixture
def start_worker(redis_url):
    """Starts `python -m mockups worker` processes; any still running at the end are killed.

    `start(*options, url=None, env=None)`: the worker of `url` (default: the session's Redis),
    in the environment `env` (default: this process's)."""
    started: list[subprocess.Popen] = []

    def start(
        *options: str, url: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "mockups", "worker", "--url", url or redis_url, *options],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=WAIT_SECONDS)


def runs_in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Set `MOCKUPLAB_HOME` to a home of this test's own whose runs folder is `tmp_path` (a
    symlink, as an operator keeps runs on a bigger disk); returns the home."""
    home = tmp_path.parent / f"{tmp_path.name}-home"
    home.mkdir(exist_ok=True)
    if not (home / "runs").exists():
        (home / "runs").symlink_to(tmp_path, target_is_directory=True)
    monkeypatch.setenv("MOCKUPLAB_HOME", str(home))
    return home


def run_burst_worker(start_worker, url: str | None = None) -> str:
    """Runs a worker until the queue is empty; returns its stderr."""
    worker = start_worker("--burst", url=url)
    _, errors = worker.communicate(timeout=WAIT_SECONDS)
    assert worker.returncode == 0, errors
    return errors


def wait_for(read, condition, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if condition(value):
            return value
        assert time.monotonic() < deadline, f"timed out; last seen {value}"
        time.sleep(0.01)


def process_gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
