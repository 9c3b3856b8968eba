"""A worker's Redis connection that rides out outages: every command waits for Redis to come
back (exponential backoff up to `BACKOFF_CAP_SECONDS`), and each outage is one line.

redis-py runs every command (and every reconnection) through its connection's `Retry`;
`OutageRetry` retries forever and reports the start of an outage through `report`. A caller
that must not wait (progress, which the next mockup repeats) asks `impatient()`: one try.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from mockups.jobs.redaction import scrub, secrets_of

BACKOFF_BASE_SECONDS = 0.05
BACKOFF_CAP_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 5.0


class OutageRetry(Retry):
    """Retries a failed Redis command until Redis answers; one `report` line per outage.

    One instance serves every connection of a process (redis-py copies a connection's
    retry; this one hands out itself), so an outage seen by several threads is one outage.
    `quiet()` true silences the report (a worker while its work horse, which reports the
    same outage, runs).
    """

    def __init__(self, where: str, report: Callable[[str], None]) -> None:
        super().__init__(ExponentialBackoff(cap=BACKOFF_CAP_SECONDS, base=BACKOFF_BASE_SECONDS), -1)
        self.where = where
        self.report = report
        self.quiet: Callable[[], bool] = lambda: False
        self.secrets: list[str] = []
        self.outages = 0
        self._lock = threading.Lock()
        self._down = False
        self._local = threading.local()

    def __deepcopy__(self, memo: dict) -> OutageRetry:
        return self

    @contextmanager
    def impatient(self) -> Iterator[None]:
        """Inside the block a command is tried once and its error raised."""
        self._local.impatient = True
        try:
            yield
        finally:
            self._local.impatient = False

    def call_with_retry(
        self,
        do: Callable[[], Any],
        fail: Callable[..., Any],
        is_retryable: Callable[[Exception], bool] | None = None,
        with_failure_count: bool = False,
    ) -> Any:
        def failed(error: Exception, failures: int) -> None:
            self._went_down(error)
            fail(error, failures) if with_failure_count else fail(error)

        depth = getattr(self._local, "depth", 0)
        self._local.depth = depth + 1
        try:
            if getattr(self._local, "impatient", False):
                result = self._once(do, failed)
            else:
                result = super().call_with_retry(do, failed, is_retryable, with_failure_count=True)
        finally:
            self._local.depth = depth
        if depth == 0:
            self._came_back()  # the outermost command went through: Redis answers again
        return result

    def _once(self, do: Callable[[], Any], failed: Callable[[Exception, int], None]) -> Any:
        try:
            return do()
        except self._supported_errors as error:
            failed(error, 1)
            raise

    def _went_down(self, error: Exception) -> None:
        with self._lock:
            if self._down:
                return
            self._down = True
            self.outages += 1
        if not self.quiet():
            reason = scrub(
                str(error).strip().splitlines()[0] if str(error).strip() else "", self.secrets
            )
            self.report(
                f"Redis at {self.where} is unreachable ({reason or type(error).__name__}); "
                f"reconnecting with backoff (up to {BACKOFF_CAP_SECONDS:g} s between tries)"
            )

    def _came_back(self) -> None:
        if self._down:
            with self._lock:
                self._down = False


def patient_connection(url: str, where: str, report: Callable[[str], None]) -> Redis:
    """A Redis client for `url` whose commands wait out outages (see `OutageRetry`)."""
    retry = OutageRetry(where, report)
    retry.secrets = secrets_of(url)
    return Redis.from_url(url, retry=retry, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS)


def outage_retry(connection: Redis) -> OutageRetry | None:
    retry = connection.get_retry()
    return retry if isinstance(retry, OutageRetry) else None
