"""Reading a capture back: replay its events, split them at the markers, per thread.

Every allocation made by a thread between mockup N's start and end markers belongs to
mockup N, and so does one made by the engine's helper thread (`mockups.render.helpers`)
while mockup N alone is being rendered. Replaying the capture's events in order (memray's
own `get_allocation_records()` on an ALL_ALLOCATIONS capture) gives, for each mockup, the
bytes it had alive at every moment: its peak, what it allocated, and what was still alive
at its end marker: leaked, unless a module import allocated it (one-time: a lazy import pays
once per process). Frees count whichever thread makes them. The replay's whole-capture peak
equals memray's `metadata.peak_memory` less the markers' few hundred kB.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import memray
from memray import AllocationRecord, AllocatorType, MemorySnapshot, Metadata
from memray._memray import compute_statistics
from memray.reporters.frame_tools import is_frame_from_import_system

from mockups.render.helpers import HELPER_THREAD_PREFIX
from profiling.capture import (
    MAX_MARKED_INDEX,
    decode_marker_bytes,
    is_marker_frame,
    marker_bytes,
)
from profiling.sites import AllocationSite, top_sites

FREES = frozenset({AllocatorType.FREE, AllocatorType.PYMALLOC_FREE})
MAPPINGS = frozenset({AllocatorType.MMAP, AllocatorType.MUNMAP})
MARKER_SIZES = (marker_bytes(1, end=False), marker_bytes(MAX_MARKED_INDEX, end=True))
SITES_PER_MOCKUP = 10
PYTHON_ARENA_BYTES = 1 << 20  # CPython 3.10+ on 64-bit: obmalloc's ARENA_BITS is 20
NO_OWNER = 0
MARKER_EVENT = -1
NOT_FREED = sys.maxsize  # `CaptureAccount.freed_at` of a block still alive
MAPPED = -1  # `CaptureAccount.freed_at` of a mapped region: part of it may outlive an unmap
Block = tuple[int, int, AllocationRecord, int]  # size, owner, record, its event's number


@dataclass
class MockupHeap:
    """One mockup's heap, from its own allocations; exact whatever the mode."""

    index: int
    thread: str
    heap_peak_bytes: int = 0
    allocated_bytes: int = 0
    allocations: int = 0
    leaked_bytes: int = 0
    one_time_bytes: int = 0
    live_bytes: int = 0
    start_event: int = -1
    peak_event: int = -1
    end_event: int = -1
    sites: list[AllocationSite] = field(default_factory=list)


@dataclass
class CaptureReplay:
    path: Path
    pid: int  # of the process the capture tracked
    snapshots: list[MemorySnapshot]
    heap_peak_bytes: int
    allocated_bytes: int
    allocations: int
    mockups: dict[int, MockupHeap]


class LiveHeap:
    """The blocks alive at one point of a capture, with the mockup that owns each."""

    def __init__(self) -> None:
        self.blocks: dict[int, Block] = {}
        self.regions: dict[int, Block] = {}

    def allocate(self, record: AllocationRecord, owner: int, position: int = -1) -> None:
        # `CaptureAccount.feed` does this in line (every event of a capture): keep them alike
        table = self.regions if record.allocator == AllocatorType.MMAP else self.blocks
        table[record.address] = (record.size, owner, record, position)

    def unmap(self, record: AllocationRecord) -> list[tuple[int, int, int]]:
        """(owner, bytes, allocating event) of each part of the regions the munmap `record`
        unmaps; the rest of a region stays its owner's. (A free is `blocks.pop` of its
        address: `CaptureAccount.feed` does it in line.)"""
        start, end = record.address, record.address + record.size
        freed = []
        for base, (size, owner, mapped, position) in list(self.regions.items()):
            top = base + size
            if top <= start or base >= end:
                continue
            del self.regions[base]
            low, high = max(base, start), min(top, end)
            freed.append((owner, high - low, position))
            if base < low:
                self.regions[base] = (low - base, owner, mapped, position)
            if high < top:
                self.regions[high] = (top - high, owner, mapped, position)
        return freed

    def owned_by(self, owner: int) -> list[tuple[AllocationRecord, int]]:
        return [
            (record, size)
            for table in (self.blocks, self.regions)
            for size, block_owner, record, _ in table.values()
            if block_owner == owner
        ]


