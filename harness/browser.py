"""A real dashboard for browser tests: `streamlit run server.py` on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def streamlit_server(data_dir: Path, log: Path) -> Iterator[str]:
    """The dashboard served from this checkout; yields its URL once /_stcore/health says ok."""
    port = free_port()
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "server.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    environment = {**os.environ, "MOCKUPLAB_HOME": str(data_dir)}
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, server)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=20)


def _wait_healthy(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("the dashboard did not become healthy")


# A click on the sidebar's link can be lost when it lands while the app is still connecting
# or re-running (a CI run waited 8 minutes for a page that was never opened): it is given
# this long to open the page before it is clicked again.
PAGE_OPEN_MS = 15_000


def open_page(page, link: str, heading: str, timeout_ms: float) -> None:
    """Open the app's page `link` from the sidebar and wait for its `heading`, clicking the
    link again while the page has not opened, until `timeout_ms` have passed."""
    from playwright.sync_api import expect

    shown = page.get_by_role("heading", name=heading)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=link).click()
        left_ms = (deadline - time.monotonic()) * 1000
        try:
            expect(shown).to_be_visible(timeout=max(1.0, min(PAGE_OPEN_MS, left_ms)))
            return
        except AssertionError:
            if time.monotonic() >= deadline:
                raise
