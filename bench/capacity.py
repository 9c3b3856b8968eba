"""Capacity of the render queue: users submitting at once, real Redis, 1, 2 and 4 workers.

Each round starts W `python -m mockups worker` processes on a throwaway redis-server and a
stand-in web process (one thread per user session, importing Streamlit for the dashboard's
baseline) in which every user submits one ten-mockup job (the built-in templates, from a
4000 x 5000 JPEG) at the same moment and polls it. A round stops at its deadline; what has
not finished by then counts as not finished within 60 s (the workers finish the job they
hold). From the rounds: jobs per minute per worker, the 95th-percentile time to done, and
the workers needed for 95 % of the jobs within 60 s, extrapolated to more users by the
model printed with the table.

Usage: python -m bench.capacity [--users 10,50] [--workers 1,2,4] [--deadline 120]
Web stand-in (started by the benchmark): python -m bench.capacity --web URL ART RUNS N SECONDS
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mockups.memory import MIB
from mockups.render.run import RUN_FILE

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
POLL_SECONDS = 0.25
TARGET_SECONDS = 60.0
TARGET_SHARE = 0.95
BUDGET_MB = 512.0
EXTRAPOLATED_USERS = 100
STOP_SECONDS = 180.0


# The web stand-in ------------------------------------------------------------------------


def web(url: str, artwork: Path, runs: Path, users: int, deadline_seconds: float) -> None:
    """Every user submits at once and polls; prints one JSON line per user as it ends."""
    import streamlit  # noqa: F401  # the dashboard's process carries it

    from mockups.jobs import RenderJob, RenderQueue
    from mockups.options import RenderOptions

    ids = ten_template_ids()
    render_queue = RenderQueue.from_url(url)
    ready = threading.Barrier(users)
    printing = threading.Lock()
    deadline = time.monotonic() + deadline_seconds

    def user(number: int) -> None:
        run_dir = runs / f"user-{number:02d}"
        run_dir.mkdir(parents=True)
        upload = run_dir / "upload.jpg"
        shutil.copyfile(artwork, upload)  # the dashboard saves the upload into the run folder
        job = RenderJob(artwork=upload, run_dir=run_dir, options=RenderOptions(templates=ids))
        ready.wait()
        submitted = time.perf_counter()
        render_queue.enqueue(job)
        state = "queued"
        while time.monotonic() < deadline:
            status = render_queue.status(job.id)
            state = status.state
            if state in ("finished", "failed"):
                break
            time.sleep(POLL_SECONDS)
        done = time.perf_counter() - submitted if state == "finished" else None
        with printing:
            print(json.dumps({"user": number, "state": state, "done": done}), flush=True)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def ten_template_ids() -> list[str]:
    from bench.studio10 import ten_template_ids as ids

    return ids()


# One round -------------------------------------------------------------------------------


@dataclass
class Round:
    users: int
    workers: int
    dones: list[float | None]
    failed: int
    makespan: float
    web_mb: float
    worker_mb: list[float]
    worker_wait4_mb: list[float]
    worker_cpu_seconds: list[float]
    rendered: int
    load_start: float
    load_end: float

    @property
    def finished(self) -> list[float]:
        return sorted(d for d in self.dones if d is not None)

    @property
    def p95(self) -> float:
        """Nearest-rank 95th percentile of time to done; infinite if that job never finished."""
        rank = math.ceil(TARGET_SHARE * self.users)
        return self.finished[rank - 1] if len(self.finished) >= rank else math.inf

    @property
    def within_target(self) -> float:
        return sum(d <= TARGET_SECONDS for d in self.finished) / self.users

    @property
    def cpu_seconds_per_job(self) -> float:
        """The workers' CPU time (horses included) over the jobs they rendered."""
        return sum(self.worker_cpu_seconds) / self.rendered if self.rendered else math.inf

    @property
    def jobs_per_minute(self) -> float:
        return 60 * len(self.finished) / self.makespan if self.finished else 0.0


