"""A real S3 API server on 127.0.0.1 for the runs-store tests and the store benchmark.

moto in server mode (`python -m moto.server`, a dev dependency) speaks S3's HTTP API, in a
process of its own, so a client reaches it exactly as it would a bucket elsewhere. Each
server listens on a free loopback port; `make_bucket` gives each test a bucket of its own.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

READY_SECONDS = 30.0
START_ATTEMPTS = 3
# moto accepts any key; these are the ones the tests hand to every process.
ACCESS_KEY_ID = "mockuplab-test-key"
SECRET_ACCESS_KEY = "mockuplab-test-secret-3b1f0c"


@contextmanager
def s3_server() -> Iterator[str]:
    """Start moto's S3 server; yields its endpoint URL (`http://127.0.0.1:PORT`)."""
    for _ in range(START_ATTEMPTS):
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        endpoint = f"http://127.0.0.1:{port}"
        if _ready(endpoint, process):
            try:
                yield endpoint
            finally:
                process.kill()
                process.wait(timeout=10)
            return
        process.kill()
        process.wait(timeout=10)
    raise RuntimeError("moto's S3 server did not start")


def make_bucket(endpoint: str, name: str | None = None) -> str:
    """A new, empty bucket on the server at `endpoint`; returns its name."""
    from minio import Minio

    bucket = name or f"runs-{uuid.uuid4().hex[:12]}"
    client = Minio(
        endpoint.removeprefix("http://"),
        access_key=ACCESS_KEY_ID,
        secret_key=SECRET_ACCESS_KEY,
        secure=False,
        region="us-east-1",
    )
    client.make_bucket(bucket)
    return bucket


def store_environment(endpoint: str, bucket: str, prefix: str = "team/runs") -> dict[str, str]:
    """What a process needs to keep its runs in `bucket` on the server at `endpoint`."""
    return {
        "MOCKUPLAB_STORAGE": f"s3://{bucket}/{prefix}",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_REGION": "us-east-1",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ready(endpoint: str, process: subprocess.Popen) -> bool:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    return False
