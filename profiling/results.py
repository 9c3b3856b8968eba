"""What a profiled run found, as plain dataclasses; pandas tables are built from them on demand."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from mockups.render.run import RunResult
from profiling.sites import AllocationSite

if TYPE_CHECKING:
    import pandas

HEAP_VERSUS_RSS = (
    "Heap is what Python, Pillow and the libraries hold through malloc, as memray counts it. "
    "RSS is the memory the kernel has given the process. After a mockup frees its images the "
    "heap drops at once, but RSS often stays up: glibc keeps freed arenas for reuse, and Pillow "
    "can keep freed blocks in its cache. Rendering with release_memory (Pillow's clear_cache and "
    "glibc's malloc_trim after each mockup) hands that back; `python -m profiling compare "
    "--release` measures what it gives back."
)


@dataclass(frozen=True)
class MockupProfile:
    """One row of `ProfiledRun.frame`: one mockup's memory, seconds since the run started.

    Heap figures count the mockup's own allocations (made by its thread between its start and
    end) and are exact in every mode. What was still alive at its end is `leaked_bytes`, less
    what module imports allocated (`one_time_bytes`: paid once per process). RSS is the whole
    rendering process's: `rss_exact` is False in threads mode, where other mockups rendered in
    the same process at the same time.
    """

    index: int
    template: str
    seconds: float
    heap_peak_bytes: int
    allocated_bytes: int
    allocations: int
    leaked_bytes: int
    one_time_bytes: int
    rss_before_bytes: int
    rss_peak_bytes: int
    rss_after_bytes: int
    started_seconds: float
    finished_seconds: float
    worker: str
    capture: str
    heap_exact: bool
    rss_exact: bool


@dataclass(frozen=True)
class TimelinePoint:
    """One memray memory snapshot: heap and RSS of one process at one moment.

    `index` is the mockup being rendered in that process then; 0 when none is, or when
    several are (threads mode: see the frame's started_seconds and finished_seconds).
    """

    seconds: float
    heap_bytes: int
    rss_bytes: int
    index: int
    pid: int
    capture: str


@dataclass(frozen=True)
class RunProfile:
    """The run as a whole (summary.json).

    `heap_peak_bytes` is exact in sequential and threads mode (one capture of the whole
    process); in processes mode it adds the parent's and the running tasks' heaps at each
    memory snapshot, and leaves out what workers load before their first task (their copy of
    the working image), so `heap_peak_exact` is False. `rss_after_bytes` is the RSS each
    rendering process held right after its last mockup, added up over processes.
    """

    mode: str
    workers: int
    release_memory: bool
    out_dir: str
    started_unix: float
    wall_seconds: float
    peak_rss_bytes: int
    heap_peak_bytes: int
    heap_peak_exact: bool
    allocated_bytes: int
    allocations: int
    rss_after_bytes: int
    captures: list[str] = field(default_factory=list)
    # The live reader's own peak RSS (a process apart: `profiling.live_reader`).
    live_reader_rss_peak_bytes: int | None = None
    live_reader_cpu_seconds: float | None = None


@dataclass
class ProfiledRun:
    summary: RunProfile
    mockups: list[MockupProfile]
    points: list[TimelinePoint]
    site_rows: list[AllocationSite]
    run: RunResult | None = None  # the engine's result, when profiled in this process

    @property
    def frame(self) -> pandas.DataFrame:
        """One row per mockup, columns as in `MockupProfile`."""
        return _table(self.mockups, MockupProfile)

    @property
    def timeline(self) -> pandas.DataFrame:
        """Heap and RSS over the run, one row per memory snapshot; see `TimelinePoint`."""
        return _table(self.points, TimelinePoint)

    @property
    def sites(self) -> pandas.DataFrame:
        """Top allocation sites per mockup at its peak and at its end; see `AllocationSite`."""
        return _table(self.site_rows, AllocationSite)


def _table(rows: list, row_type: type[Any]) -> pandas.DataFrame:
    import pandas  # only for the tables: the CLI profiles without paying for pandas

    columns = list(row_type.__dataclass_fields__)
    return pandas.DataFrame([asdict(row) for row in rows], columns=columns)
