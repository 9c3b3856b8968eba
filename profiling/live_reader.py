"""The live reader: a process of its own that follows a capture while memray writes it.

A process cannot read its own capture (what the reading allocates is captured too, and the
capture grows as fast as it is read), so `profiling.live.LiveFigures` starts this one beside
the profiled process. When told a mockup landed it reads the capture's events so far (again
every RETRY_SECONDS until that mockup's end marker is among them) and feeds the new ones to
the same `CaptureAccount` the finished profile replays with. A mockup's figures depend only
on the events up to its end marker, so the figures sent as it lands are the ones the
finished profile reports. A thread of its own sends the profiled process's RSS and memray's
heap in use every SAMPLE_SECONDS.

    python -m profiling.live_reader CAPTURE_DIR PID MODE

stdin, JSON lines from the profiled process: {"started_unix": t} when the run starts, if it
wants samples (they are sent from then on, their seconds counted from t); {"landed": N,
"capture": "NN-<id>.bin" or null, "last": bool} as each mockup lands (processes mode names the
mockup's own capture; "last": the run has no more to render); end of file once the capture is
complete.
stdout, JSON lines: {"sample": [seconds, rss_bytes, heap_bytes or null]},
{"mockup": N, "figures": {MockupResult field: value}}, {"replayed": "<capture>.bin",
"totals": `replay.account_totals`} for each capture read whole, last
{"reader_rss_peak_bytes": n, "reader_cpu_seconds": s}.
"""

from __future__ import annotations

import gc
import itertools
import json
import logging
import os
import resource
import select
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import memray
import memray._memray
import psutil
from memray import MemorySnapshot

from profiling.capture import RUN_CAPTURE
from profiling.replay import (
    CaptureAccount,
    MockupHeap,
    account_totals,
    finish_mockup,
    replay_capture,
    replay_totals,
)

SAMPLE_SECONDS = 0.2
# A sample's heap is memray's, from a pass over the whole capture, which grows as it is
# written: the sampler waits long enough after each that it takes at most this share of a
# core from the render (late in a studio-10 run, 0.1 CPU s a sample).
SAMPLER_CPU_SHARE = 0.2
RETRY_SECONDS = 0.1  # a landed mockup whose end marker was not read yet
# Each read parses the capture from its start, so it takes longer as the capture grows: after
# one, the reader rests READ_REST times as long before the next (landings wait and are read
# together), so it keeps up with the run instead of falling ever further behind.
READ_REST = 1.0
IDLE_SECONDS = 1.0


class FollowedCapture:
    """A capture being written, read again from the start each time (memray cannot resume).

    It keeps only the events a mockup still rendering may need (from the earliest such
    mockup's start marker on), not the whole capture: in sequential mode one mockup's events.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.account = CaptureAccount()
        self.window = EventWindow()
        self.closed = False
        self.pid = 0  # the tracked process's, and memray's memory snapshots: read when closed
        self.snapshots: list[MemorySnapshot] = []

    def read(self, complete: bool) -> list[MockupHeap]:
        """Feed the events written since the last read; the mockups that ended in them, with
        their sites. Until the capture is `complete`, the last event read is left for the
        next read: memray may be half-way through writing it."""
        if self.closed or not self.path.exists():
            return []
        try:
            with memray.FileReader(self.path) as reader:
                records = _readable(reader.get_allocation_records())
                fresh = list(itertools.islice(records, self.account.fed, None))
                if complete:
                    self.pid = reader.metadata.pid
                    self.snapshots = list(reader.get_memory_snapshots())
        except (OSError, RuntimeError, ValueError):
            return []  # not started yet, or being compressed as its Tracker stops
        if not complete:
            fresh = fresh[:-1]
        self.window.extend(fresh)
        ended = [self.account.feed(record) for record in fresh]
        finished = [heap for heap in ended if heap is not None]
        if complete:
            finished += list(self.account.rendering.values())
            self.account.close()
            self.closed = True
        for heap in finished:
            finish_mockup(heap, self.window, self.account)
        starts = [heap.start_event for heap in self.account.rendering.values()]
        self.window.forget_before(min(starts, default=self.account.fed))
        return finished


class EventWindow(Sequence):
    """The capture's events from number `start` on, indexed by their number in the capture."""

    def __init__(self) -> None:
        self.start = 0
        self.events: list = []

    def extend(self, events: list) -> None:
        self.events.extend(events)

    def forget_before(self, position: int) -> None:
        if position > self.start:
            del self.events[: position - self.start]
            self.start = position

    def __getitem__(self, position):
        if position < self.start:
            raise IndexError(f"event {position} was forgotten (the window starts at {self.start})")
        return self.events[position - self.start]

    def __len__(self) -> int:
        return self.start + len(self.events)


