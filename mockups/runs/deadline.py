"""A whole exchange with the runs store bounded in time, not only each wait for bytes.

urllib3's read timeout bounds each wait: a server that sends a byte every two seconds keeps a
request going for ever. Inside `bounded(seconds)`, every connection the thread opens or sends
on joins one deadline; when it passes, a watchdog shuts their sockets (a read blocked on one
ends at once) and any request started after it raises `TransferTimedOut`. Blocks nest: the
nearer deadline holds.

`pool_manager(...)` is a urllib3 `PoolManager` whose connections join the thread's deadline.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from typing import Any


class TransferTimedOut(Exception):
    """The exchange's deadline passed before it ended (not an OSError: urllib3 must not retry
    it)."""


class Deadline:
    """One deadline, and the connections that must not outlive it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._connections: list[Any] = []
        self._lock = threading.Lock()

    def watch(self, connection: Any) -> None:
        """Shut `connection` when the deadline passes; `TransferTimedOut` if it has."""
        with self._lock:
            if self.expired:
                raise TransferTimedOut(f"given up after {self.seconds:g} s")
            if connection not in self._connections:
                self._connections.append(connection)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            connections = list(self._connections)
        for connection in connections:
            _shut(connection)


_current = threading.local()


def current() -> Deadline | None:
    """The deadline of the innermost `bounded` block of this thread, if any."""
    return getattr(_current, "deadline", None)


@contextmanager
def bounded(seconds: float) -> Iterator[Deadline]:
    """Every request this thread makes inside the block ends within `seconds` (or sooner, if
    an enclosing block's deadline is nearer)."""
    outer = current()
    if outer is not None and outer.ends <= time.monotonic() + seconds:
        yield outer
        return
    deadline = Deadline(seconds)
    timer = threading.Timer(seconds, deadline.expire)
    timer.daemon = True
    timer.start()
    _current.deadline = deadline
    try:
        yield deadline
    finally:
        timer.cancel()
        _current.deadline = outer


def pool_manager(**kwargs: Any) -> Any:
    """`urllib3.PoolManager(**kwargs)` whose connections keep their thread's deadlines
    (urllib3 is imported here, so a process on the local runs folder never loads it)."""
    import urllib3

    manager = urllib3.PoolManager(**kwargs)
    manager.pool_classes_by_scheme = _watched_pools()
    return manager


@cache
def _watched_pools() -> dict[str, type]:
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    class Watched:
        """A connection that joins its thread's deadline when it connects and sends."""

        def connect(self) -> None:
            super().connect()  # type: ignore[misc]
            _join(self)

        def request(self, *args: Any, **kwargs: Any) -> None:
            _join(self)
            super().request(*args, **kwargs)  # type: ignore[misc]

    class WatchedHTTPConnection(Watched, HTTPConnection):
        pass

    class WatchedHTTPSConnection(Watched, HTTPSConnection):
        pass

    class WatchedPool(HTTPConnectionPool):
        ConnectionCls = WatchedHTTPConnection

    class WatchedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = WatchedHTTPSConnection

    return {"http": WatchedPool, "https": WatchedHTTPSPool}


def _join(connection: Any) -> None:
    deadline = current()
    if deadline is not None:
        deadline.watch(connection)


def _shut(connection: Any) -> None:
    """Shut the connection's socket at the OS level: a read blocked on it returns at once."""
    sock = getattr(connection, "sock", None)
    if sock is None:
        return
    with suppress(OSError):  # already closed
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
