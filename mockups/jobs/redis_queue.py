"""Render jobs on Redis (RQ): the web process enqueues and polls, a worker process renders.

A job's progress travels in its RQ meta (`done`, `total`, `template`, `rss_bytes`, each
landed mockup's `MockupResult` as a dict in `landed`, and the rendering process's `pid`),
written by the worker after each mockup; a profiled job's heap line (the profiler's heap in
use beside RSS, sampled while it renders) in `samples`, bounded (`heap_line`). A job is
reported finished only when its run folder holds `run.json`, which the engine writes last.

What Redis holds is untrusted: a damaged or hand-written job is reported failed with a
reason, never a traceback, and a Redis URL is shown without its password.

A job whose run lives in a remote store is finished when the store holds its run.json; its
status copies the run's small files into the web's own run folder (`catalogue.run_arrived`).
"""

from __future__ import annotations

import os
import socket
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from pathlib import Path
from typing import Any

import psutil
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.exceptions import DeserializationError, NoSuchJobError
from rq.executions import Execution
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer
from rq.utils import current_timestamp

from mockups.errors import MockupLabError, first_line, scrub
from mockups.jobs.backend import JobNotFound, RenderStatus, State
from mockups.jobs.budget import check_budget
from mockups.jobs.heap_line import Point, heap_points
from mockups.jobs.redaction import redacted_url
from mockups.jobs.spec import BadJob, RenderJob, confined
from mockups.render.plan import RenderPlan
from mockups.render.run import RUN_FILE, MockupResult
from mockups.runs.catalogue import run_arrived, runs
from mockups.runs.folder import profile_block

REDIS_URL_ENV = "REDIS_URL"
QUEUE_NAME = "mockups"
RENDER_FUNCTION = "mockups.jobs.render_job"
JOB_TIMEOUT_SECONDS = 15 * 60
KEEP_SECONDS = 7 * 24 * 3600
# A job record holds its fields, a hundred landed mockups' figures and a bounded heap line: far
# under a megabyte. Larger, it is planted, and is refused unread.
MAX_RECORD_BYTES = 1024 * 1024
MAX_RECORD_FIELDS = 64
SERIALIZER = JSONSerializer
DEAD_WORKER_REASON = (
    "the worker rendering this job stopped before it finished (killed or crashed); "
    "its partial files are not a run: retry it"
)

_STATES: dict[JobStatus, State] = {
    JobStatus.CREATED: "queued",
    JobStatus.QUEUED: "queued",
    JobStatus.DEFERRED: "queued",
    JobStatus.SCHEDULED: "queued",
    JobStatus.STARTED: "started",
    JobStatus.FINISHED: "finished",
    JobStatus.FAILED: "failed",
    JobStatus.STOPPED: "failed",
    JobStatus.CANCELED: "failed",
}


class DamagedRecord(MockupLabError):
    """Redis holds a job record that RQ cannot read (damaged, or written by hand)."""


class QueueUnavailable(MockupLabError):
    """Redis cannot be reached (or its URL is malformed); the message hides its password."""


class MeasuredJob(Job):
    """RQ's job, whose record is measured in Redis before it is read (`HLEN`, `HSTRLEN`): a
    record planted at any size is refused (`DamagedRecord`) and costs no memory."""

    def refresh(self) -> None:
        record_size(self.connection, self.key)
        super().refresh()


def record_size(connection: Redis, key: str) -> int:
    """The bytes of the job record `key`; `DamagedRecord` when it is larger than any job's."""
    fields = connection.hlen(key)
    if fields > MAX_RECORD_FIELDS:
        raise DamagedRecord(f"not a render job: its record in Redis has {fields} fields")
    names = connection.hkeys(key)
    with connection.pipeline(transaction=False) as pipeline:
        for name in names:
            pipeline.hstrlen(key, name)
        size = sum(pipeline.execute()) + sum(len(name) for name in names)
    if size > MAX_RECORD_BYTES:
        raise DamagedRecord(
            f"not a render job: its record in Redis is {size / 2**20:.1f} MB, "
            "larger than any render job's"
        )
    return size


