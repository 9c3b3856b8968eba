"""Reading a capture back: replay its events, split them at the markers, per thread.

Every allocation made by a thread between mockup N's start and end markers belongs to
mockup N. Replaying the capture's events in order (memray's own `get_allocation_records()`
on an ALL_ALLOCATIONS capture) gives, for each mockup, the bytes it had alive at every
moment: its peak, what it allocated, and what was still alive at its end marker: leaked,
unless a module import allocated it (one-time: a lazy import pays once per process).
Frees count whichever thread makes them. The replay's whole-capture peak equals memray's
`metadata.peak_memory` less the markers' few hundred kB.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import memray
from memray import AllocationRecord, AllocatorType, MemorySnapshot, Metadata
from memray._memray import compute_statistics
from memray.reporters.frame_tools import is_frame_from_import_system

from profiling.capture import decode_marker_bytes, is_marker_frame
from profiling.sites import AllocationSite, top_sites

FREES = {AllocatorType.FREE, AllocatorType.PYMALLOC_FREE}
SITES_PER_MOCKUP = 10
NO_OWNER = 0
MARKER_EVENT = -1
Block = tuple[int, int, AllocationRecord]  # size, owner, record


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
    peak_event: int = -1
    end_event: int = -1
    sites: list[AllocationSite] = field(default_factory=list)


@dataclass
class CaptureReplay:
    path: Path
    metadata: Metadata
    snapshots: list[MemorySnapshot]
    heap_peak_bytes: int
    allocated_bytes: int
    allocations: int
    mockups: dict[int, MockupHeap]

    @property
    def pid(self) -> int:
        return self.metadata.pid


class LiveHeap:
    """The blocks alive at one point of a capture, with the mockup that owns each."""

    def __init__(self) -> None:
        self.blocks: dict[int, Block] = {}
        self.regions: dict[int, Block] = {}

    def allocate(self, record: AllocationRecord, owner: int) -> None:
        table = self.regions if record.allocator == AllocatorType.MMAP else self.blocks
        table[record.address] = (record.size, owner, record)

    def release(self, record: AllocationRecord) -> list[tuple[int, int]]:
        """(owner, bytes) of what `record` frees; nothing for blocks from before the capture."""
        if record.allocator in FREES:
            block = self.blocks.pop(record.address, None)
            return [] if block is None else [(block[1], block[0])]
        return self._unmap(record.address, record.address + record.size)

    def owned_by(self, owner: int) -> list[tuple[AllocationRecord, int]]:
        return [
            (record, size)
            for table in (self.blocks, self.regions)
            for size, block_owner, record in table.values()
            if block_owner == owner
        ]

    def _unmap(self, start: int, end: int) -> list[tuple[int, int]]:
        freed = []
        for base, (size, owner, record) in list(self.regions.items()):
            top = base + size
            if top <= start or base >= end:
                continue
            del self.regions[base]
            low, high = max(base, start), min(top, end)
            freed.append((owner, high - low))
            if base < low:
                self.regions[base] = (low - base, owner, record)
            if high < top:
                self.regions[high] = (top - high, owner, record)
        return freed


def is_release(record: AllocationRecord) -> bool:
    return record.allocator in FREES or record.allocator == AllocatorType.MUNMAP


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
        owners, replay = _account(events)
        replay.path = Path(path)
        replay.metadata = reader.metadata
        replay.snapshots = list(reader.get_memory_snapshots())
        for heap in replay.mockups.values():
            if heap.end_event < 0:
                heap.end_event = len(events) - 1
        moments = {(h.index, "peak"): h.peak_event for h in replay.mockups.values()}
        moments |= {
            (h.index, "leaked"): h.end_event for h in replay.mockups.values() if h.leaked_bytes
        }
        for (index, kind), records in live_blocks_at(events, owners, moments).items():
            heap = replay.mockups[index]
            if kind == "peak":
                heap.sites += top_sites(index, "peak", records, sites_per_mockup)
                continue
            one_time = [(r, size) for r, size in records if allocated_while_importing(r)]
            kept = [(r, size) for r, size in records if not allocated_while_importing(r)]
            heap.one_time_bytes = sum(size for _, size in one_time)
            heap.leaked_bytes -= heap.one_time_bytes
            heap.sites += top_sites(index, "leaked", kept, sites_per_mockup)
            heap.sites += top_sites(index, "one-time", one_time, sites_per_mockup)
    return replay


def allocated_while_importing(record: AllocationRecord) -> bool:
    """Blocks a module's import left behind: once per process, so not a mockup's leak."""
    return any(is_frame_from_import_system(frame) for frame in record.stack_trace())


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
        metadata=stats.metadata,
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
        owners, replay = _account(events)
        moments = {(h.index, "peak"): h.peak_event for h in replay.mockups.values()}
        blocks = live_blocks_at(events, owners, moments)
        return (
            reader.metadata,
            list(reader.get_memory_snapshots()),
            {index: [record for record, _ in found] for (index, _), found in blocks.items()},
        )


def live_blocks_at(
    events: list[AllocationRecord], owners: list[int], moments: dict[tuple[int, str], int]
) -> dict[tuple[int, str], list[tuple[AllocationRecord, int]]]:
    """For each (mockup, kind) the mockup's live blocks right after event number `moment`."""
    wanted: dict[int, list[tuple[int, str]]] = {}
    for key, moment in moments.items():
        wanted.setdefault(moment, []).append(key)
    found: dict[tuple[int, str], list[tuple[AllocationRecord, int]]] = {}
    heap = LiveHeap()
    for position, (record, owner) in enumerate(zip(events, owners, strict=True)):
        if is_release(record):
            heap.release(record)
        elif owner != MARKER_EVENT:
            heap.allocate(record, owner)
        for index, kind in wanted.get(position, ()):
            found[(index, kind)] = heap.owned_by(index)
    return found


