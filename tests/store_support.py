"""Fixtures of the runs-store tests: a real S3 API server, a bucket per test, and the two
backends (the local runs folder, S3) as the web and a worker on another machine see them.

With S3 the web and the worker each get their own `MOCKUPLAB_HOME` and share nothing but
Redis and the bucket; with the local folder, the runs folder is the store, and they share the
home it is in (a worker writes only inside its own home's runs folder).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from PIL import Image

from harness.s3_server import make_bucket, s3_server, store_environment
from mockups.artwork.intake import ArtworkInfo
from mockups.runs.folder import RUN_FILE, MockupResult, RunResult
from mockups.runs.store import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 120


@pytest.fixture(scope="session")
def s3_endpoint():
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_env(s3_endpoint) -> dict[str, str]:
    """The settings of a fresh bucket on the session's S3 server."""
    return store_environment(s3_endpoint, make_bucket(s3_endpoint))


@dataclass
class Backend:
    """One runs store as two machines see it: the web's settings and a worker's."""

    name: str
    web_home: Path
    worker_home: Path
    store_env: dict[str, str] = field(default_factory=dict)

    def worker_environment(self, **extra: str) -> dict[str, str]:
        """The worker's whole environment: this process's, without the web's home and store
        settings, with its own home and the store's settings."""
        base = {k: v for k, v in os.environ.items() if k not in (*SETTINGS, "MOCKUPLAB_HOME")}
        return {**base, "MOCKUPLAB_HOME": str(self.worker_home), **self.store_env, **extra}

    def run_worker(self, redis_url: str, **extra: str) -> subprocess.CompletedProcess:
        """`python -m mockups worker --burst` as the other machine: until the queue is empty."""
        return subprocess.run(
            [sys.executable, "-m", "mockups", "worker", "--url", redis_url, "--burst"],
            cwd=ROOT,
            env=self.worker_environment(**extra),
            capture_output=True,
            text=True,
            timeout=WAIT_SECONDS,
        )


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path, monkeypatch) -> Backend:
    """The web's settings applied to this process (the web), a worker's kept for its process."""
    store_env = request.getfixturevalue("s3_env") if request.param == "s3" else {}
    worker_home = tmp_path / ("worker" if request.param == "s3" else "web")
    chosen = Backend(request.param, tmp_path / "web", worker_home, store_env)
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MOCKUPLAB_HOME", str(chosen.web_home))
    for name, value in store_env.items():
        monkeypatch.setenv(name, value)
    return chosen


def run_folder(folder: Path, mockups: int = 2) -> Path:
    """A finished run as a worker leaves it: mockups, thumbnails, run.json."""
    (folder / "thumbs").mkdir(parents=True)
    for index in range(1, mockups + 1):
        image = Image.new("RGB", (64, 48), (index * 40, 90, 120))
        image.save(folder / f"{index:02d}-poster.jpg")
        image.save(folder / "thumbs" / f"{index:02d}-poster.jpg")
    (folder / RUN_FILE).write_text(json.dumps({"stand-in": True}))
    return folder


def run_record(artwork_path: str = "/worker/scratch/job-1-x/upload.png", mockups: int = 1) -> str:
    """A run.json the run list reads (one `poster` mockup per index), naming `artwork_path`."""
    run = RunResult(
        artwork=ArtworkInfo(artwork_path, "PNG", 300, 400, "RGB", 300, 400, "pillow"),
        mode="sequential",
        workers=1,
        out_dir="/worker/scratch/job-1-x/run",
        started_at="2026-11-30T10:00:00+00:00",
        original_name="art.png",
    )
    for index in range(1, mockups + 1):
        name = f"{index:02d}-poster.jpg"
        run.mockups.append(
            MockupResult(index, "poster", name, f"thumbs/{name}", 64, 48, 1, 0.1, 0, 0, 0, 0, "1/x")
        )
    return json.dumps(asdict(run))
