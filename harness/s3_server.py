"""A real S3 API server on 127.0.0.1 for the runs-store tests and the store benchmark.

moto in server mode (`python -m moto.server`, a dev dependency) speaks S3's HTTP API, in a
process of its own, so a client reaches it exactly as it would a bucket elsewhere. Each
server listens on a free loopback port; `make_bucket` gives each test a bucket of its own.
`put_raw` plants a key as anyone with write access may; `trickling_proxy` puts a store on a
failing link in front of it.
"""

from __future__ import annotations

import http.client
import http.server
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
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
        port = free_port()
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


def free_port() -> int:
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


def put_raw(endpoint: str, bucket: str, key: str, data: bytes) -> None:
    """Store `data` under `key` as it is, through S3's plain HTTP API: a key no well-behaved
    client would send (`..`, a doubled slash), as anyone with write access may plant it."""
    parts = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("PUT", f"/{bucket}/{urllib.parse.quote(key, safe='/')}", body=data)
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"moto refused {key!r}: {answer.status}")
    finally:
        connection.close()


@contextmanager
def trickling_proxy(
    endpoint: str, slow: Callable[[str, str], bool], gap_seconds: float = 2.0, port: int = 0
) -> Iterator[str]:
    """A proxy in front of the S3 server at `endpoint` (on `port`, or a free one): each answer
    to a request for which `slow(method, path)` holds sends its body one byte every
    `gap_seconds`, as a store on a failing link does (each read waits less than any read
    timeout); the others pass as they are. Yields the proxy's endpoint URL."""
    upstream = urllib.parse.urlsplit(endpoint)

    class Trickle(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
            try:
                connection.request(self.command, self.path, body=body, headers=dict(self.headers))
                answer = connection.getresponse()
                data = answer.read()
            finally:
                connection.close()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if not slow(self.command, self.path):
                self.wfile.write(data)
                return
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(gap_seconds)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        def log_message(self, format: str, *args: object) -> None:
            return

    server = _QuietServer(("127.0.0.1", port), Trickle)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietServer(http.server.ThreadingHTTPServer):
    """A client that hangs up on a trickle is what the proxy is for, not an error to print."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        return