_Record = TypeVar("_Record")  # memray's allocation records or its memory snapshots


def _readable(records: Iterable[_Record]) -> Iterator[_Record]:
    try:
        yield from records
    except (OSError, RuntimeError, ValueError):
        return  # the end of what memray has written so far


def heap_figures(heap: MockupHeap) -> dict[str, object]:
    """A finished mockup's memray figures, named as `MockupFigures`' fields."""
    peak_sites = [site for site in heap.sites if site.kind == "peak"]
    top = peak_sites[0] if peak_sites else None
    return {
        "heap_peak_bytes": heap.heap_peak_bytes,
        "allocated_bytes": heap.allocated_bytes,
        "allocations": heap.allocations,
        "leaked_bytes": heap.leaked_bytes,
        "one_time_bytes": heap.one_time_bytes,
        "heap_exact": True,
        "top_site": top.location if top else None,
        "top_site_function": top.function if top else None,
    }


class Reader:
    def __init__(self, capture_dir: Path, pid: int, mode: str) -> None:
        self.capture_dir = capture_dir
        self.processes = mode == "processes"
        # processes mode: the parent's capture has no markers and fills with its RSS sampler's
        # small buffers; the heap line is the rendering tasks' own captures instead
        self.run = None if self.processes else FollowedCapture(capture_dir / RUN_CAPTURE)
        self.process = psutil.Process(pid)
        self.started_unix: float | None = None
        self.own_captures: dict[int, str] = {}  # processes mode: landed mockups' captures
        self.landed: set[int] = set()
        self.last_landed = False
        self.sent: set[int] = set()
        self.requests = b""
        self.ended = threading.Event()  # set, the capture is complete: wakes the sampler at once
        self.sampling = threading.Event()  # set when the run starts (or the capture completes)

    def follow(self) -> None:
        sampler = threading.Thread(target=self._sample_until_complete, daemon=True)
        sampler.start()
        next_read = 0.0
        while not self.complete:
            waiting = self.landed - self.sent
            self._wait(RETRY_SECONDS if waiting else IDLE_SECONDS)  # a landing wakes it
            started = time.monotonic()
            if self.complete or (self._worth_reading_now() and started >= next_read):
                self._read_captures()
                next_read = started + (time.monotonic() - started) * (1 + READ_REST)
        sampler.join()
        if self.run is not None and self.run.closed:
            run = self.run
            totals = account_totals(run.account, run.pid, run.snapshots)
            _send({"replayed": run.path.name, "totals": totals})
        usage = resource.getrusage(resource.RUSAGE_SELF)
        _send(
            {
                "reader_rss_peak_bytes": usage.ru_maxrss * 1024,
                "reader_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
            }
        )

    def _sample_until_complete(self) -> None:
        """RSS now and memray's heap in use at its latest memory snapshot (every 5 ms of the
        capture), the first as soon as the run starts (a run shorter than SAMPLE_SECONDS
        gets one too), then every SAMPLE_SECONDS or, once a sample costs more,
        `sample_interval`. Memray computes the snapshots' heap in C++: reading them is
        several times cheaper than reading the events."""
        self.sampling.wait()
        if self.started_unix is None:
            return  # the run asked for no samples, and its capture is complete
        next_sample = time.monotonic()
        while True:
            cpu_before = time.thread_time()
            self._send_sample()
            if self.complete:
                return
            interval = sample_interval(time.thread_time() - cpu_before)
            next_sample = max(next_sample + interval, time.monotonic())
            self.ended.wait(max(0.0, next_sample - time.monotonic()))  # a slow read eats it

    def _wait(self, seconds: float) -> None:
        """Take the profiled process's messages that arrive within `seconds`."""
        ready, _, _ = select.select([sys.stdin.fileno()], [], [], seconds)
        if not ready:
            return
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:
            self.ended.set()
            self.sampling.set()
            return
        self.requests += chunk
        *lines, self.requests = self.requests.split(b"\n")
        for line in lines:
            message = json.loads(line)
            if "started_unix" in message:
                self.started_unix = message["started_unix"]
                self.sampling.set()
            if "landed" in message:
                self.landed.add(message["landed"])
                self.last_landed = self.last_landed or bool(message.get("last"))
            if message.get("capture"):
                self.own_captures[message["landed"]] = message["capture"]

    def _worth_reading_now(self) -> bool:
        """Whether a landed mockup waits for figures that a read now would give sooner. Once
        the last has landed, the run capture is read once more, whole, when it is complete
        (a read begun just before would only delay that one)."""
        if not self.landed - self.sent:
            return False
        return self.run is None or not self.last_landed

    @property
    def complete(self) -> bool:
        return self.ended.is_set()

    def _read_captures(self) -> None:
        if self.run is not None:
            for heap in self.run.read(complete=self.complete):
                self._send_figures(heap)
        for index, name in list(self.own_captures.items()):
            try:
                replayed = replay_capture(self.capture_dir / name)
            except (OSError, RuntimeError, ValueError):
                continue  # not readable yet: the next round tries again
            own = replayed.mockups.get(index)
            if own is not None:
                self._send_figures(own)
            _send({"replayed": name, "totals": replay_totals(replayed)})
            del self.own_captures[index]

    def _send_figures(self, heap: MockupHeap) -> None:
        self.sent.add(heap.index)
        _send({"mockup": heap.index, "figures": heap_figures(heap)})

    def _send_sample(self) -> None:
        if self.started_unix is None:
            return
        seconds = round(time.time() - self.started_unix, 3)
        try:
            rss = self.process.memory_info().rss
            if self.processes:
                rss += sum(_rss(child) for child in self.process.children(recursive=True))
        except psutil.Error:
            self.ended.set()  # the profiled process is gone
            return
        if self.run is not None:
            heap = last_snapshot_heap(self.run.path)
        else:
            heaps = [last_snapshot_heap(path) for path in self._rendering_task_captures()]
            known = [heap for heap in heaps if heap is not None]
            heap = sum(known) if known else None
        _send({"sample": [seconds, rss, heap]})

    def _rendering_task_captures(self) -> list[Path]:
        """Processes mode: the captures of the mockups rendering now."""
        paths = self.capture_dir.glob("[0-9][0-9]-*.bin")
        return [path for path in paths if int(path.name[:2]) not in self.landed]