def marker_of(record: AllocationRecord) -> tuple[int, bool] | None:
    marker = decode_marker_bytes(record.size)
    if marker is None:
        return None
    stack = record.stack_trace(1)
    return marker if stack and is_marker_frame(stack[0]) else None


def replay_capture(path: Path | str, sites_per_mockup: int = SITES_PER_MOCKUP) -> CaptureReplay:
    """Per-mockup figures and top sites (at each mockup's peak and at its end) of one capture."""
    with memray.FileReader(path) as reader:
        events = list(reader.get_allocation_records())
        account = account_for(events)
        for heap in account.mockups.values():
            finish_mockup(heap, events, account, sites_per_mockup)
        pid, snapshots = reader.metadata.pid, list(reader.get_memory_snapshots())
    return CaptureReplay(
        path=Path(path),
        pid=pid,
        snapshots=snapshots,
        heap_peak_bytes=account.peak,
        allocated_bytes=account.allocated,
        allocations=account.allocations,
        mockups=account.mockups,
    )


def account_totals(
    account: CaptureAccount, pid: int, snapshots: Sequence[MemorySnapshot]
) -> dict[str, Any]:
    """A closed account's figures and mockups (with their sites), and the capture's process and
    memory snapshots, as plain JSON data: all `replay_from_totals` needs."""
    replay = CaptureReplay(
        path=Path(),
        pid=pid,
        snapshots=list(snapshots),
        heap_peak_bytes=account.peak,
        allocated_bytes=account.allocated,
        allocations=account.allocations,
        mockups=account.mockups,
    )
    return replay_totals(replay)


def replay_totals(replay: CaptureReplay) -> dict[str, Any]:
    """A replay's figures, mockups, process and snapshots as plain JSON data (its path aside):
    `replay_from_totals` makes the same replay of them."""
    return {
        "heap_peak_bytes": replay.heap_peak_bytes,
        "allocated_bytes": replay.allocated_bytes,
        "allocations": replay.allocations,
        "mockups": {str(index): asdict(heap) for index, heap in replay.mockups.items()},
        "pid": replay.pid,
        "snapshots": [[moment.time, moment.rss, moment.heap] for moment in replay.snapshots],
    }


def replay_from_totals(path: Path | str, totals: dict[str, Any]) -> CaptureReplay:
    """The capture's replay from `account_totals` of an account fed all its events (the live
    reader's): the same figures as `replay_capture`, without opening the capture again."""
    mockups = {
        int(index): MockupHeap(
            **{**heap, "sites": [_site(site) for site in heap["sites"]]},
        )
        for index, heap in totals["mockups"].items()
    }
    return CaptureReplay(
        path=Path(path),
        pid=totals["pid"],
        snapshots=[MemorySnapshot(*snapshot) for snapshot in totals["snapshots"]],
        heap_peak_bytes=totals["heap_peak_bytes"],
        allocated_bytes=totals["allocated_bytes"],
        allocations=totals["allocations"],
        mockups=mockups,
    )


def _site(data: dict[str, Any]) -> AllocationSite:
    return AllocationSite(**{**data, "stack": tuple(data["stack"])})


def account_for(events: Sequence[AllocationRecord]) -> CaptureAccount:
    account = CaptureAccount()
    for record in events:
        account.feed(record)
    account.close()
    return account


def allocated_while_importing(record: AllocationRecord) -> bool:
    """Blocks a module's import left behind: once per process, so not a mockup's leak."""
    return any(is_frame_from_import_system(frame) for frame in record.stack_trace())


def interpreter_arena(record: AllocationRecord) -> bool:
    """A region CPython's object allocator mapped to grow its pool: one arena, 1 MiB. It
    is kept for reuse however many of its objects are freed, and its objects are not in the
    capture (memray runs without `trace_python_allocators`); so the mockup during which the
    pool crossed an arena's boundary (wherever the objects made before it had left it) is
    not the one that leaked it. A Python-object leak shows across mockups in their RSS."""
    return record.allocator == AllocatorType.MMAP and record.size == PYTHON_ARENA_BYTES