def _account(events: list[AllocationRecord]) -> tuple[list[int], CaptureReplay]:
    """First pass: each event's owning mockup, and every mockup's and the capture's figures."""
    heap = LiveHeap()
    mockups: dict[int, MockupHeap] = {}
    rendering: dict[int, MockupHeap] = {}  # by thread id
    owners: list[int] = []
    live = peak = allocated = allocations = 0
    for position, record in enumerate(events):
        if is_release(record):
            owners.append(NO_OWNER)
            for owner, size in heap.release(record):
                live -= size
                if owner != NO_OWNER:
                    mockups[owner].live_bytes -= size
            continue
        marker = marker_of(record)
        if marker is not None:
            owners.append(MARKER_EVENT)
            index, end = marker
            if end:
                finished = rendering.pop(record.tid)
                finished.leaked_bytes, finished.end_event = finished.live_bytes, position
            else:
                rendering[record.tid] = mockups[index] = MockupHeap(index, record.thread_name)
            continue
        mockup = rendering.get(record.tid)
        owner = mockup.index if mockup else NO_OWNER
        owners.append(owner)
        heap.allocate(record, owner)
        live += record.size
        allocated += record.size
        allocations += 1
        peak = max(peak, live)
        if mockup is not None:
            mockup.allocated_bytes += record.size
            mockup.allocations += 1
            mockup.live_bytes += record.size
            if mockup.live_bytes > mockup.heap_peak_bytes:
                mockup.heap_peak_bytes, mockup.peak_event = mockup.live_bytes, position
    for unfinished in rendering.values():
        unfinished.leaked_bytes = unfinished.live_bytes
    replay = CaptureReplay(
        path=Path(),
        metadata=None,  # type: ignore[arg-type]  # set by the caller, which holds the reader
        snapshots=[],
        heap_peak_bytes=peak,
        allocated_bytes=allocated,
        allocations=allocations,
        mockups=mockups,
    )
    return owners, replay
