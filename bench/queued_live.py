"""How live a queued profiled job is: a real worker renders studio-10 under the profiler while
this process polls the job's status on a real redis-server, as the Render page does.

Per mockup: seconds from its end (the engine's stamp) to the first poll whose status holds its
memray figures. The heap line: its points, points per second of render, the longest the
line a poll sees stood still while mockups rendered, and the bytes of the job's meta.

Usage: python -m bench.queued_live [--runs N] [--poll-seconds S]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, make_artwork, print_json, temp_folder
from bench.studio10 import ten_template_ids
from harness.redis_server import redis_server
from mockups.jobs import RenderJob, RenderQueue, RenderStatus
from mockups.options import RenderOptions
from mockups.render.renderers import PROFILED
from mockups.runs.folder import read_run

WAIT_SECONDS = 600.0


def watch_one(queue: RenderQueue, url: str, artwork: Path, out: Path, poll_seconds: float) -> dict:
    job = RenderJob(
        artwork=artwork,
        run_dir=out,
        options=RenderOptions(templates=ten_template_ids(), mode="sequential"),
        renderer=PROFILED,
    )
    queue.enqueue(job)
    worker = subprocess.Popen(
        [PYTHON, "-m", "mockups", "worker", "--url", url, "--burst"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    polls: list[tuple[float, RenderStatus]] = []
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while time.monotonic() < deadline:
            status = queue.status(job.id)
            polls.append((time.time(), status))
            if status.state in ("finished", "failed"):
                break
            time.sleep(poll_seconds)
        worker.wait(WAIT_SECONDS)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    final = polls[-1][1]
    if final.state != "finished":
        raise SystemExit(f"the job did not finish: {final.state} {final.error}")
    run = read_run(out)
    latencies = [
        next(at for at, status in polls if len(status.landed) >= mockup.index)
        - mockup.finished_unix
        for mockup in run.mockups
    ]
    first, last = run.mockups[0], run.mockups[-1]
    rendering = [(at, s) for at, s in polls if first.started_unix <= at <= last.finished_unix]
    changes = [
        at for (_, before), (at, after) in itertools.pairwise(rendering)
        if after.samples != before.samples
    ]  # fmt: skip
    meta = queue.connection.hget(f"rq:job:{job.id}", "meta") or b""
    return {
        "figures_after_end_s": [round(s, 2) for s in latencies],
        "heap_line_points": len(final.samples),
        "points_per_render_second": round(len(final.samples) / run.wall_seconds, 1),
        "line_stood_still_max_s": round(max(b - a for a, b in itertools.pairwise(changes)), 2),
        "render_wall_s": round(run.wall_seconds, 1),
        "meta_bytes": len(meta),
        "polls": len(polls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--poll-seconds", type=float, default=0.05)
    args = parser.parse_args()
    with temp_folder("queued-live") as folder, tempfile.TemporaryDirectory() as data:
        os.environ["MOCKUPLAB_HOME"] = folder  # the worker renders only inside its home's runs
        runs = Path(folder) / "runs"
        runs.mkdir()
        artwork = make_artwork(runs)
        with redis_server(Path(data)) as url:
            queue = RenderQueue.from_url(url)
            results = [
                watch_one(queue, url, artwork, runs / f"run-{n}", args.poll_seconds)
                for n in range(args.runs)
            ]
    for result in results:
        print_json("queued_live", result)
    every = [s for result in results for s in result["figures_after_end_s"]]
    print(
        f"figures after a mockup's end: median {statistics.median(every):.2f} s, "
        f"max {max(every):.2f} s over {len(every)} mockups (measured while other work ran)"
    )


if __name__ == "__main__":
    main()