def one_time(record: AllocationRecord) -> bool:
    """Memory a process takes once, whichever mockup it happens in: not a mockup's leak."""
    return interpreter_arena(record) or allocated_while_importing(record)


def capture_totals(path: Path | str) -> CaptureReplay:
    """A capture without markers (the parent in processes mode): its totals, by memray's C++.

    Same figures as `replay_capture` would give, at a tenth of the time: that parent's RSS
    sampler reads /proc every 10 ms and fills its capture with small buffers.
    """
    stats = compute_statistics(str(path))
    with memray.FileReader(path) as reader:
        snapshots = list(reader.get_memory_snapshots())
    return CaptureReplay(
        path=Path(path),
        pid=stats.metadata.pid,
        snapshots=snapshots,
        heap_peak_bytes=stats.peak_memory_allocated,
        allocated_bytes=stats.total_memory_allocated,
        allocations=stats.total_num_allocations,
        mockups={},
    )


def mockup_peak_records(
    path: Path | str,
) -> tuple[Metadata, list[MemorySnapshot], dict[int, list[AllocationRecord]]]:
    """The blocks each mockup in the capture had alive at its peak (for flame graphs)."""
    with memray.FileReader(path) as reader:
        events = list(reader.get_allocation_records())
        account = account_for(events)
        blocks = {
            h.index: account.blocks_at(events, h.index, h.start_event, h.peak_event)
            for h in account.mockups.values()
        }
        metadata, snapshots = reader.metadata, list(reader.get_memory_snapshots())
    records = {index: [record for record, _ in found] for index, found in blocks.items() if found}
    return metadata, snapshots, records


