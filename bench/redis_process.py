"""A throwaway redis-server (Debian's) on a free loopback port, for the queue benchmarks."""

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

READY_SECONDS = 10.0


@contextmanager
def running_redis(folder: Path) -> Iterator[str]:
    """Yields the URL of a redis-server that keeps nothing on disk; stops it on the way out."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise RuntimeError("redis-server is not installed (apt-get install redis-server)")
    folder.mkdir(parents=True, exist_ok=True)
    port = _unused_port()
    server = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--logfile", str(folder / "redis.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_until_answering(url, server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_answering(url: str, server: subprocess.Popen) -> None:
    client = Redis.from_url(url)
    deadline = time.monotonic() + READY_SECONDS
    try:
        while server.poll() is None and time.monotonic() < deadline:
            try:
                if client.info("server")["process_id"] == server.pid:
                    return
            except RedisConnectionError:
                time.sleep(0.02)
    finally:
        client.close()
    raise RuntimeError(f"redis-server on {url} did not start")
