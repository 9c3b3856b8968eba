"""Memray's figures while a profiled run renders: per mockup as it lands, and a heap line.

`LiveFigures` runs in the profiled process around its capture. It starts the live reader
(`profiling.live_reader`, a process of its own: no process can read its own capture) and
turns what the reader sends back into calls of `progress(done, total, result)`, each result
with its mockup's memray figures filled in (heap peak, allocated, leaked, top site) and the
leak flag, and of `sample(seconds, rss_bytes, heap_bytes)` about every SAMPLE_SECONDS.
Both are called from one thread of its own, in the order mockups landed.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from mockups.render.run import MockupResult, Progress
from profiling.capture import capture_name
from profiling.figures import MockupFigures
from profiling.leaks import leak_reason
from profiling.live_reader import SAMPLE_SECONDS

Sample = Callable[[float, int, int | None], None]
WAIT_FOR_READER_SECONDS = 30.0
# The reader is started through a launcher that forks it off and exits: it is then nobody's
# child, so the run's RSS (which sums children in processes mode) and ru_maxrss leave it out.
LAUNCH = (
    "import os, runpy\n"
    "if os.fork():\n"
    "    os._exit(0)\n"
    "runpy.run_module('profiling.live_reader', run_name='__main__', alter_sys=True)\n"
)

__all__ = ["SAMPLE_SECONDS", "LiveFigures", "Sample"]


@dataclass(frozen=True)
class Landed:
    done: int
    total: int
    result: MockupResult


class LiveFigures:
    """The engine's `progress` for a profiled run: holds each landed mockup until the live
    reader has its figures, then hands it on. Enter before the capture starts, leave after
    it stops (leaving tells the reader the capture is complete)."""

    def __init__(
        self,
        capture_dir: Path,
        *,
        mode: str,
        progress: Progress | None,
        sample: Sample | None,
    ) -> None:
        self.capture_dir = capture_dir
        self.mode = mode
        self.progress = progress
        self.sample = sample
        self.reader_rss_peak_bytes: int | None = None
        self.reader_cpu_seconds: float | None = None
        # the captures the reader replayed whole, by file name: `replay.account_totals`
        self.replayed: dict[str, dict] = {}
        self._launcher: subprocess.Popen | None = None
        self._waiting: list[Landed] = []
        self._figures: dict[int, dict] = {}
        self._leaks: list[int] = []
        self._lock = threading.Lock()
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._follow, name="live-figures", daemon=True)
        self._to_reader: IO[bytes] | None = None
        self._from_reader: IO[bytes] | None = None

    @property
    def listened_to(self) -> bool:
        """Without a progress or sample callback nobody waits for figures: no reader runs."""
        return self.progress is not None or self.sample is not None

    def __enter__(self) -> LiveFigures:
        if not self.listened_to:
            return self
        arguments = [str(self.capture_dir), str(os.getpid()), self.mode]
        launcher = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._launcher = launcher  # it exits at once (the reader keeps its pipes): reaped on exit
        assert launcher.stdin is not None and launcher.stdout is not None
        self._to_reader, self._from_reader = launcher.stdin, launcher.stdout
        self._thread.start()
        return self

    def started(self, started_unix: float) -> None:
        """The run starts now: samples count their seconds from here. Without a `sample`
        callback the reader is not told, so it takes none (each reads the whole capture)."""
        if self.sample is not None:
            self._tell({"started_unix": started_unix})

    def __call__(self, done: int, total: int, result: MockupResult) -> None:
        """A mockup landed: ask the reader for its figures (it wakes up at once)."""
        with self._lock:
            self._waiting.append(Landed(done, total, result))
        own = capture_name(result.index, result.template) if self.mode == "processes" else None
        self._tell({"landed": result.index, "capture": own, "last": done == total})

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._to_reader is None:
            return
        self.capture_complete()
        assert self._launcher is not None
        self._launcher.wait()
        self._thread.join(WAIT_FOR_READER_SECONDS)
        assert self._from_reader is not None
        self._from_reader.close()
        if kind is not None:
            return
        with self._lock:
            self._deliver(everything=True)  # a reader that died leaves the figures out
        if self._failure is not None:
            raise self._failure

    def captures_replayed(self) -> dict[str, dict]:
        """The reader's account of each capture it replayed whole (the run's, or in processes
        mode each mockup's own), by file name, once it is done (waiting for it to finish):
        none without a reader, and what it had if it died."""
        if self._to_reader is None:
            return {}
        self.capture_complete()
        self._thread.join(WAIT_FOR_READER_SECONDS)
        return dict(self.replayed)

    def capture_complete(self) -> None:
        """The capture has stopped: the reader reads it whole and sends what is left."""
        if self._to_reader is not None and not self._to_reader.closed:
            self._to_reader.close()  # end of file is the message

    def _tell(self, message: dict) -> None:
        if self._to_reader is None:
            return
        try:
            self._to_reader.write((json.dumps(message) + "\n").encode())
            self._to_reader.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader is gone: the mockups go on without their live figures

    def _follow(self) -> None:
        assert self._from_reader is not None
        for line in self._from_reader:
            message = json.loads(line)
            try:
                if "sample" in message:
                    if self.sample is not None:
                        self.sample(*message["sample"])
                elif "mockup" in message:
                    with self._lock:
                        self._figures[message["mockup"]] = message["figures"]
                        self._deliver()
                elif "replayed" in message:
                    self.replayed[message["replayed"]] = message["totals"]
                elif "reader_rss_peak_bytes" in message:
                    self.reader_rss_peak_bytes = message["reader_rss_peak_bytes"]
                    self.reader_cpu_seconds = message["reader_cpu_seconds"]
                    return  # its last message: no need to wait while it frees its heap
            except BaseException as failure:  # the caller's callback: raised again on exit
                self._failure = self._failure or failure

    def _deliver(self, everything: bool = False) -> None:
        """Hand on the landed mockups whose figures are here, in the order they landed."""
        while self._waiting and (everything or self._waiting[0].result.index in self._figures):
            landed = self._waiting.pop(0)
            result = self._with_figures(landed.result)
            if self.progress is not None:
                self.progress(landed.done, landed.total, result)

    def _with_figures(self, result: MockupResult) -> MockupResult:
        figures = self._figures.pop(result.index, None)
        if figures is None:
            return result
        found = MockupFigures(**figures)
        leaked = found.leaked_bytes or 0
        self._leaks.append(leaked)
        reason = leak_reason(leaked, statistics.median(self._leaks))
        return found.with_changes(leak_reason=reason).on(result)
