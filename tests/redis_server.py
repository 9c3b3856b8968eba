"""A real, throwaway redis-server (Debian's) for the queue tests and the load benchmark.

Each one listens on a free loopback port, keeps nothing on disk and lives in its own
folder, so every pytest-xdist worker can have its own.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

REDIS_SERVER = "redis-server"
START_ATTEMPTS = 5
READY_SECONDS = 10.0


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Start redis-server in `folder`; yields its URL; stops it on the way out."""
    executable = shutil.which(REDIS_SERVER)
    if executable is None:
        raise RuntimeError("redis-server is not installed (make test installs it)")
    for _ in range(START_ATTEMPTS):
        port = _free_port()
        process = subprocess.Popen(
            [executable, *_options(port, folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"redis://127.0.0.1:{port}/0"
        if _ready(url, process):
            try:
                yield url
            finally:
                process.terminate()
                process.wait(timeout=10)
            return
        _stop(process)  # the port was taken between choosing it and binding it
    raise RuntimeError(f"redis-server did not start; see {folder / 'redis.log'}")


def _options(port: int, folder: Path) -> list[str]:
    return [
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(folder),
        "--logfile", str(folder / "redis.log"),
        "--daemonize", "no",
    ]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ready(url: str, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + READY_SECONDS
    client = Redis.from_url(url)
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                # the server answering must be ours, not one that took the port first
                return client.info("server")["process_id"] == process.pid
            except RedisConnectionError:
                time.sleep(0.02)
        return False
    finally:
        client.close()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
