"""Resident memory of this process (and its workers), read from the kernel via psutil."""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from functools import cache

import psutil
from PIL import Image

SAMPLE_SECONDS = 0.01


def rss_bytes() -> int:
    return psutil.Process().memory_info().rss


def rss_with_children_bytes() -> int:
    process = psutil.Process()
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.Error:
            continue
    return total


def release_freed_memory() -> None:
    """Hand already-freed memory back to the system: Pillow's block cache, glibc's arenas."""
    Image.core.clear_cache()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


class PeakRssSampler:
    """Samples RSS every 10 ms on a daemon thread while in use; `.peak_bytes` is the highest."""

    def __init__(self, include_children: bool = False) -> None:
        self._read = rss_with_children_bytes if include_children else rss_bytes
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self.peak_bytes = 0

    def __enter__(self) -> PeakRssSampler:
        self.peak_bytes = self._read()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_bytes = max(self.peak_bytes, self._read())

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.peak_bytes = max(self.peak_bytes, self._read())
