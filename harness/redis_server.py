"""A real, throwaway redis-server (Debian's) for the queue tests and the load benchmark.

Each one listens on a free loopback port, keeps nothing on disk unless asked and lives in
its own folder, so every pytest-xdist worker can have its own. `RedisServer` can be stopped
and started again on the same port, with or without its data, as an outage looks to a
worker.
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
DUMP_FILE = "dump.rdb"


@contextmanager
def redis_server(folder: Path, *options: str) -> Iterator[str]:
    """Start redis-server in `folder`; yields its URL; stops it on the way out."""
    server = RedisServer(folder, *options)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


class RedisServer:
    """One redis-server process in `folder`, on a port it keeps across restarts."""

    def __init__(self, folder: Path, *options: str) -> None:
        self.folder = folder
        self.options = options
        self.port: int | None = None
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        executable = shutil.which(REDIS_SERVER)
        if executable is None:
            raise RuntimeError("redis-server is not installed (make test installs it)")
        for _ in range(START_ATTEMPTS if self.port is None else 1):
            port = self.port or _free_port()
            process = subprocess.Popen(
                [executable, *_options(port, self.folder), *self.options],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if _ready(f"redis://127.0.0.1:{port}/0", process, self.options):
                self.port, self.process = port, process
                return
            _stop(process)  # the port was taken between choosing it and binding it
        raise RuntimeError(f"redis-server did not start; see {self.folder / 'redis.log'}")

    def stop(self, keep_data: bool = False) -> None:
        """Stop the server: killed at once (its data lost), or shut down saving its data."""
        process = self.process
        if process is None:
            return
        if keep_data:
            client = Redis.from_url(self.url, password=_password(self.options))
            try:
                client.shutdown(save=True)
            finally:
                client.close()
        else:
            (self.folder / DUMP_FILE).unlink(missing_ok=True)
            process.kill()
        process.wait(timeout=10)
        self.process = None


def _options(port: int, folder: Path) -> list[str]:
    return [
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", "no",
        "--dir", str(folder),
        "--dbfilename", DUMP_FILE,
        "--logfile", str(folder / "redis.log"),
        "--daemonize", "no",
    ]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ready(url: str, process: subprocess.Popen, options: tuple[str, ...]) -> bool:
    deadline = time.monotonic() + READY_SECONDS
    client = Redis.from_url(url, password=_password(options))
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


def _password(options: tuple[str, ...]) -> str | None:
    return options[options.index("--requirepass") + 1] if "--requirepass" in options else None


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
