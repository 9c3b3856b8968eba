"""The worker side: the RQ job function, and a worker whose render dies with it.

RQ's `Worker` forks a fresh process (the work horse) per job, so each job's memory goes
back to the system when it ends, and a horse killed mid-job (the kernel's OOM killer picks
the biggest process) is reported failed by its worker at once.
"""

from __future__ import annotations

import ctypes
import os
import signal

from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue, Worker, get_current_job
from rq.job import Job

from mockups.errors import MockupLabError
from mockups.jobs.budget import check_budget
from mockups.jobs.redis_queue import QUEUE_NAME, SERIALIZER, RenderQueue
from mockups.jobs.spec import RenderJob, run_in_process
from mockups.run import MockupResult

PR_SET_PDEATHSIG = 1
MAINTENANCE_SECONDS = 60


def render_job(fields: dict) -> dict:
    """Render one queued job into its run folder (`mockups.jobs.render_job`, run by RQ)."""
    job = RenderJob.from_dict(fields)
    current = get_current_job()
    assert current is not None, "render_job runs inside an RQ worker"
    current.meta.update(done=0, pid=os.getpid())
    current.save_meta()
    try:
        check_budget(job)  # this machine's budget, in case the web process's differs
        run = run_in_process(job, progress=MetaProgress(current))
    except Exception as error:
        current.meta["error"] = str(error).splitlines()[0] if str(error) else type(error).__name__
        current.save_meta()
        raise
    return {"run_dir": run.out_dir, "mockups": len(run.mockups), "wall_seconds": run.wall_seconds}


class MetaProgress:
    """`render_run`'s progress callback: each mockup's count, template, RSS and heap in meta."""

    def __init__(self, job: Job) -> None:
        self.job = job

    def __call__(self, done: int, total: int, result: MockupResult) -> None:
        self.job.meta.update(
            done=done,
            total=total,
            template=result.template,
            rss_bytes=result.rss_after_bytes,
            heap_bytes=result.heap_after_bytes,
        )
        self.job.save_meta()


class RenderWorker(Worker):
    """RQ's forking worker, whose work horse is killed when the worker dies.

    Without this, a horse outlives a killed worker and goes on writing into a run folder
    that a retry may already be rendering into.
    """

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        _die_with_parent(self.pid)
        super().main_work_horse(job, queue)


def run_worker(url: str, burst: bool = False) -> bool:
    """Render queued jobs until stopped (or, with `burst`, until the queue is empty)."""
    connection = Redis.from_url(url)
    try:
        connection.ping()
    except RedisConnectionError as error:
        raise MockupLabError(f"cannot reach Redis at {url}: {error}") from None
    render_queue = RenderQueue(connection)
    render_queue.fail_abandoned()  # a restarted worker's predecessor may have left some
    worker = RenderWorker(
        [Queue(QUEUE_NAME, connection=connection, serializer=SERIALIZER)],
        connection=connection,
        serializer=SERIALIZER,
        maintenance_interval=MAINTENANCE_SECONDS,
    )
    return worker.work(burst=burst)


def _die_with_parent(parent_pid: int | None) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the worker died before the request took hold
