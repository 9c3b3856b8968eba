"""HTTP to Etsy: a timeout on every call, retries with backoff, pacing by Etsy's rate headers.

Mounted on the `requests` sessions etsy-python and requests-oauthlib use. A request is retried
when it cannot have changed anything (it never reached Etsy, or Etsy answered 429) or when
repeating it is harmless (GET, PUT, PATCH, DELETE after a 5xx, a timeout or a dropped
connection). A POST whose outcome is unknown is not repeated here: the caller finds out
what happened first (see `etsy_sync.push`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError

from etsy_sync.errors import RateLimited

log = logging.getLogger(__name__)

REPEATABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"})
TRANSPORT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_total_wait: float = 120.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    # Requests kept back from Etsy's allowances, so we slow down before they reach zero.
    per_second_reserve: int = 1
    daily_reserve: int = 20
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    jitter: Callable[[float, float], float] = field(default=random.uniform, repr=False)

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    def backoff(self, attempt: int) -> float:
        """Exponential, with jitter: between half and all of base * 2^(attempt-1), capped."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return self.jitter(ceiling / 2, ceiling)


@dataclass(frozen=True)
class CallRecord:
    """One HTTP attempt: what was asked, what came back, and what we did about it."""

    at: float
    method: str
    path: str
    attempt: int
    status: int | None
    outcome: str
    seconds: float
    retry_in: float | None = None


CallRecorder = Callable[[CallRecord], None]


class EtsyTransport(HTTPAdapter):
    def __init__(self, policy: RetryPolicy, on_call: CallRecorder | None = None) -> None:
        super().__init__(max_retries=0)
        self.policy = policy
        self.on_call = on_call
        self._resume_at = 0.0
        self._remaining_today: int | None = None

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        timeout = timeout if timeout is not None else self.policy.timeout
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            waited += self._pace()
            started_at, started = time.time(), time.perf_counter()
            try:
                response = super().send(request, stream, timeout, verify, cert, proxies)
                if not stream:
                    response.content  # noqa: B018  # read now, so a body cut short is retried too
            except TRANSPORT_ERRORS as error:
                repeatable = _never_sent(error) or request.method in REPEATABLE_METHODS
                delay = self._delay(attempt, waited, self.policy.backoff(attempt), repeatable)
                outcome = "timeout" if isinstance(error, requests.Timeout) else "connection-error"
                self._record(request, attempt, None, outcome, started_at, started, delay)
                if delay is None:
                    raise
            else:
                self._note_rate_headers(response)
                delay = self._delay_after(response, attempt, waited, request.method)
                outcome = _outcome(response.status_code)
                self._record(
                    request, attempt, response.status_code, outcome, started_at, started, delay
                )
                if delay is None:
                    return response
                response.close()
            self.policy.sleep(delay)
            waited += delay

    @property
    def remaining_today(self) -> int | None:
        """`x-remaining-today` from Etsy's last answer; None before any."""
        return self._remaining_today

    def _delay_after(
        self, response: requests.Response, attempt: int, waited: float, method: str
    ) -> float | None:
        status = response.status_code
        if status == 429 and _int_header(response, "x-remaining-today") == 0:
            return None  # the daily allowance is spent: no wait of seconds brings it back
        if status == 429:
            wanted = max(self.policy.backoff(attempt), _retry_after_seconds(response))
            return self._delay(attempt, waited, wanted, True)
        if status >= 500:
            repeatable = method in REPEATABLE_METHODS
            return self._delay(attempt, waited, self.policy.backoff(attempt), repeatable)
        return None

    def _delay(self, attempt: int, waited: float, wanted: float, repeatable: bool) -> float | None:
        """The wait before the next attempt, or None to stop retrying."""
        if not repeatable or attempt >= self.policy.max_attempts:
            return None
        if waited + wanted > self.policy.max_total_wait:
            return None
        return wanted

    def _pace(self) -> float:
        if self._remaining_today is not None and self._remaining_today <= self.policy.daily_reserve:
            raise RateLimited(
                f"Etsy's daily request allowance is nearly spent ({self._remaining_today} left); "
                "try again tomorrow",
                429,
            )
        pause = self._resume_at - time.monotonic()
        if pause <= 0:
            return 0.0
        self.policy.sleep(pause)
        self._resume_at = 0.0
        return pause

    def _note_rate_headers(self, response: requests.Response) -> None:
        this_second = _int_header(response, "x-remaining-this-second")
        if this_second is not None and this_second <= self.policy.per_second_reserve:
            self._resume_at = time.monotonic() + 1.0
        today = _int_header(response, "x-remaining-today")
        if today is not None:
            self._remaining_today = today

    def _record(
        self,
        request: requests.PreparedRequest,
        attempt: int,
        status: int | None,
        outcome: str,
        started_at: float,
        started: float,
        retry_in: float | None,
    ) -> None:
        assert request.url is not None, "a request is prepared with its URL before it is sent"
        url = urlsplit(request.url)
        record = CallRecord(
            at=started_at,
            method=request.method or "",
            path=url.path + (f"?{url.query}" if url.query else ""),
            attempt=attempt,
            status=status,
            outcome=outcome,
            seconds=round(time.perf_counter() - started, 4),
            retry_in=None if retry_in is None else round(retry_in, 3),
        )
        log.debug("%s %s attempt %d: %s %s", record.method, record.path, attempt, status, outcome)
        if self.on_call is not None:
            self.on_call(record)


def _outcome(status: int) -> str:
    if status < 400:
        return "ok"
    if status == 429:
        return "rate-limited"
    return "server-error" if status >= 500 else "refused"


def _never_sent(error: Exception) -> bool:
    """True when the connection was never made, so Etsy cannot have seen the request."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    reason = error.args[0] if error.args else None
    return isinstance(reason, MaxRetryError) and isinstance(reason.reason, ConnectTimeoutError)


def _retry_after_seconds(response: requests.Response) -> float:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return 0.0


def _int_header(response: requests.Response, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def mount(session: requests.Session, transport: EtsyTransport) -> None:
    session.mount("https://", transport)
    session.mount("http://", transport)