class CaptureAccount:
    """The first pass over a capture's events, fed in order: each event's owning mockup and
    every mockup's and the capture's figures so far.

    It can be fed a capture that is still being written (the live reader does): a mockup's
    figures depend only on the events up to its end marker, so they are final from then on.
    """

    def __init__(self) -> None:
        self.heap = LiveHeap()
        self.mockups: dict[int, MockupHeap] = {}
        self.rendering: dict[int, MockupHeap] = {}  # by thread id
        self.owners: list[int] = []
        # per event: the event that freed the block it allocated, so a mockup's blocks at any
        # moment are read off without replaying its events (MAPPED: see `mappings`)
        self.freed_at = array("q")
        self.mappings: list[int] = []  # the numbers of the mmap and munmap events
        self.live = self.peak = self.allocated = self.allocations = 0

    @property
    def fed(self) -> int:
        return len(self.owners)

    def feed(self, record: AllocationRecord) -> MockupHeap | None:
        """Account one event; the mockup whose end marker it is, if it is one.

        Called for every event of a capture (hundreds of thousands a run, while the live
        reader keeps up with the render): each of the record's fields is read once."""
        position = len(self.owners)
        allocator = record.allocator
        if allocator in MAPPINGS:
            self.freed_at.append(MAPPED)
            self.mappings.append(position)
        else:
            self.freed_at.append(NOT_FREED)
        if allocator in FREES:
            self.owners.append(NO_OWNER)
            block = self.heap.blocks.pop(record.address, None)
            if block is not None:  # None: allocated before the capture began
                self._released(block[1], block[0])
                self.freed_at[block[3]] = position
            return None
        if allocator == AllocatorType.MUNMAP:
            self.owners.append(NO_OWNER)
            for owner, size, _ in self.heap.unmap(record):
                self._released(owner, size)
            return None
        size = record.size
        if MARKER_SIZES[0] <= size <= MARKER_SIZES[1]:
            marker = marker_of(record)
            if marker is not None:
                return self._marked(record, marker, position)
        mockup = self.rendering.get(record.tid)
        if mockup is None and self.rendering:
            mockup = self._helped(record)
        owner = NO_OWNER if mockup is None else mockup.index
        self.owners.append(owner)
        # `LiveHeap.allocate`, in line
        blocks = self.heap.regions if allocator == AllocatorType.MMAP else self.heap.blocks
        blocks[record.address] = (size, owner, record, position)
        self.live += size
        self.allocated += size
        self.allocations += 1
        if self.live > self.peak:
            self.peak = self.live
        if mockup is not None:
            mockup.allocated_bytes += size
            mockup.allocations += 1
            mockup.live_bytes += size
            if mockup.live_bytes > mockup.heap_peak_bytes:
                mockup.heap_peak_bytes, mockup.peak_event = mockup.live_bytes, position
        return None

    def _released(self, owner: int, size: int) -> None:
        self.live -= size
        if owner != NO_OWNER:
            self.mockups[owner].live_bytes -= size

    def _marked(
        self, record: AllocationRecord, marker: tuple[int, bool], position: int
    ) -> MockupHeap | None:
        self.owners.append(MARKER_EVENT)
        index, end = marker
        if end:
            finished = self.rendering.pop(record.tid)
            finished.leaked_bytes, finished.end_event = finished.live_bytes, position
            return finished
        heap = MockupHeap(index, record.thread_name, start_event=position)
        self.rendering[record.tid] = self.mockups[index] = heap
        return None

    def _helped(self, record: AllocationRecord) -> MockupHeap | None:
        """The mockup an engine helper thread works for: the one being rendered, if alone."""
        if len(self.rendering) != 1 or not record.thread_name.startswith(HELPER_THREAD_PREFIX):
            return None
        return next(iter(self.rendering.values()))

    def close(self) -> None:
        """The capture ended: a mockup without an end marker ends with it."""
        for unfinished in self.rendering.values():
            unfinished.leaked_bytes = unfinished.live_bytes
            unfinished.end_event = len(self.owners) - 1
        self.rendering.clear()

    def blocks_at(
        self, events: Sequence[AllocationRecord], index: int, start: int, moment: int
    ) -> list[tuple[AllocationRecord, int]]:
        """Mockup `index`'s blocks alive right after event number `moment` (it started at
        `start`), with their sizes: its own allocations since then not yet freed, and what
        is left of its mapped regions (replayed, as an unmap may take part of one)."""
        owners, freed_at = self.owners, self.freed_at
        alive = [
            position
            for position in range(start, moment + 1)
            if owners[position] == index and freed_at[position] > moment
        ]
        regions = LiveHeap()
        first, last = bisect_left(self.mappings, start), bisect_right(self.mappings, moment)
        for position in self.mappings[first:last]:
            record = events[position]
            if record.allocator == AllocatorType.MUNMAP:
                regions.unmap(record)
            elif owners[position] == index:
                regions.allocate(record, index, position)
        found = [(record, record.size) for record in map(events.__getitem__, alive)]
        return found + regions.owned_by(index)


def finish_mockup(
    heap: MockupHeap,
    events: Sequence[AllocationRecord],
    account: CaptureAccount,
    sites_per_mockup: int = SITES_PER_MOCKUP,
) -> None:
    """A mockup's sites at its peak and at its end, and its leak less what a process takes
    once (`one_time`: what imports left, the interpreter's object pool grown by an arena).

    Reads only the events from its start marker to its end marker: the same answer whether
    the capture is finished or still being written.
    """
    peak = account.blocks_at(events, heap.index, heap.start_event, heap.peak_event)
    heap.sites += top_sites(heap.index, "peak", peak, sites_per_mockup)
    if not heap.leaked_bytes:
        return
    held = account.blocks_at(events, heap.index, heap.start_event, heap.end_event)
    once: list[tuple[AllocationRecord, int]] = []
    kept: list[tuple[AllocationRecord, int]] = []
    for block in held:  # one look at each block's stack
        (once if one_time(block[0]) else kept).append(block)
    heap.one_time_bytes = sum(size for _, size in once)
    heap.leaked_bytes -= heap.one_time_bytes
    heap.sites += top_sites(heap.index, "leaked", kept, sites_per_mockup)
    heap.sites += top_sites(heap.index, "one-time", once, sites_per_mockup)