class RenderQueue:
    """Render jobs on one Redis: share one per process (connections are thread-safe)."""

    def __init__(self, connection: Redis, name: str = QUEUE_NAME) -> None:
        self.connection = connection
        self.queue = Queue(
            name, connection=connection, serializer=SERIALIZER, job_class=MeasuredJob
        )

    @classmethod
    def from_url(cls, url: str, name: str = QUEUE_NAME) -> RenderQueue:
        try:
            return cls(Redis.from_url(url), name)
        except ValueError as error:
            raise QueueUnavailable(f"bad Redis URL {redacted_url(url)}: {error}") from None

    def enqueue(self, job: RenderJob) -> str:
        """Queue `job` and return its id at once; refuses it (`JobRefused`) if over budget."""
        return self.submit(job)

    def submit(self, job: RenderJob, plan: RenderPlan | None = None) -> str:
        """`enqueue`, checking the budget against `plan` when the caller made one."""
        confined(job)
        estimate = plan.check().estimate if plan is not None else check_budget(job)
        with self._reaching_redis():
            self._enqueue(job, estimate.mockups)
        return job.id

    def _enqueue(self, job: RenderJob, mockups: int) -> None:
        self.queue.enqueue(
            RENDER_FUNCTION,
            args=(job.to_dict(),),
            job_id=job.id,
            job_timeout=JOB_TIMEOUT_SECONDS,
            result_ttl=KEEP_SECONDS,
            failure_ttl=KEEP_SECONDS,
            meta={"done": 0, "total": mockups, "landed": [], "samples": []},
            description=f"{Path(job.artwork).name} on {mockups} templates",
        )

    def status(self, job_id: str) -> RenderStatus:
        with self._reaching_redis():
            try:
                job = self._fetch(job_id)
                if job.get_status() == JobStatus.STARTED and job_id in self.fail_abandoned():
                    job = self._fetch(job_id)
                return self._status_of(job)
            except DamagedRecord as error:
                return RenderStatus(job_id=job_id, state="failed", run_dir="", error=str(error))

    def landed(self, job_id: str) -> list[MockupResult]:
        """Each mockup's figures as the worker reported them (none from a worker that
        reports only counts, or for a job Redis does not hold)."""
        return landed_mockups(self._meta_value(job_id, "landed"))

    def samples(self, job_id: str) -> list[Point]:
        """A profiled job's heap line so far, as its worker wrote it."""
        return heap_points(self._meta_value(job_id, "samples"))

    def _meta_value(self, job_id: str, name: str) -> Any:
        with self._reaching_redis():
            try:
                return _meta_of(self._fetch(job_id)).get(name)
            except (JobNotFound, DamagedRecord):
                return None

    def retry(self, job_id: str) -> None:
        """Queue a failed job again, same id and run folder, at the back of the line."""
        with self._reaching_redis():
            job = self._fetch(job_id)
            status = job.get_status()
            if status != JobStatus.FAILED:
                raise MockupLabError(
                    f"job {job_id} is {status.value}; only a failed job is retried"
                )
            error = damage_of(job)
            if error is not None:
                raise MockupLabError(f"job {job_id} cannot be retried: {error}")
            job.meta = {**_meta_of(job), "error": None}
            job.meta.update(
                done=0,
                template=None,
                rss_bytes=None,
                heap_bytes=None,
                pid=None,
                landed=[],
                samples=[],
            )
            job.save_meta()
            job.requeue()

    @contextmanager
    def _reaching_redis(self) -> Iterator[None]:
        """Redis's own errors as one line naming the server, without its password."""
        try:
            yield
        except RedisError as error:
            raise QueueUnavailable(
                f"Redis at {self.where} cannot be reached: {self._scrubbed(str(error))}"
            ) from None

    @property
    def where(self) -> str:
        """This queue's Redis, as messages name it (host:port/db, no password)."""
        kwargs = self.connection.connection_pool.connection_kwargs
        if "path" in kwargs:
            return f"{kwargs['path']}"
        return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"

    def _scrubbed(self, text: str) -> str:
        kwargs = self.connection.connection_pool.connection_kwargs
        return scrub(text, [str(kwargs["password"])] if kwargs.get("password") else [])

    def fail_abandoned(self) -> list[str]:
        """Fail the started jobs whose worker is gone; returns their ids.

        RQ itself fails them once their heartbeat lapses (a minute or more). A worker on this
        machine whose process is gone is known dead at once, so its jobs are moved on now,
        through RQ's own abandoned-job path: their registry entries are marked expired and
        the registry is cleaned.
        """
        registry = StartedJobRegistry(queue=self.queue)
        dead = []
        try:
            started = registry.get_job_and_execution_ids()
        except ValueError:
            return []  # a damaged entry: RQ's own cleanup of the registry drops it
        for job_id, execution_id in started:
            try:
                execution = Execution.fetch(execution_id, job_id, self.connection)
            except ValueError:
                continue  # its execution expired: RQ's own cleanup handles it
            if not worker_alive(self.connection, execution.worker_name):
                dead.append((job_id, execution.composite_key))
        if not dead:
            return []
        for job_id, entry in dead:
            self._record_error(job_id, DEAD_WORKER_REASON)
            self.connection.zadd(registry.key, {entry: 0}, xx=True)
        registry.cleanup(timestamp=current_timestamp())
        return [job_id for job_id, _ in dead]

    def _record_error(self, job_id: str, reason: str) -> None:
        try:
            job = self._fetch(job_id)
        except (JobNotFound, DamagedRecord):
            return
        job.meta = {**_meta_of(job), "error": reason}
        job.save_meta()

    def _fetch(self, job_id: str) -> Job:
        try:
            job = MeasuredJob.fetch(job_id, connection=self.connection, serializer=SERIALIZER)
            job.get_status(refresh=False)
            return job
        except DamagedRecord:
            raise
        except NoSuchJobError:
            raise JobNotFound(
                f"no render job {job_id} (jobs are kept {KEEP_SECONDS // 86400} days)"
            ) from None
        except RedisError:
            raise
        except Exception as error:
            raise DamagedRecord(damaged_record_reason(error)) from None

    def _status_of(self, job: Job) -> RenderStatus:
        state = _STATES.get(job.get_status(refresh=False), "failed")
        meta = _meta_of(job)
        error = _text(meta.get("error"))
        damage = damage_of(job)
        run_dir = "" if damage is not None else _run_dir_of(job)
        if damage is not None:
            # a worker refuses such a job; until one has, it is already known to be no job
            state, error = "failed", error or f"not a render job: {damage}"
        elif state == "finished" and not run_arrived(run_dir, _store_of(job)):
            state, error = "failed", f"the job ended but {RUN_FILE} is missing from {run_dir}"
        if state == "failed" and not error:
            error = failure_reason(job)
        position = self.queue.get_job_position(job.id) if state == "queued" else None
        return RenderStatus(
            job_id=job.id,
            state=state,
            run_dir=run_dir,
            place=None if position is None else position + 1,
            done=_count(meta.get("done")) or 0,
            total=_count(meta.get("total")) or 0,
            template=_text(meta.get("template")),
            rss_bytes=_count(meta.get("rss_bytes")),
            heap_bytes=_count(meta.get("heap_bytes")),
            error=self._scrubbed(error) if state == "failed" and error else None,
            enqueued_at=job.enqueued_at,
            started_at=job.started_at,
            ended_at=job.ended_at,
            landed=landed_mockups(meta.get("landed")),
            samples=heap_points(meta.get("samples")),
        )


