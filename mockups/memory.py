"""Resident memory of this process (and its workers), read from the kernel via psutil."""

from __future__ import annotations

import ctypes
import ctypes.util
import threading
from functools import cache

import psutil
from PIL import Image

MIB = 2**20
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


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
LARGE_BLOCK_BYTES = 1024 * 1024


def rows_in_a_heap_block(width: int, bytes_per_pixel: int, most: int) -> int:
    """Rows of a `width` px image, at most `most`, whose copy at `bytes_per_pixel` stays within
    three quarters of LARGE_BLOCK_BYTES: a block glibc's heap serves and reuses, never one
    mapped for it and faulted in anew (`return_large_blocks_at_once`)."""
    return max(1, min(most, LARGE_BLOCK_BYTES * 3 // 4 // (bytes_per_pixel * width)))


def return_large_blocks_at_once(threshold: int = LARGE_BLOCK_BYTES) -> bool:
    """Have glibc serve blocks from `threshold` up with their own mmap, freed straight back.

    Otherwise a freed image stays in the arena of the thread that made it, and a server whose
    every request runs in a new thread (Streamlit) grows run after run. The same as starting
    with MALLOC_MMAP_THRESHOLD_=1048576. False where the C library has no mallopt.
    """
    mallopt = _libc_function("mallopt")
    return bool(mallopt is not None and mallopt(M_MMAP_THRESHOLD, threshold) == 1)


M_ARENA_MAX = -8
M_TRIM_THRESHOLD = -1
KEPT_HEAP_TOP_BYTES = 8 * MIB


def share_one_arena(arenas: int = 1) -> bool:
    """Have every thread allocate from at most `arenas` glibc arenas (the main one).

    Each libvips worker thread otherwise gets an arena of its own, where the small blocks it
    frees stay: ten mockups from a 4000 x 5000 JPEG peaked 158 MB with them, 142 without, in
    the same time. Arenas made before the call stay. False where the C library has no
    mallopt."""
    mallopt = _libc_function("mallopt")
    return bool(mallopt is not None and mallopt(M_ARENA_MAX, arenas) == 1)


def keep_freed_heap_top(limit: int = KEPT_HEAP_TOP_BYTES) -> bool:
    """Let glibc keep up to `limit` bytes freed at the top of its heap for the next block.

    Setting the mmap threshold (`return_large_blocks_at_once`) also pins the trim threshold
    at glibc's 128 KB, so a mockup's working copies went back to the kernel as each was freed
    and were faulted in again by the next: studio-10 sequential took 520,000 page faults and
    1.1 s of system time of its 3.2 s; with 8 MB kept, about 200,000, 0.55 s and 2.6 s, at the
    same peak RSS (what is kept is what the next working copy reuses). 16 MB was a little
    faster but took a 6000 x 4000 photo's peak from 168 to 186 MB. False where the C library
    has no mallopt."""
    mallopt = _libc_function("mallopt")
    return bool(mallopt is not None and mallopt(M_TRIM_THRESHOLD, limit) == 1)


def set_up_for_rendering() -> None:
    """glibc tuned for a process that renders (see the three calls). First thing in a command
    line or worker, before any thread starts: a thread that allocates before `share_one_arena`
    gets an arena of its own, which libvips' threads then share with it (the command line's
    progress bar starts one: the RGBA PNG's ten mockups peaked 160 MB, 139 without it)."""
    return_large_blocks_at_once()
    share_one_arena()
    keep_freed_heap_top()


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]  # fmt: skip


def heap_in_use_bytes() -> int | None:
    """Bytes the C heap holds for live allocations (glibc's mallinfo2: arenas and own maps).

    Unlike RSS it falls as soon as images are freed; None where the C library lacks it.
    """
    mallinfo2 = _libc_function("mallinfo2")
    if mallinfo2 is None:
        return None
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return int(info.uordblks + info.hblkhd)


def release_freed_memory() -> None:
    """Hand already-freed memory back to the system: Pillow's block cache, glibc's arenas."""
    Image.core.clear_cache()
    trim = _libc_function("malloc_trim")
    if trim is not None:
        trim(0)


@cache
def _libc_function(name: str):
    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name) if library else None
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
