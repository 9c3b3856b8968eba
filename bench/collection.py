"""A collection through the render queue: N artworks (4000 x 5000 JPEGs, ten templates each)
through 1 and 2 workers on a throwaway redis-server, with a single render submitted while
the collection is queued.

The web stand-in is `python -m mockups batch FOLDER --out NAME --queue URL`: it makes the
collection (copies the artworks, writes collection.json), queues every artwork on the
collections' queue and polls their states into collection.json, as the Collections page does
(without Streamlit). Once the first artwork is done, one ten-mockup render of the same
artwork goes on the single renders' queue, as another user's Render would: its wait is RQ's
started_at - enqueued_at. The batch, the workers and the single render share one throwaway
`MOCKUPLAB_HOME`: a worker runs only jobs inside its home (the collection's in its
collections folder, the single's in its runs folder). With `--store s3` the runs go to a
bucket on a local S3 server (moto) instead, and each worker has a home of its own, as on a
machine of its own: the artworks go up and the runs come back through the bucket.

Usage: python -m bench.collection [--artworks 50] [--workers 1,2] [--extrapolate 500]
                                  [--store local|s3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mockups.memory import MIB

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
EXTRAPOLATED_WORKERS = (2, 4, 8)
NOTES = """notes:
  artworks/min/worker: the collection's artworks over the time from starting the batch to its
    last artwork done, per worker. first done: from starting the batch (copying the artworks
    included) to the first artwork's done line.
  single waits: RQ's started_at - enqueued_at of one ten-mockup render queued after the
    first artwork was done; the collection holds its fair share of the queue (one artwork per
    worker and one waiting), so the single waits for those, never for the rest.
  web MB: the batch process's peak RSS (psutil, every 20 ms), and its growth from its first
    second; worker MB: a worker and the work horse it forks, summed (an upper bound); run MB:
    the largest peak a run.json records (the horse's own 10 ms sampler).
  The same JPEG, copied N times (each job decodes it on its own). Two cores shared with other
  work: times are worth what the load average beside them says; memory much more."""


@dataclass
class Round:
    workers: int
    artworks: int
    makespan: float
    first_done: float
    single_wait: float | None
    single_done: float | None
    web_mb: float
    web_growth_mb: float
    worker_mb: float
    run_mb: float
    done: int
    load_start: float
    load_end: float
    store: str = "local"

    @property
    def per_minute_per_worker(self) -> float:
        return 60 * self.done / self.makespan / self.workers


def play_round(
    url: str, source: Path, artwork: Path, work: Path, workers: int, store: str
) -> Round:
    from dataclasses import replace

    from bench.capacity import clear_queue, start_worker, wait_for_stop, wait_for_workers
    from bench.load_users import Sampler, _tree_memory
    from bench.studio10 import ten_template_ids
    from mockups.home import COLLECTIONS, DATA_ENV, RUNS, data_dir
    from mockups.jobs import RenderJob, RenderQueue
    from mockups.options import RenderOptions
    from mockups.runs.catalogue import share_artwork

    def worker_env(number: int) -> dict[str, str] | None:
        """A worker of its own machine (S3): a home of its own; else the batch's home."""
        if store == "local":
            return None
        return {**os.environ, DATA_ENV: str(work / f"worker-home-{workers}-{number}")}

    clear_queue(url)
    home = data_dir()
    out = home / COLLECTIONS / f"collection-{workers}"
    single_run = home / RUNS / f"single-{workers}"
    single_run.mkdir(parents=True)
    single_artwork = shutil.copyfile(artwork, single_run / artwork.name)
    load_start = os.getloadavg()[0]
    sampler = Sampler().start()
    processes = [
        start_worker(url, work / f"worker-{workers}-{n}.log", worker_env(n)) for n in range(workers)
    ]
    wait_for_workers(url, workers, processes)
    for number, process in enumerate(processes):
        sampler.watch(f"worker-{number}", process.pid)
    command = [PYTHON, "-m", "mockups", "batch", str(source), "--out", out.name, "--queue", url]
    started = time.perf_counter()
    batch = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    sampler.watch("web", batch.pid)
    web_first_mb = 0.0
    first_done = None
    single = RenderJob(
        artwork=str(single_artwork),
        run_dir=str(single_run),
        options=RenderOptions(templates=ten_template_ids(), mode="auto"),
    )
    single = replace(single, store=share_artwork(single_artwork))  # put in the bucket (S3)
    render_queue = RenderQueue.from_url(url)
    assert batch.stdout is not None
    for line in batch.stdout:
        if not web_first_mb and time.perf_counter() - started > 1:
            web_first_mb = _tree_memory(batch.pid)[0] / MIB
        if line.startswith("done") and first_done is None:
            first_done = time.perf_counter() - started
            render_queue.submit(single)
    batch.wait()
    makespan = time.perf_counter() - started
    status = render_queue.status(single.id)
    while status.state not in ("finished", "failed"):
        time.sleep(0.25)
        status = render_queue.status(single.id)
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        wait_for_stop(process)
    sampler.stop()
    record = json.loads((out / "collection.json").read_text())
    runs = [out / a["run"] / "run.json" for a in record["artworks"] if a["state"] == "done"]
    run_peaks = [json.loads(p.read_text())["peak_rss_bytes"] for p in runs]
    waited = (
        (status.started_at - status.enqueued_at).total_seconds()
        if status.started_at and status.enqueued_at
        else None
    )
    done_at = (
        (status.ended_at - status.enqueued_at).total_seconds()
        if status.ended_at and status.enqueued_at
        else None
    )
    shutil.rmtree(out, ignore_errors=True)
    web_peak = sampler.peak_rss.get("web", 0) / MIB
    return Round(
        workers=workers,
        artworks=len(record["artworks"]),
        makespan=makespan,
        first_done=first_done or makespan,
        single_wait=waited,
        single_done=done_at,
        web_mb=web_peak,
        web_growth_mb=web_peak - web_first_mb if web_first_mb else 0.0,
        worker_mb=max(sampler.peak_rss.get(f"worker-{n}", 0) for n in range(workers)) / MIB,
        run_mb=max(run_peaks, default=0) / MIB,
        done=len(runs),
        load_start=load_start,
        load_end=os.getloadavg()[0],
        store=store,
    )


def report(rounds: list[Round], extrapolate: int) -> None:
    print(
        "| store | workers | artworks | done | min | artworks/min/worker | first done s | "
        "single waits s | web MB (growth) | worker MB | run MB | load avg |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rounds:
        wait = f"{r.single_wait:.1f}" if r.single_wait is not None else "-"
        print(
            f"| {r.store} | {r.workers} | {r.artworks} | {r.done} | {r.makespan / 60:.1f} | "
            f"{r.per_minute_per_worker:.2f} | {r.first_done:.1f} | {wait} | "
            f"{r.web_mb:.0f} (+{r.web_growth_mb:.1f}) | {r.worker_mb:.0f} | {r.run_mb:.0f} | "
            f"{r.load_start:.1f}-{r.load_end:.1f} |"
        )
    one = next((r for r in rounds if r.workers == 1), rounds[0])
    rate = one.per_minute_per_worker
    print(f"\n{extrapolate} artworks, each worker on a machine of its own (S3 store), at "
          f"{rate:.2f} artworks/min/worker (this machine, 1 worker):")  # fmt: skip
    print("| workers | minutes | a single render waits at most |")
    print("|---:|---:|---:|")
    for workers in EXTRAPOLATED_WORKERS:
        minutes = extrapolate / (rate * workers)
        # behind the one waiting artwork, taken by the first worker to finish
        print(f"| {workers} | {minutes:.0f} | {60 / rate:.0f} s |")
    print(NOTES)
    print(json.dumps([r.__dict__ for r in rounds]))


@contextmanager
def bucket(store: str) -> Iterator[None]:
    """For `s3`, a bucket on a local S3 server named in this process's environment (which the
    batch and the workers inherit) while it lasts."""
    if store == "local":
        yield
        return
    from harness.s3_server import make_bucket, s3_server, store_environment

    with s3_server() as endpoint:
        os.environ.update(store_environment(endpoint, make_bucket(endpoint)))
        yield


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.collection")
    parser.add_argument("--artworks", type=int, default=50)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--extrapolate", type=int, default=500)
    parser.add_argument("--store", choices=("local", "s3"), default="local")
    args = parser.parse_args(argv)

    from bench.common import make_artwork, temp_folder
    from harness.redis_server import redis_server
    from mockups.home import DATA_ENV

    with temp_folder("collection") as name:
        work = Path(name)
        os.environ[DATA_ENV] = str(work / "home")  # the workers' and the batch's, inherited
        artwork = make_artwork(work)
        source = work / "designs"
        source.mkdir()
        for n in range(args.artworks):
            shutil.copyfile(artwork, source / f"design-{n:03d}.jpg")
        (work / "redis").mkdir()
        with redis_server(work / "redis") as url, bucket(args.store):
            rounds = [
                play_round(url, source, artwork, work, int(workers), args.store)
                for workers in args.workers.split(",")
            ]
    report(rounds, args.extrapolate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
