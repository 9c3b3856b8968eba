"""The web process's memory with its runs in S3 against the local runs folder.

Per backend, a stand-in web process (it imports Streamlit and the dashboard's modules, as the
server does) does what the dashboard does for each of N ten-mockup runs: stream the upload
into its run folder, put it in the store, queue the job on a real redis-server, poll until
the run is finished (which copies its small files in), list the runs, make the full-size
links (S3) and build the zip (which fetches the ten mockups). One `python -m mockups worker`
with a home of its own renders. The S3 server is moto's, on 127.0.0.1, in its own process.
Also the RSS that importing and creating the S3 client adds, MinIO's against boto3's.

Usage: python -m bench.store_memory [--runs 3]
Web stand-in (started by the benchmark): python -m bench.store_memory --web URL ARTWORK N
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mockups.memory import MIB

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MOCKUPS = 10
POLL_SECONDS = 0.1
DEADLINE_SECONDS = 300
GOAL_EXTRA_MB = 10.0
CLIENTS = {
    "none": "import streamlit",
    "minio": (
        "import streamlit, minio; minio.Minio('127.0.0.1:9000', access_key='a', "
        "secret_key='b', secure=False, region='us-east-1')"
    ),
    "boto3": (
        "import streamlit, boto3; boto3.session.Session().client('s3', "
        "region_name='us-east-1', aws_access_key_id='a', aws_secret_access_key='b')"
    ),
}


@dataclass(frozen=True)
class Round:
    backend: str
    web_peak_mb: float
    web_after_first_mb: float
    web_after_last_mb: float
    worker_peak_mb: float
    seconds_per_run: float


def web(url: str, artwork: Path, runs: int) -> None:
    """The stand-in web process: N runs one after another, as one session would."""
    import psutil
    import streamlit  # noqa: F401  (the dashboard's baseline)

    import dashboard.widgets  # noqa: F401
    from mockups.jobs import RenderJob, RenderQueue
    from mockups.options import RenderOptions
    from mockups.runs.catalogue import (
        full_size_url,
        list_runs,
        new_run_dir,
        refresh_runs,
        share_artwork,
        zip_run,
    )
    from mockups.runs.folder import read_run

    queue = RenderQueue.from_url(url)
    process = psutil.Process()
    after = []
    started = time.monotonic()
    templates = ",".join(ten_template_ids())
    for _ in range(runs):
        run_dir = new_run_dir(artwork.name)
        upload = run_dir / "upload.jpg"
        with artwork.open("rb") as source, upload.open("wb") as out:
            while chunk := source.read(1024 * 1024):
                out.write(chunk)
        job = RenderJob(
            artwork=str(upload),
            run_dir=str(run_dir),
            options=RenderOptions(templates=templates, mode="sequential"),
            store=share_artwork(upload),
        )
        queue.enqueue(job)
        deadline = time.monotonic() + DEADLINE_SECONDS
        while (status := queue.status(job.id)).state not in ("finished", "failed"):
            if time.monotonic() > deadline:
                raise RuntimeError("a job did not end in time")
            time.sleep(POLL_SECONDS)
        if status.state == "failed":
            raise RuntimeError(f"a job failed: {status.error}")
        refresh_runs(force=True)
        list_runs()
        run = read_run(run_dir)
        for mockup in run.mockups:
            full_size_url(run_dir, mockup.file)
        zip_run(run_dir)
        after.append(process.memory_info().rss)
    wall = time.monotonic() - started
    print(json.dumps({"after": after, "seconds_per_run": wall / runs}))


def ten_template_ids() -> list[str]:
    from mockups.templates.library import load_library

    return list(load_library())[:MOCKUPS]


def measure(backend: str, url: str, artwork: Path, runs: int, env: dict[str, str]) -> Round:
    with tempfile.TemporaryDirectory(prefix=f"bench-store-{backend}-") as work:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOCKUPLAB_"))}
        common = {**base, "MOCKUPLAB_JOB_BUDGET_MB": "4096", **env}
        worker = subprocess.Popen(
            [PYTHON, "-m", "mockups", "worker", "--url", url],
            cwd=ROOT,
            # on the local folder the runs folder is the store: web and worker share its home
            env={**common, "MOCKUPLAB_HOME": f"{work}/{'web' if backend == 'local' else 'worker'}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            web_process = subprocess.Popen(
                [PYTHON, "-m", "bench.store_memory", "--web", url, str(artwork), str(runs)],
                cwd=ROOT,
                env={**common, "MOCKUPLAB_HOME": f"{work}/web"},
                stdout=out,
                stderr=err,
            )
            _, status, web_usage = os.wait4(web_process.pid, 0)
            web_process.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(), err.read().decode()
        worker.send_signal(signal.SIGTERM)
        _, _, worker_usage = os.wait4(worker.pid, 0)
        worker.returncode = 0
        if web_process.returncode != 0:
            raise RuntimeError(f"the web stand-in failed:\n{stderr}")
        result = json.loads(stdout.strip().splitlines()[-1])
    return Round(
        backend=backend,
        web_peak_mb=web_usage.ru_maxrss * 1024 / MIB,
        web_after_first_mb=result["after"][0] / MIB,
        web_after_last_mb=result["after"][-1] / MIB,
        worker_peak_mb=worker_usage.ru_maxrss * 1024 / MIB,
        seconds_per_run=result["seconds_per_run"],
    )


def client_import_mb() -> dict[str, float]:
    """RSS after importing Streamlit, and with each S3 client imported and created."""
    figures = {}
    for name, code in CLIENTS.items():
        probe = f"{code}\nimport psutil; print(psutil.Process().memory_info().rss)"
        done = subprocess.run([PYTHON, "-c", probe], cwd=ROOT, capture_output=True, text=True)
        if done.returncode == 0:
            figures[name] = int(done.stdout.strip().splitlines()[-1]) / MIB
    return figures


def report(rounds: list[Round], clients: dict[str, float]) -> None:
    from bench.common import inherited_floor_mb, print_json, print_table, verdict

    print(f"store_memory: {MOCKUPS}-mockup runs from a 4000x5000 JPEG, web and worker apart")
    headers = [
        "backend",
        "web peak MB",
        "web after 1st MB",
        "web after last MB",
        "worker peak MB",
        "s / run",
    ]
    rows = [
        [
            r.backend,
            f"{r.web_peak_mb:.1f}",
            f"{r.web_after_first_mb:.1f}",
            f"{r.web_after_last_mb:.1f}",
            f"{r.worker_peak_mb:.1f}",
            f"{r.seconds_per_run:.2f}",
        ]
        for r in rounds
    ]
    print_table(headers, rows)
    print(f"  (a child's peak starts at this process's: {inherited_floor_mb():.1f} MB)")
    base = clients.get("none", 0.0)
    for name in ("minio", "boto3"):
        if name in clients:
            print(f"  S3 client {name}: +{clients[name] - base:.1f} MB over Streamlit alone")
    by_name = {r.backend: r for r in rounds}
    extra = by_name["s3"].web_after_last_mb - by_name["local"].web_after_last_mb
    met = extra <= GOAL_EXTRA_MB
    print(f"goal: the web's RSS with S3 within {GOAL_EXTRA_MB:.0f} MB of local: {verdict(met)}")
    print_json(
        "store_memory",
        {
            "rounds": [r.__dict__ for r in rounds],
            "clients_mb": clients,
            "s3_extra_mb": round(extra, 1),
        },
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.store_memory")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--web", nargs=3, metavar=("URL", "ARTWORK", "RUNS"))
    args = parser.parse_args(argv)
    if args.web:
        url, artwork, runs = args.web
        web(url, Path(artwork), int(runs))
        return 0

    from bench.common import make_artwork
    from harness.redis_server import redis_server
    from harness.s3_server import make_bucket, s3_server, store_environment

    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        artwork = make_artwork(Path(folder))
        (Path(folder) / "redis").mkdir()
        with redis_server(Path(folder) / "redis") as url, s3_server() as endpoint:
            rounds = [measure("local", url, artwork, args.runs, {})]
            s3 = store_environment(endpoint, make_bucket(endpoint))
            rounds.append(measure("s3", url, artwork, args.runs, s3))
    report(rounds, client_import_mb())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
