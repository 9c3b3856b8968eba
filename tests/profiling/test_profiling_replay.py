"""The capture replay on fabricated records: ownership by markers, peaks, leaks and frees.

memray's records are duck-typed here (allocator, address, size, thread, stack), as memray
tests its own reporters on fabricated records, so each rule is checked without a capture.
"""

from dataclasses import dataclass, field

from memray import AllocatorType

from profiling.capture import MARKER_FILE, MARKER_FUNCTION, marker_bytes
from profiling.replay import MARKER_EVENT, NO_OWNER, LiveHeap, account_for

CODE = ("render_mockup", "/src/mockups/render/compose.py", 10)
MARK = (MARKER_FUNCTION, MARKER_FILE, 1)


@dataclass
class Record:
    allocator: AllocatorType
    address: int
    size: int
    tid: int = 1
    thread_name: str = "MainThread"
    stack: list[tuple[str, str, int]] = field(default_factory=lambda: [CODE])

    def stack_trace(self, max_stacks: int = 0):
        return self.stack[:max_stacks] if max_stacks else self.stack


def malloc(address: int, size: int, tid: int = 1) -> Record:
    return Record(AllocatorType.MALLOC, address, size, tid)


def free(address: int, tid: int = 1) -> Record:
    return Record(AllocatorType.FREE, address, 0, tid)


def mark(index: int, end: bool, tid: int = 1, address: int = 999_000) -> Record:
    return Record(
        AllocatorType.MALLOC, address + index, marker_bytes(index, end), tid, stack=[MARK]
    )


def test_allocations_between_markers_belong_to_that_mockup():
    events = [
        malloc(1, 50),  # before any mockup: nobody's
        mark(1, False),
        malloc(2, 100),
        malloc(3, 300),
        free(3),
        mark(1, True),
        mark(2, False),
        malloc(4, 70),
        mark(2, True),
    ]
    account = account_for(events)
    assert account.owners == [NO_OWNER, MARKER_EVENT, 1, 1, NO_OWNER, MARKER_EVENT, -1, 2, -1]
    first, second = account.mockups[1], account.mockups[2]
    assert (first.heap_peak_bytes, first.allocated_bytes, first.allocations) == (400, 400, 2)
    assert first.leaked_bytes == 100  # block 2 was never freed
    assert (second.heap_peak_bytes, second.leaked_bytes) == (70, 70)
    assert account.peak == 450 and account.allocated == 520


def test_a_mockups_figures_are_final_at_its_end_marker_while_the_capture_grows():
    events = [mark(1, False), malloc(1, 100), mark(1, True), mark(2, False), free(1)]
    account = account_for([])
    landed = [account.feed(record) for record in events]
    assert landed[2] is account.mockups[1]  # the end marker hands the mockup over
    assert account.mockups[1].leaked_bytes == 100  # a later free does not change it
    assert [heap for heap in landed if heap is not None] == [account.mockups[1]]


def test_a_block_freed_by_a_later_mockup_is_no_longer_the_earlier_ones_leak_at_its_end():
    events = [mark(1, False), malloc(1, 100), mark(1, True), mark(2, False), free(1), mark(2, True)]
    account = account_for(events)
    assert account.mockups[1].leaked_bytes == 100  # still alive when mockup 1 ended
    assert account.mockups[2].leaked_bytes == 0


def test_threads_are_split_by_their_own_markers():
    events = [
        mark(1, False, tid=1),
        mark(2, False, tid=2),
        malloc(10, 500, tid=1),
        malloc(20, 30, tid=2),
        free(10, tid=2),  # a free counts for the block's owner, whichever thread makes it
        mark(1, True, tid=1),
        mark(2, True, tid=2),
    ]
    account = account_for(events)
    assert (account.mockups[1].heap_peak_bytes, account.mockups[1].leaked_bytes) == (500, 0)
    assert (account.mockups[2].heap_peak_bytes, account.mockups[2].leaked_bytes) == (30, 30)


def test_a_marker_sized_block_from_other_code_is_an_ordinary_allocation():
    impostor = Record(AllocatorType.MALLOC, 5, marker_bytes(3, False), stack=[CODE])
    account = account_for([mark(1, False), impostor, mark(1, True)])
    assert account.owners[1] == 1 and 3 not in account.mockups
    assert account.mockups[1].allocated_bytes == marker_bytes(3, False)


def test_an_unmapped_part_of_a_region_leaves_the_rest_owned():
    heap = LiveHeap()
    heap.allocate(Record(AllocatorType.MMAP, 1000, 400), owner=1)
    freed = heap.unmap(Record(AllocatorType.MUNMAP, 1100, 100))
    assert freed == [(1, 100, -1)]
    assert sorted(size for _, size in heap.owned_by(1)) == [100, 200]


def test_a_mockups_blocks_are_taken_right_after_the_asked_event():
    events = [mark(1, False), malloc(1, 10), malloc(2, 20), free(1), mark(1, True)]
    account = account_for(events)
    assert sorted(size for _, size in account.blocks_at(events, 1, 0, 2)) == [10, 20]
    assert [size for _, size in account.blocks_at(events, 1, 0, 4)] == [20]


def test_a_reused_address_and_a_partly_unmapped_region_are_told_apart_at_each_moment():
    events = [
        mark(1, False),
        malloc(1, 10),
        free(1),
        malloc(1, 30),  # the same address again
        Record(AllocatorType.MMAP, 5000, 400),
        Record(AllocatorType.MUNMAP, 5100, 100),
        mark(1, True),
    ]
    account = account_for(events)
    assert [size for _, size in account.blocks_at(events, 1, 0, 1)] == [10]
    assert [size for _, size in account.blocks_at(events, 1, 0, 2)] == []
    assert sorted(size for _, size in account.blocks_at(events, 1, 0, 4)) == [30, 400]
    assert sorted(size for _, size in account.blocks_at(events, 1, 0, 6)) == [30, 100, 200]
    assert account.mockups[1].leaked_bytes == 330