def damage_of(job: Job) -> str | None:
    """Why the RQ job `job` is not a render job this project would run, or None if it is."""
    try:
        func_name, instance, args, kwargs = job.func_name, job.instance, job.args, job.kwargs
    except (DeserializationError, TypeError, ValueError):
        return "its data cannot be read"
    if func_name != RENDER_FUNCTION:
        shown = func_name if isinstance(func_name, str) else type(func_name).__name__
        return f"it names {shown[:80]!r}, and workers only run {RENDER_FUNCTION}"
    callbacks = [
        name
        for name in (
            job._success_callback_name,
            job._failure_callback_name,
            job._stopped_callback_name,
        )
        if name
    ]
    if instance is not None or kwargs or callbacks or job.webhooks:
        return "it asks for callbacks, webhooks or arguments a render job never has"
    if not isinstance(args, list | tuple) or len(args) != 1:
        return "its arguments are not one render job"
    try:
        fields_ = confined(RenderJob.from_dict(args[0]))
    except BadJob as error:
        return str(error)
    if fields_.id != job.id:
        return f"its fields name job {fields_.id}, not {job.id}"
    return None


def damaged_record_reason(error: BaseException) -> str:
    if isinstance(error, DamagedRecord):
        return str(error)
    detail = type(error).__name__
    if str(error).strip():
        detail = f"{detail}: {first_line(error, 120)}"
    return f"not a render job: its record in Redis cannot be read ({detail})"


