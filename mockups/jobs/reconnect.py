"""A worker's Redis connection that rides out outages: every command waits for Redis to come
back (exponential backoff up to `BACKOFF_CAP_SECONDS`), and each outage is one line.

redis-py runs every command (and every reconnection) through its connection's `Retry`;
`OutageRetry` retries forever and reports the start of an outage through `report`. A caller
that must not wait (progress, which the next mockup repeats) asks `impatient()`: one try,
and no report (an outage that lasts is met, and reported, by the commands that wait).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from redis import Redis
from redis.backoff import ExponentialBackoff
from redis.connection import Connection
from redis.retry import Retry

from mockups.errors import first_line, scrub
from mockups.jobs.redaction import secrets_of

BACKOFF_BASE_SECONDS = 0.05
BACKOFF_CAP_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 5.0
# A command's first failure may be a socket that died with a Redis since restarted (one
# reconnection mends it); its second is an outage.
STRIKES = 2


class OutageRetry(Retry):
    """Retries a failed Redis command until Redis answers; one `report` line per outage.

    One instance serves every connection of a process (redis-py copies a connection's
    retry; this one hands out itself), and whether Redis is down lives in memory shared
    with forked children: an outage seen by several threads, or by a worker and its work
    horse, is one outage.
    """

    def __init__(self, where: str, report: Callable[[str], None]) -> None:
        super().__init__(ExponentialBackoff(cap=BACKOFF_CAP_SECONDS, base=BACKOFF_BASE_SECONDS), -1)
        self.where = where
        self.report = report
        self.secrets: list[str] = []
        # one byte shared across fork, without a lock a killed process could leave held;
        # two processes failing in the same instant may both report, no more
        self._down = multiprocessing.RawValue("b", 0)
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
        failures = 0

        def failed(error: Exception, count: int) -> None:
            nonlocal failures
            failures += 1
            if failures >= STRIKES:
                self._went_down(error)
            fail(error, count) if with_failure_count else fail(error)

        if getattr(self._local, "impatient", False):
            return self._once(do, fail, with_failure_count)
        return super().call_with_retry(do, failed, is_retryable, with_failure_count=True)

    def _once(self, do: Callable[[], Any], fail: Callable[..., Any], counted: bool) -> Any:
        try:
            return do()
        except self._supported_errors as error:
            fail(error, 1) if counted else fail(error)
            raise

    def _went_down(self, error: Exception) -> None:
        if self._down.value:
            return
        self._down.value = 1
        reason = scrub(first_line(error), self.secrets)
        self.report(
            f"Redis at {self.where} is unreachable ({reason}); "
            f"reconnecting with backoff (up to {BACKOFF_CAP_SECONDS:g} s between tries)"
        )

    def connected(self, connection: Connection) -> None:
        """redis-py's `redis_connect_func`: the handshake of a new connection, which only a
        Redis that answers completes; the end of an outage."""
        connection.on_connect()
        if self._down.value:
            self._down.value = 0


def patient_connection(url: str, where: str, report: Callable[[str], None]) -> Redis:
    """A Redis client for `url` whose commands wait out outages (see `OutageRetry`)."""
    retry = OutageRetry(where, report)
    retry.secrets = secrets_of(url)
    return Redis.from_url(
        url,
        retry=retry,
        redis_connect_func=retry.connected,
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
    )


def outage_retry(connection: Redis) -> OutageRetry | None:
    retry = connection.get_retry()
    return retry if isinstance(retry, OutageRetry) else None
