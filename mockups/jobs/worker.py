"""The worker side: the RQ job function, and a worker that runs nothing else.

RQ's `Worker` forks a fresh process (the work horse) per job, so each job's memory goes
back to the system when it ends, and a horse killed mid-job (the kernel's OOM killer picks
the biggest process) is reported failed by its worker at once.

Whoever can write to Redis can queue a job naming any function. `RenderWorker` looks at a
job before importing or calling anything it names: only `mockups.jobs.render_job` with one
valid `RenderJob` runs; any other job is failed with the reason in its meta (`error`). A job
whose run lives in a remote store renders in a scratch folder (`stored`). Its
connection waits out Redis outages (`reconnect.OutageRetry`), so a job in progress ends
finished with its run.json, or failed with a reason, once Redis is back.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading
import time
from dataclasses import asdict
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker, get_current_job
from rq.job import UNEVALUATED, Job, JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.utils import current_timestamp, now, utcformat
from rq.worker import WorkerStatus

from mockups.errors import MockupLabError, first_line, scrub
from mockups.jobs.budget import check_budget
from mockups.jobs.heap_line import HeapLine
from mockups.jobs.reconnect import outage_retry, patient_connection
from mockups.jobs.redaction import SecretScrubber, redacted_url, secrets_of
from mockups.jobs.redis_queue import (
    KEEP_SECONDS,
    QUEUE_NAME,
    SERIALIZER,
    MeasuredJob,
    RenderQueue,
    damage_of,
    damaged_record_reason,
)
from mockups.jobs.spec import RenderJob, confined, run_in_process
from mockups.jobs.stored import render_stored
from mockups.memory import set_up_for_rendering
from mockups.render.run import MockupResult
from mockups.runs.base import RunStore, StoreUnavailable
from mockups.runs.catalogue import runs

PR_SET_PDEATHSIG = 1
MAINTENANCE_SECONDS = 60
LOG_FORMAT = "%(asctime)s %(message)s"
LOG_DATE_FORMAT = "%H:%M:%S"
SAMPLE_WRITE_SECONDS = 0.25  # the heap line reaches Redis at most four times a second
STORE_BACKOFF_FIRST_SECONDS = 0.5
STORE_BACKOFF_CAP_SECONDS = 5.0


def render_job(fields: dict) -> dict:
    """Render one queued job into its run folder (`mockups.jobs.render_job`, run by RQ)."""
    current = get_current_job()
    assert current is not None, "render_job runs inside an RQ worker"
    try:
        # checked by the worker before it forked too: never trust one side
        job = confined(RenderJob.from_dict(fields))
        current.meta.update(done=0, pid=os.getpid(), landed=[], samples=[])
        current.save_meta()
        progress = MetaProgress(current)
        if job.store is None:
            check_budget(job)  # this machine's budget, in case the web process's differs
            run = run_in_process(job, progress=progress, sample=progress.sample)
        else:
            run = render_stored(job, progress=progress, sample=progress.sample)
    except Exception as error:
        current.meta["error"] = first_line(error)
        current.save_meta()
        raise
    return {"run_dir": job.run_dir, "mockups": len(run.mockups), "wall_seconds": run.wall_seconds}


class MetaProgress:
    """`render_run`'s progress callback: each mockup's count, template, RSS and heap, and its
    whole `MockupResult` (as a dict, in `landed`), in the job's meta; and, through `sample`,
    a renderer's heap line (`samples`, see `heap_line`), when the renderer draws one.

    Progress is news, not the record (run.json is): it is written once, never waiting for
    Redis, and never creates a job record that Redis lost; the next write, or the job's end,
    carries it. A landed mockup is written at once; the heap line at most every
    SAMPLE_WRITE_SECONDS, its latest points riding with the next write."""

    def __init__(self, job: Job, clock=time.monotonic) -> None:
        self.job = job
        self.landed: list[dict[str, Any]] = []
        self.line = HeapLine()
        self.clock = clock
        self._written_at: float | None = None
        self._lock = threading.Lock()  # a renderer may call from threads of its own

    def __call__(self, done: int, total: int, result: MockupResult) -> None:
        with self._lock:
            self.landed.append(asdict(result))
            self.job.meta.update(
                done=done,
                total=total,
                template=result.template,
                rss_bytes=result.rss_after_bytes,
                heap_bytes=result.heap_after_bytes,
                landed=self.landed,
            )
            self._write()

    def sample(self, seconds: float, rss_bytes: int, heap_bytes: int | None) -> None:
        """One point of the heap line: seconds since the render started, RSS, heap in use."""
        with self._lock:
            if not self.line.add(seconds, rss_bytes, heap_bytes):
                return
            self.job.meta["samples"] = [list(point) for point in self.line.points]
            written = self._written_at
            if written is None or self.clock() - written >= SAMPLE_WRITE_SECONDS:
                self._write()

    def _write(self) -> None:
        self._written_at = self.clock()
        retry = outage_retry(self.job.connection)
        try:
            if retry is None:
                _save_meta_if_kept(self.job)
            else:
                with retry.impatient():
                    _save_meta_if_kept(self.job)
        except RedisError:
            pass  # Redis is away: the render goes on, and its end is reported when it is back


class RenderWorker(Worker):
    """RQ's forking worker that runs only render jobs, and whose work horse dies with it.

    Without the second, a horse outlives a killed worker and goes on writing into a run
    folder that a retry may already be rendering into.
    """

    def dequeue_job_and_maintain_ttl(
        self, timeout: int | None, max_idle_time: int | None = None
    ) -> tuple[Job, Queue] | None:
        while True:
            try:
                return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
            except RedisError:
                raise
            except Exception as error:
                job_id, queue = getattr(error, "job_id", None), getattr(error, "queue", None)
                if job_id is None or queue is None:
                    raise
                self.fail_unreadable(job_id, queue, damaged_record_reason(error))

    def fail_unreadable(self, job_id: str, queue: Queue, reason: str) -> None:
        """Fail a job whose record RQ cannot read, instead of stopping on it (RQ would)."""
        self.log.warning("Worker %s: job %s refused: %s", self.name, job_id, reason)
        key = Job.key_for(job_id)
        with self.connection.pipeline() as pipeline:
            pipeline.lrem(queue.intermediate_queue_key, 1, job_id)
            pipeline.hset(
                key, mapping={"status": JobStatus.FAILED.value, "ended_at": utcformat(now())}
            )
            pipeline.expire(key, KEEP_SECONDS)
            failed = FailedJobRegistry(queue=queue)
            pipeline.zadd(failed.key, {job_id: current_timestamp() + KEEP_SECONDS})
            pipeline.execute()

    def execute_job(self, job: Job, queue: Queue) -> None:
        reason = damage_of(job)
        if reason is None:
            super().execute_job(job, queue)
        else:
            self.refuse(job, queue, reason)

    def refuse(self, job: Job, queue: Queue, reason: str) -> None:
        """Fail `job` without importing or calling anything it names."""
        _disarm(job)
        message = f"refused: {reason}"
        self.log.warning("Worker %s: job %s %s", self.name, job.id, message)
        job.meta = {**(job.meta if isinstance(job.meta, dict) else {}), "error": message}
        job.started_at = job.ended_at = now()
        self.connection.lrem(queue.intermediate_queue_key, 1, job.id)
        self.handle_job_failure(job, queue, exc_string=message)  # saves the meta with its error
        self.set_state(WorkerStatus.IDLE)

    def handle_job_success(
        self, job: Job, queue: Queue, started_job_registry: StartedJobRegistry
    ) -> None:
        # the job record is saved without its meta, which Redis may have lost meanwhile:
        # written first, so no one reads the job finished with its progress missing
        job.save_meta()
        super().handle_job_success(job, queue, started_job_registry)

    def handle_job_failure(self, job: Job, queue: Queue, started_job_registry=None, exc_string=""):
        # only a meta with the failure's reason is news; a stale copy must not overwrite one
        if isinstance(job.meta, dict) and job.meta.get("error"):
            job.save_meta()
        super().handle_job_failure(job, queue, started_job_registry, exc_string)

    def handle_exception(self, job: Job, *exc_info: Any) -> None:
        """A job failed for bad input or the store out of reach: one line, its reason (RQ's
        own handler logs a whole traceback, which stays for a real bug)."""
        error = exc_info[1] if len(exc_info) > 1 else None
        if isinstance(error, MockupLabError):
            self.log.warning("Worker %s: job %s failed: %s", self.name, job.id, first_line(error))
            return
        super().handle_exception(job, *exc_info)

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        _die_with_parent(self.pid)
        super().main_work_horse(job, queue)


def run_worker(url: str, burst: bool = False) -> bool:
    """Render queued jobs until stopped (or, with `burst`, until the queue is empty)."""
    set_up_for_rendering()  # before any thread allocates; the work horses inherit it
    where = redacted_url(url)
    store = runs().store  # a wrong MOCKUPLAB_STORAGE is one line now, not a failure per job
    _check_reachable(url, where)
    connection = patient_connection(url, where, report=_to_stderr)
    _log_without_secrets(secrets_of(url))
    _wait_for_store(store, burst)
    render_queue = RenderQueue(connection)
    render_queue.fail_abandoned()  # a restarted worker's predecessor may have left some
    worker = RenderWorker(
        [Queue(QUEUE_NAME, connection=connection, serializer=SERIALIZER, job_class=MeasuredJob)],
        connection=connection,
        serializer=SERIALIZER,
        job_class=MeasuredJob,
        maintenance_interval=MAINTENANCE_SECONDS,
        log_job_description=False,  # written by whoever queued the job
    )
    return worker.work(burst=burst)


def _wait_for_store(store: RunStore, burst: bool, sleep=time.sleep) -> None:
    """Take no job while the runs store cannot be reached: one line, then tries with backoff
    until it answers (as for Redis). A burst worker says so and goes on: its jobs fail with
    the reason."""
    pause = STORE_BACKOFF_FIRST_SECONDS
    reported = False
    while True:
        try:
            store.check()
            return
        except StoreUnavailable as error:
            if not reported:
                then = "its jobs fail until it is back" if burst else "waiting for it"
                _to_stderr(f"{error}; {then}")
                reported = True
            if burst:
                return
        sleep(pause)
        pause = min(pause * 2, STORE_BACKOFF_CAP_SECONDS)


def _check_reachable(url: str, where: str) -> None:
    secrets = secrets_of(url)
    try:
        connection = Redis.from_url(url, socket_connect_timeout=5)
    except ValueError as error:
        raise MockupLabError(f"bad Redis URL {where}: {scrub(str(error), secrets)}") from None
    try:
        connection.ping()
    except RedisError as error:
        reason = scrub(first_line(error), secrets)
        raise MockupLabError(f"cannot reach Redis at {where}: {reason}") from None
    finally:
        connection.close()


def _log_without_secrets(secrets: list[str]) -> None:
    """RQ's and the project's log lines (stdout, errors to stderr), each with `secrets`
    hidden."""
    formatter = logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT)
    for name in ("rq", "mockuplab"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        for stream, wanted in ((sys.stdout, _below_error), (sys.stderr, None)):
            handler = logging.StreamHandler(stream)
            handler.setFormatter(formatter)
            handler.addFilter(SecretScrubber(secrets))
            if wanted is not None:
                handler.addFilter(wanted)
            else:
                handler.setLevel(logging.ERROR)
            logger.addHandler(handler)


def _below_error(record: logging.LogRecord) -> bool:
    return record.levelno < logging.ERROR


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _disarm(job: Job) -> None:
    """Forget every callback, webhook, retry and repeat a refused job names.

    RQ has no public way to say this; these are the fields `Job.restore` fills."""
    job._success_callback_name = job._failure_callback_name = job._stopped_callback_name = None
    # rq's own "not loaded yet": with no name behind it, each callback property gives None
    job._success_callback = job._failure_callback = UNEVALUATED
    job._stopped_callback = None
    job.webhooks = []
    job.retries_left = job.repeats_left = None


def _save_meta_if_kept(job: Job) -> None:
    """`job.save_meta()`, unless Redis no longer holds the job (a restart that lost it)."""
    if job.connection.exists(job.key):
        job.save_meta()


def _die_with_parent(parent_pid: int | None) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the worker died before the request took hold