def landed_mockups(entries: Any) -> list[MockupResult]:
    """Each landed mockup's figures from a job's meta, whatever an older or damaged worker
    wrote: entries that are not objects are skipped, missing or mistyped fields take their
    empty value."""
    if not isinstance(entries, list):
        return []
    return [_mockup(entry) for entry in entries if isinstance(entry, dict)]


def _mockup(entry: dict[str, Any]) -> MockupResult:
    hints = typing.get_type_hints(MockupResult)
    values: dict[str, Any] = {"profile": profile_block(entry)}  # the others checked below
    for item in fields(MockupResult):
        if item.name in values:
            continue
        hint, value = hints[item.name], entry.get(item.name)
        if not _fits(hint, value):
            value = _empty(hint)
        elif isinstance(value, int) and float in (hint, *typing.get_args(hint)):
            value = float(value)
        values[item.name] = value
    return MockupResult(**values)


def _fits(hint: Any, value: Any) -> bool:
    kinds = [k for k in typing.get_args(hint) if k is not type(None)] or [hint]
    if value is None:
        return type(None) in typing.get_args(hint)
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int) and float in kinds:
        return True
    return any(isinstance(value, kind) for kind in kinds)


def _empty(hint: Any) -> Any:
    if type(None) in typing.get_args(hint):
        return None
    return {int: 0, float: 0.0, str: "", bool: False}[hint]


def _meta_of(job: Job) -> dict[str, Any]:
    return job.meta if isinstance(job.meta, dict) else {}


def _run_dir_of(job: Job) -> str:
    """The run folder of a job `damage_of` passed, on this machine: the one it names, or for
    a stored job this machine's copy of its run (`catalogue.Runs.copy_of`)."""
    run_dir = job.args[0]["run_dir"]
    if _store_of(job) is None:
        return run_dir
    return str(runs().copy_of(Path(run_dir).name))


def _store_of(job: Job) -> str | None:
    try:
        store = job.args[0].get("store")
    except (DeserializationError, LookupError, TypeError, ValueError, AttributeError):
        return None
    return store if isinstance(store, str) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def redis_url_from_env() -> str | None:
    """`$REDIS_URL`: when set, renders go to the queue; when not, to embedded slots."""
    return os.environ.get(REDIS_URL_ENV) or None


def worker_alive(connection: Redis, worker_name: str) -> bool:
    """False when the worker's key has expired, or its process on this machine is gone."""
    if not worker_name:
        return True  # not yet known: the job is being handed over
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + worker_name, connection)
    if worker is None:
        return False
    if worker.hostname != socket.gethostname() or worker.pid is None:
        return True  # another machine: its heartbeat decides, through RQ's own cleanup
    try:
        process = psutil.Process(worker.pid)
        # a pid reused by a process started after the worker is not the worker
        born = worker.birth_date.timestamp() if worker.birth_date else float("inf")
        return process.status() != psutil.STATUS_ZOMBIE and process.create_time() <= born + 1
    except psutil.NoSuchProcess:
        return False


def failure_reason(job: Job) -> str:
    """One line from what RQ recorded when the job failed outside the render itself."""
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or ""
    if "Work-horse terminated unexpectedly" in text:
        signal = text.partition("(signal ")[2].partition(")")[0]
        killed = f" by signal {signal}" if signal else ""
        return (
            f"the process rendering this job was killed{killed} before it finished "
            "(out of memory?); retry it"
        )
    if "JobTimeoutException" in text:
        return f"the render took longer than {JOB_TIMEOUT_SECONDS} s and was stopped"
    if "AbandonedJobError" in text:
        return DEAD_WORKER_REASON
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "the job failed without a reason"