def play_round(url: str, artwork: Path, work: Path, users: int, workers: int, deadline: float):
    from bench.load_users import Sampler

    clear_queue(url)
    home = work / f"home-{users}-{workers}"
    os.environ["MOCKUPLAB_HOME"] = str(home)  # workers render only inside their home's runs
    runs = home / "runs"
    load_start = os.getloadavg()[0]
    sampler = Sampler().start()
    processes = [
        start_worker(url, work / f"worker-{users}-{workers}-{n}.log") for n in range(workers)
    ]
    wait_for_workers(url, workers, processes)
    for number, process in enumerate(processes):
        sampler.watch(f"worker-{number}", process.pid)
    command = [PYTHON, "-m", "bench.capacity", "--web", url, str(artwork), str(runs)]
    started = time.perf_counter()
    web_process = subprocess.Popen(
        [*command, str(users), str(deadline)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    sampler.watch("web", web_process.pid)
    output = web_process.stdout.read()
    _, status, _ = os.wait4(web_process.pid, 0)
    makespan = time.perf_counter() - started
    web_process.returncode = os.waitstatus_to_exitcode(status)
    for process in processes:
        process.send_signal(signal.SIGTERM)  # warm: a job still running is finished first
    stopped = [wait_for_stop(process) for process in processes]
    rendered = sum(1 for _ in runs.glob(f"user-*/{RUN_FILE}"))
    sampler.stop()
    if web_process.returncode != 0:
        raise RuntimeError(f"the web stand-in exited {web_process.returncode}")
    results = sorted((json.loads(line) for line in output.splitlines()), key=lambda r: r["user"])
    shutil.rmtree(runs, ignore_errors=True)
    dones = [r["done"] for r in results]
    finished = [d for d in dones if d is not None]
    return Round(
        users=users,
        workers=workers,
        dones=dones,
        failed=sum(r["state"] == "failed" for r in results),
        makespan=max(finished) if len(finished) == users else makespan,
        web_mb=sampler.peak_rss.get("web", 0) / MIB,
        worker_mb=[sampler.peak_rss.get(f"worker-{n}", 0) / MIB for n in range(workers)],
        worker_wait4_mb=[peak for peak, _ in stopped],
        worker_cpu_seconds=[cpu for _, cpu in stopped],
        rendered=rendered,
        load_start=load_start,
        load_end=os.getloadavg()[0],
    )


def clear_queue(url: str) -> None:
    from redis import Redis

    connection = Redis.from_url(url)
    connection.flushdb()
    connection.close()


def start_worker(url: str, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(
            [PYTHON, "-m", "mockups", "worker", "--url", url],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )


def wait_for_workers(url: str, count: int, processes: list[subprocess.Popen]) -> None:
    from redis import Redis
    from rq import Worker

    connection = Redis.from_url(url)
    deadline = time.monotonic() + 60
    try:
        while Worker.count(connection=connection) < count:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError("the workers did not start; see their logs")
            time.sleep(0.05)
    finally:
        connection.close()


def wait_for_stop(process: subprocess.Popen) -> tuple[float, float]:
    """Waits for a worker told to stop; its wait4 peak RSS in MB and CPU seconds.

    Both cover the work horses it reaped. A worker still busy after STOP_SECONDS is stopped
    cold (a second SIGTERM), then killed."""
    for signal_after_wait in (signal.SIGTERM, signal.SIGKILL, None):
        deadline = time.monotonic() + STOP_SECONDS
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                return usage.ru_maxrss * 1024 / MIB, usage.ru_utime + usage.ru_stime
            time.sleep(0.05)
        if signal_after_wait is not None:
            process.send_signal(signal_after_wait)
    raise RuntimeError(f"worker {process.pid} did not stop")


# The capacity model ----------------------------------------------------------------------


def workers_needed(users: int, jobs_per_minute_per_worker: float) -> int | None:
    """Workers (one core each) for 95 % of `users` simultaneous jobs to finish within 60 s.

    Each worker renders one job at a time in `t = 60 / rate` seconds, so the k-th job of the
    burst ends at about ceil(k / W) * t: the 95th-percentile job ends in time when
    ceil(ceil(0.95 * users) / W) <= floor(60 / t). None when one job takes over 60 s.
    """
    seconds_per_job = 60 / jobs_per_minute_per_worker
    jobs_in_time_per_worker = math.floor(TARGET_SECONDS / seconds_per_job)
    if jobs_in_time_per_worker < 1:
        return None
    return math.ceil(math.ceil(TARGET_SHARE * users) / jobs_in_time_per_worker)


# The report ------------------------------------------------------------------------------


def report(rounds: list[Round], cores: int) -> None:
    from bench.common import print_json, print_table, verdict

    print(f"capacity: each user one ten-mockup job (4000x5000 JPEG) at once; {cores} cores")
    rows = [
        [
            str(r.users),
            str(r.workers),
            f"{len(r.finished)}/{r.users}",
            fmt_seconds(r.finished[len(r.finished) // 2] if r.finished else math.inf),
            fmt_seconds(r.p95),
            f"{r.within_target:.0%}",
            f"{r.jobs_per_minute:.1f}",
            f"{r.jobs_per_minute / r.workers:.1f}",
            fmt_seconds(r.cpu_seconds_per_job),
            f"{r.web_mb:.0f}",
            f"{max(r.worker_mb):.0f}",
            f"{max(r.worker_wait4_mb):.0f}",
            f"{r.load_start:.1f} / {r.load_end:.1f}",
        ]
        for r in rounds
    ]
    headers = [
        "users",
        "workers",
        "done",
        "done s med",
        "done s p95",
        "<= 60 s",
        "jobs/min",
        "jobs/min/worker",
        "CPU s/job",
        "web MB",
        "worker MB",
        "worker wait4 MB",
        "load start/end",
    ]
    print_table(headers, rows)
    print(ROUND_NOTES.format(cores=cores))
    measured_rate = rate_per_worker(rounds)
    cpu_rate = 60 / statistics.median(r.cpu_seconds_per_job for r in rounds if r.rendered)
    print(MODEL_NOTES.format(cores=cores, measured=measured_rate, cpu=cpu_rate))
    table_rows, summary_rows = capacity_rows(rounds, measured_rate, cpu_rate)
    headers = [
        "users",
        "p95 s measured (workers " + "/".join(str(w) for w in worker_counts(rounds)) + ")",
        "workers needed here",
        "workers needed (measured rate)",
        "workers needed (CPU rate)",
        "web MB",
        "worker MB",
        "RAM MB (CPU rate)",
    ]
    print_table(headers, table_rows)
    worst_worker = max(max(r.worker_mb) for r in rounds)
    worst_web = max(r.web_mb for r in rounds)
    met = max(worst_web, worst_worker) <= BUDGET_MB
    print(
        f"goal: web and each worker <= {BUDGET_MB:.0f} MB: web {worst_web:.0f} MB, worker "
        f"{worst_worker:.0f} MB: {verdict(met)}"
    )
    summary = {
        "cores": cores,
        "jobs_per_minute_per_worker": {
            "measured": round(measured_rate, 2),
            "cpu": round(cpu_rate, 2),
        },
        "rounds": [
            {
                "users": r.users,
                "workers": r.workers,
                "dones": [None if d is None else round(d, 2) for d in r.dones],
                "failed": r.failed,
                "jobs_per_minute": round(r.jobs_per_minute, 2),
                "cpu_seconds_per_job": round(r.cpu_seconds_per_job, 2),
                "web_mb": round(r.web_mb, 1),
                "worker_mb": [round(m, 1) for m in r.worker_mb],
                "worker_wait4_mb": [round(m, 1) for m in r.worker_wait4_mb],
                "load": [round(r.load_start, 1), round(r.load_end, 1)],
            }
            for r in rounds
        ],
        "capacity": summary_rows,
        "budget_met": met,
    }
    print_json("capacity", summary)


ROUND_NOTES = """notes:
  done: jobs finished by the round's deadline; times from submitting to the poll that sees
    the job finished (0.25 s polls). jobs/min: finished jobs over the time until the last
    finished (the deadline if some did not). At the deadline the workers are told to stop
    and finish the job they hold; CPU s/job: the workers' user + system seconds (wait4, the
    horses they reaped included) over all the jobs they rendered.
  web MB: the stand-in web process, sampled every 20 ms. worker MB: the largest worker, the
    RQ worker plus the work horse it forks per job, summed (shared pages counted twice);
    wait4 MB: ru_maxrss of the largest single process of a worker's tree.
  The machine is shared: other work ran on its {cores} cores during the rounds (load averages
    above), so wall times are pessimistic and noisy; memory and CPU seconds are not."""

MODEL_NOTES = """
model: one worker renders one job at a time; jobs/min grows linearly with workers while
  each worker has a core of its own, so on this {cores}-core machine it stops growing past
  {cores} workers. With a rate r per worker, the k-th job of a burst of users ends at about
  ceil(k / W) * 60 / r s: workers needed = ceil(ceil(0.95 * users) / floor(r)), each needing
  a core and one worker's peak RSS, plus one web process.
  measured rate: {measured:.1f} jobs/min per worker (the 1-worker round with the most jobs
    finished, on the loaded machine).
  CPU rate: {cpu:.1f} jobs/min per worker (60 / median CPU s per job: a worker with an idle
    core of its own)."""


def worker_counts(rounds: list[Round]) -> list[int]:
    return sorted({r.workers for r in rounds})


def rate_per_worker(rounds: list[Round]) -> float:
    """Jobs/min of one worker: the 1-worker round with the most jobs finished, else any."""
    single = [r for r in rounds if r.workers == 1 and r.finished]
    single = single or [r for r in rounds if r.finished]
    best = max(single, key=lambda r: len(r.finished))
    return best.jobs_per_minute / best.workers


def capacity_rows(
    rounds: list[Round], measured_rate: float, cpu_rate: float
) -> tuple[list[list[str]], list[dict]]:
    counts = sorted({r.users for r in rounds} | {EXTRAPOLATED_USERS})
    web_mb = max(r.web_mb for r in rounds)
    worker_mb = max(max(r.worker_mb) for r in rounds)
    table, summary = [], []
    for users in counts:
        measured = {r.workers: r for r in rounds if r.users == users}
        p95s = "/".join(
            fmt_seconds(measured[w].p95) if w in measured else "-" for w in worker_counts(rounds)
        )
        in_time = sorted(w for w, r in measured.items() if r.p95 <= TARGET_SECONDS)
        tried = ",".join(str(w) for w in sorted(measured))
        here = str(in_time[0]) if in_time else (f"none of {tried}" if measured else "not run")
        by_measured = workers_needed(users, measured_rate)
        by_cpu = workers_needed(users, cpu_rate)
        ram = web_mb + (by_cpu or 0) * worker_mb
        table.append(
            [
                str(users),
                p95s if measured else "extrapolated",
                here,
                str(by_measured or "-"),
                str(by_cpu or "-"),
                f"{web_mb:.0f}",
                f"{worker_mb:.0f}",
                f"{ram:.0f}",
            ]
        )
        summary.append(
            {
                "users": users,
                "workers_needed_here": in_time[0] if in_time else None,
                "workers_needed_measured_rate": by_measured,
                "workers_needed_cpu_rate": by_cpu,
                "ram_mb": round(ram),
            }
        )
    return table, summary


def fmt_seconds(seconds: float) -> str:
    return "-" if math.isinf(seconds) else f"{seconds:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__)
    parser.add_argument("--users", default="10,50", help="user counts (default 10,50)")
    parser.add_argument("--workers", default="1,2,4", help="worker counts (default 1,2,4)")
    parser.add_argument(
        "--deadline", type=float, default=120.0, help="seconds users wait in a round (default 120)"
    )
    parser.add_argument("--web", nargs=5, metavar=("URL", "ART", "RUNS", "N", "SECONDS"))
    args = parser.parse_args(argv)
    if args.web:
        url, artwork, runs, users, seconds = args.web
        web(url, Path(artwork), Path(runs), int(users), float(seconds))
        return 0
    from bench.common import temp_folder
    from bench.redis_process import running_redis
    from profiling.artworks import ARTWORK_SIZE, photo_like_artwork

    user_counts = [int(n) for n in args.users.split(",")]
    worker_counts = [int(n) for n in args.workers.split(",")]
    with temp_folder("capacity") as folder:
        work = Path(folder)
        artwork = photo_like_artwork(work, ARTWORK_SIZE)
        with running_redis(work / "redis") as url:
            rounds = []
            for users in user_counts:
                for workers in worker_counts:
                    rounds.append(play_round(url, artwork, work, users, workers, args.deadline))
                    print(progress_line(rounds[-1]), file=sys.stderr, flush=True)
    report(rounds, os.cpu_count() or 1)
    return 0


def progress_line(r: Round) -> str:
    return (
        f"capacity: {r.users} users, {r.workers} workers: {len(r.finished)}/{r.users} done, "
        f"p95 {fmt_seconds(r.p95)} s, load {r.load_start:.1f} -> {r.load_end:.1f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
