"""Simulated users on the render queue: N users at once, each a ten-mockup job, one worker.

A stand-in web process (threads for sessions, as Streamlit has; it imports Streamlit for the
dashboard's baseline) enqueues each user's job through `mockups.jobs.RenderQueue` and polls
its status, as the dashboard would; one `python -m mockups worker` renders. Embedded mode:
the same users in one process rendering through `RenderSlots(1)`.

Usage: python -m bench.load_users [--users 1,5,10] [--no-embedded]
Web stand-in (started by the benchmark): python -m bench.load_users --web MODE URL ART RUNS N
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from itertools import cycle, islice
from pathlib import Path

import psutil

from mockups.memory import MIB

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
MOCKUPS = 10
POLL_SECONDS = 0.25
SAMPLE_SECONDS = 0.02

GOAL_TOTAL_MB = 512.0
FLAT_TOLERANCE = 0.10
NOTES = """notes:
  Users submit at the same moment; queue wait is RQ's started_at - enqueued_at (embedded: until
  the slot is taken); time to done is from submitting to the poll that sees the run finished.
  Peak RSS MB is sampled every 20 ms with psutil as whole processes: web is the stand-in web
  process; worker is the RQ worker plus the work horse it forks per job, summed (pages they
  share are counted twice, so this is an upper bound); web+worker is the largest sum at one
  instant, in RSS and in PSS (shared pages split between the processes sharing them).
  wait4 MB: ru_maxrss from os.wait4, the largest single process of the tree (never a sum).
  run MB: the largest peak a run.json records (the rendering process's own 10 ms sampler)
    against the budget's estimate for the job (mockups.jobs.estimate_peak), which is made for
    a worker; an embedded run's peak also holds the web process's own size (Streamlit).
  Two cores, other work running on the machine: times are noisy, memory much less so."""


@dataclass
class Sampler:
    """Peak RSS and PSS of named process trees, sampled together on a thread."""

    roots: dict[str, int] = field(default_factory=dict)
    peak_rss: dict[str, int] = field(default_factory=dict)
    peak_total_rss: int = 0
    peak_total_pss: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, name: str, pid: int) -> None:
        self.roots[name] = pid

    def start(self) -> Sampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            total_rss = total_pss = 0
            for name, pid in list(self.roots.items()):
                rss, pss = _tree_memory(pid)
                self.peak_rss[name] = max(self.peak_rss.get(name, 0), rss)
                total_rss, total_pss = total_rss + rss, total_pss + pss
            self.peak_total_rss = max(self.peak_total_rss, total_rss)
            self.peak_total_pss = max(self.peak_total_pss, total_pss)


def _tree_memory(pid: int) -> tuple[int, int]:
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    rss = pss = 0
    for process in processes:
        try:
            memory = process.memory_full_info()
        except psutil.Error:
            continue
        rss, pss = rss + memory.rss, pss + memory.pss
    return rss, pss


@dataclass
class Round:
    mode: str
    users: int
    waits: list[float]
    dones: list[float]
    failed: int
    run_peak_mb: float
    estimate_mb: float
    web_mb: float
    worker_mb: float
    total_rss_mb: float
    total_pss_mb: float
    web_wait4_mb: float
    worker_wait4_mb: float


def ten_template_ids() -> list[str]:
    from mockups.templates.library import load_library

    return list(islice(cycle(load_library()), MOCKUPS))


# The web stand-in ------------------------------------------------------------------------


def web(mode: str, url: str, artwork: Path, runs: Path, users: int) -> None:
    import streamlit  # noqa: F401  # the dashboard's process carries it

    from mockups.jobs import RenderJob, RenderQueue, RenderSlots, estimate_peak
    from mockups.options import RenderOptions
    from mockups.render.run import RUN_FILE

    ids = ten_template_ids()
    render_queue = RenderQueue.from_url(url) if mode == "queue" else None
    slots = RenderSlots(1)
    ready = threading.Barrier(users)
    results: list[dict] = [{} for _ in range(users)]

    def user(number: int) -> None:
        run_dir = runs / f"user-{number:02d}"
        run_dir.mkdir(parents=True)
        upload = run_dir / "upload.jpg"
        shutil.copyfile(artwork, upload)  # the dashboard saves the upload into the run folder
        job = RenderJob(artwork=upload, run_dir=run_dir, options=RenderOptions(templates=ids))
        ready.wait()
        submitted = time.perf_counter()
        if render_queue is not None:
            render_queue.enqueue(job)
            while (status := render_queue.status(job.id)).state not in ("finished", "failed"):
                time.sleep(POLL_SECONDS)
            done = time.perf_counter() - submitted
            failed = status.state == "failed"
            wait = (status.started_at - status.enqueued_at).total_seconds()
        else:
            took_slot: list[float] = []

            def on_place(place: int) -> None:
                if place == 0 and not took_slot:
                    took_slot.append(time.perf_counter() - submitted)

            slots.render(job, on_place=on_place)
            done, failed, wait = time.perf_counter() - submitted, False, took_slot[0]
        recorded = json.loads((run_dir / RUN_FILE).read_text()) if not failed else {}
        results[number] = {
            "wait": wait,
            "done": done,
            "failed": failed,
            "run_peak": recorded.get("peak_rss_bytes", 0),
            "estimate": estimate_peak(job).peak_bytes,
        }

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(results))


# The benchmark -------------------------------------------------------------------------------


def measure(mode: str, url: str, artwork: Path, work: Path, users: int) -> Round:
    home = work / f"home-{mode}-{users}"
    os.environ["MOCKUPLAB_HOME"] = str(home)  # renders go only inside the home's runs folder
    runs = home / "runs"
    sampler = Sampler().start()
    worker = None
    if mode == "queue":
        worker = start_worker(url, work / f"worker-{users}.log")
        sampler.watch("worker", worker.pid)
    command = [PYTHON, "-m", "bench.load_users", "--web", mode, url, str(artwork), str(runs)]
    web_process = subprocess.Popen([*command, str(users)], cwd=ROOT, stdout=subprocess.PIPE)
    sampler.watch("web", web_process.pid)
    output = web_process.stdout.read()
    _, status, web_usage = os.wait4(web_process.pid, 0)
    web_process.returncode = os.waitstatus_to_exitcode(status)
    worker_wait4 = 0.0
    if worker is not None:
        worker.send_signal(signal.SIGTERM)  # warm shut down: it is idle by now
        _, _, worker_usage = os.wait4(worker.pid, 0)
        worker.returncode = 0
        worker_wait4 = worker_usage.ru_maxrss * 1024 / MIB
    sampler.stop()
    if web_process.returncode != 0:
        raise RuntimeError(f"the web stand-in exited {web_process.returncode}")
    results = json.loads(output)
    shutil.rmtree(runs)
    return Round(
        mode=mode,
        users=users,
        waits=[r["wait"] for r in results],
        dones=[r["done"] for r in results],
        failed=sum(r["failed"] for r in results),
        run_peak_mb=max(r["run_peak"] for r in results) / MIB,
        estimate_mb=max(r["estimate"] for r in results) / MIB,
        web_mb=sampler.peak_rss.get("web", 0) / MIB,
        worker_mb=sampler.peak_rss.get("worker", 0) / MIB,
        total_rss_mb=sampler.peak_total_rss / MIB,
        total_pss_mb=sampler.peak_total_pss / MIB,
        web_wait4_mb=web_usage.ru_maxrss * 1024 / MIB,
        worker_wait4_mb=worker_wait4,
    )


def start_worker(url: str, log: Path) -> subprocess.Popen:
    from redis import Redis
    from rq import Worker

    with log.open("w") as stderr:
        worker = subprocess.Popen(
            [PYTHON, "-m", "mockups", "worker", "--url", url],
            cwd=ROOT,
            stdout=stderr,
            stderr=subprocess.STDOUT,
        )
    connection = Redis.from_url(url)
    deadline = time.monotonic() + 30
    while Worker.count(connection=connection) < 1:
        if time.monotonic() > deadline or worker.poll() is not None:
            raise RuntimeError(f"the worker did not start; see {log}")
        time.sleep(0.05)
    connection.close()
    return worker


def report(rounds: list[Round]) -> None:
    from bench.common import print_json, print_table, verdict

    print(f"load_users: each user one {MOCKUPS}-mockup job from a 4000x5000 JPEG; one worker")
    rows = [
        [
            r.mode,
            str(r.users),
            f"{median(r.waits):.1f}",
            f"{max(r.waits):.1f}",
            f"{median(r.dones):.1f}",
            f"{max(r.dones):.1f}",
            f"{r.web_mb:.0f}",
            f"{r.worker_mb:.0f}" if r.mode == "queue" else "-",
            f"{r.total_rss_mb:.0f} / {r.total_pss_mb:.0f}",
            f"{r.web_wait4_mb:.0f} / {r.worker_wait4_mb:.0f}",
            f"{r.run_peak_mb:.0f} / {r.estimate_mb:.0f}",
            str(r.failed),
        ]
        for r in rounds
    ]
    headers = [
        "mode",
        "users",
        "wait s med",
        "wait s max",
        "done s med",
        "done s max",
        "web MB",
        "worker MB",
        "web+worker MB rss/pss",
        "wait4 MB web/worker",
        "run MB peak/est",
        "failed",
    ]
    print_table(headers, rows)
    print(NOTES)
    queued = [r for r in rounds if r.mode == "queue"]
    most = max(queued, key=lambda r: r.users)
    fewest = min(queued, key=lambda r: r.users)
    under = most.total_rss_mb < GOAL_TOTAL_MB
    growth = most.web_mb / fewest.web_mb - 1
    flat = growth <= FLAT_TOLERANCE
    print(
        f"goal: web + worker < {GOAL_TOTAL_MB:.0f} MB at {most.users} users: "
        f"{most.total_rss_mb:.0f} MB: {verdict(under)}"
    )
    print(
        f"goal: web peak flat from {fewest.users} to {most.users} users (within "
        f"{FLAT_TOLERANCE:.0%}): {fewest.web_mb:.0f} -> {most.web_mb:.0f} MB "
        f"({growth:+.0%}): {verdict(flat)}"
    )
    summary = {
        "rounds": [
            {
                "mode": r.mode,
                "users": r.users,
                "waits": [round(w, 2) for w in r.waits],
                "dones": [round(d, 2) for d in r.dones],
                "failed": r.failed,
                "web_mb": round(r.web_mb, 1),
                "worker_mb": round(r.worker_mb, 1),
                "total_rss_mb": round(r.total_rss_mb, 1),
                "total_pss_mb": round(r.total_pss_mb, 1),
                "run_peak_mb": round(r.run_peak_mb, 1),
                "estimate_mb": round(r.estimate_mb, 1),
            }
            for r in rounds
        ],
        "under_512_mb": under,
        "web_flat": flat,
    }
    print_json("load_users", summary)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_users", description=__doc__)
    parser.add_argument("--users", default="1,5,10", help="user counts (default 1,5,10)")
    parser.add_argument("--no-embedded", action="store_true", help="skip the embedded rounds")
    parser.add_argument("--web", nargs=5, metavar=("MODE", "URL", "ART", "RUNS", "N"))
    args = parser.parse_args(argv)
    if args.web:
        mode, url, artwork, runs, users = args.web
        web(mode, url, Path(artwork), Path(runs), int(users))
        return 0
    from bench.common import make_artwork, temp_folder
    from harness.redis_server import redis_server

    counts = [int(n) for n in args.users.split(",")]
    modes = ["queue"] if args.no_embedded else ["queue", "embedded"]
    with temp_folder("load-users") as folder:
        work = Path(folder)
        artwork = make_artwork(work)
        (work / "redis").mkdir()
        with redis_server(work / "redis") as url:
            rounds = [measure(mode, url, artwork, work, n) for mode in modes for n in counts]
    report(rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