def sample_interval(sample_cpu_seconds: float) -> float:
    """Seconds from one sample's start to the next's, for a sample that took this CPU."""
    return max(SAMPLE_SECONDS, sample_cpu_seconds / SAMPLER_CPU_SHARE)


def last_snapshot_heap(path: Path) -> int | None:
    """Memray's heap in use at the capture's latest memory snapshot; None before the first."""
    heap = None
    try:
        with memray.FileReader(path) as reader:
            for snapshot in _readable(reader.get_memory_snapshots()):
                heap = snapshot.heap
    except (OSError, RuntimeError, ValueError):
        return None
    return heap


def _rss(process: psutil.Process) -> int:
    try:
        return process.memory_info().rss
    except psutil.Error:
        return 0


def _send(message: dict) -> None:
    try:
        os.write(sys.stdout.fileno(), (json.dumps(message) + "\n").encode())
    except BrokenPipeError:
        raise SystemExit(0) from None  # the profiled process stopped listening


def main(argv: list[str]) -> int:
    # memray logs each record it cannot parse; here that is only ever the one being written
    memray._memray.set_log_level(logging.CRITICAL + 1)
    # a short-lived process holding tens of thousands of records and no cycles worth
    # collecting: without the collector a read of the capture costs half the CPU
    gc.disable()
    capture_dir, pid, mode = argv
    Reader(Path(capture_dir), int(pid), mode).follow()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
