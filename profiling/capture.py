"""Taking the captures: memray Trackers, and markers at each mockup's start and end.

A marker is a throw-away allocation of a recognisable size, made by `_mark` in the thread that
renders the mockup. The replay finds the markers among the capture's events and splits the
events there, thread by thread: that is what makes the per-mockup figures exact in threads
mode too, where one capture holds several mockups at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import memray

from profiling.warmup import warm_up_once

RUN_CAPTURE = "run.bin"
MEMORY_INTERVAL_MS = 5
MARKER_BASE_BYTES = 196_613
MAX_MARKED_INDEX = 9_999
MARKER_FILE = __file__
MARKER_FUNCTION = "_mark"


def capture_name(index: int, template_key: str) -> str:
    return f"{index:02d}-{file_slug(template_key)}.bin"


def file_slug(template_key: str) -> str:
    """A template key (`id` or `id@variant`) as it may appear in a file name."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", template_key)


def new_tracker(path: Path | str) -> memray.Tracker:
    """A Tracker writing every event (not aggregated: the replay needs their order)."""
    return memray.Tracker(
        path,
        memory_interval_ms=MEMORY_INTERVAL_MS,
        file_format=memray.FileFormat.ALL_ALLOCATIONS,
    )


def marker_bytes(index: int, end: bool) -> int:
    """What malloc is asked for by the marker of mockup `index`'s start or end."""
    if not 1 <= index <= MAX_MARKED_INDEX:
        raise ValueError(f"mockup index {index} is outside 1..{MAX_MARKED_INDEX}")
    return MARKER_BASE_BYTES + 2 * index + int(end)


def decode_marker_bytes(size: int) -> tuple[int, bool] | None:
    """(index, end) when `size` is a marker's size; the caller still checks the stack."""
    offset = size - MARKER_BASE_BYTES
    index, end = divmod(offset, 2)
    if 1 <= index <= MAX_MARKED_INDEX:
        return index, bool(end)
    return None


def is_marker_frame(frame: tuple[str, str, int]) -> bool:
    function, filename, _ = frame
    return function == MARKER_FUNCTION and filename == MARKER_FILE


def _mark(index: int, end: bool) -> None:
    # bytearray(n) asks malloc for n + 1 bytes: its trailing NUL
    bytearray(marker_bytes(index, end) - 1)


@contextmanager
def marked(index: int) -> Iterator[None]:
    _mark(index, end=False)
    try:
        yield
    finally:
        _mark(index, end=True)


@dataclass(frozen=True)
class MockupCapture:
    """The engine's `instrument`: marks each mockup where it is rendered.

    With `own_tracker` (processes mode) it first opens a Tracker of its own for the mockup,
    `capture_dir/NN-<template>.bin`, after warming the worker up once.
    """

    capture_dir: str
    own_tracker: bool = False

    def __call__(self, index: int, template_id: str) -> AbstractContextManager[None]:
        return self._captured(index, template_id)

    @contextmanager
    def _captured(self, index: int, template_id: str) -> Iterator[None]:
        if not self.own_tracker:
            with marked(index):
                yield
            return
        warm_up_once()
        path = Path(self.capture_dir) / capture_name(index, template_id)
        with new_tracker(path), marked(index):
            yield
