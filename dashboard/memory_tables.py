"""The Memory page's tables, from a profiled run's figures: per mockup, and allocation sites
split into those worth reading and the small ones behind "show all"."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas

from dashboard.memory_text import SMALL_SITE_BYTES, mockup_choice
from mockups.memory import MIB
from profiling.leaks import readable_size
from profiling.results import ProfiledRun
from profiling.sites import AllocationSite, display_location

STILL_HELD_COLUMN = "still held at the end"
ALLOCATED_COLUMN = "allocated in total MB"
STANDOUT_STYLE = "color: #d62728; font-weight: 600"


def mockup_table(
    profiled: ProfiledRun, names: Mapping[str, str], standout: Collection[int]
) -> pandas.io.formats.style.Styler:
    """One row per mockup, named by template; what it still held at its end in red when that
    stands out (`standout`: mockup indexes), and the running total of its allocations last."""
    rows = [
        {
            "mockup": mockup_choice(m.index, m.template, names),
            "seconds": m.seconds,
            "peak heap MB": m.heap_peak_bytes / MIB,
            STILL_HELD_COLUMN: readable_size(m.leaked_bytes),
            "peak RSS MB": m.rss_peak_bytes / MIB,
            ALLOCATED_COLUMN: m.allocated_bytes / MIB,
        }
        for m in profiled.mockups
    ]
    frame = pandas.DataFrame(rows)
    flagged = [m.index in standout for m in profiled.mockups]
    styled = frame.style.apply(
        lambda column: [STANDOUT_STYLE if flag else "" for flag in flagged],
        subset=[STILL_HELD_COLUMN],
    )
    return styled.format("{:.2f}", subset=["seconds"]).format(
        "{:.1f}", subset=["peak heap MB", "peak RSS MB", ALLOCATED_COLUMN]
    )


@dataclass(frozen=True)
class SiteRow:
    """An allocation site as the page lists it: paths as a reader knows them."""

    size: str
    location: str
    function: str
    blocks: int
    stack: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{self.size} · {self.location} · {self.function}"


@dataclass(frozen=True)
class SiteList:
    shown: list[SiteRow]
    small: list[SiteRow]  # under SMALL_SITE_BYTES, listed on "show all"


def site_list(sites: list[AllocationSite], index: int, kind: str) -> SiteList:
    """Mockup `index`'s sites of `kind` ("peak" or "leaked"), most bytes first."""
    mine = sorted((s for s in sites if s.index == index and s.kind == kind), key=lambda s: -s.bytes)
    rows = [(site.bytes >= SMALL_SITE_BYTES, _row(site)) for site in mine]
    return SiteList(
        shown=[row for big, row in rows if big], small=[row for big, row in rows if not big]
    )


def _row(site: AllocationSite) -> SiteRow:
    return SiteRow(
        size=readable_size(site.bytes),
        location=display_location(site.location),
        function=site.function,
        blocks=site.allocations,
        stack=tuple(display_location(frame) for frame in site.stack),
    )
