"""Resident memory of this process (and its workers), read from the kernel via psutil."""

from __future__ import annotations

import threading

import psutil

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
