"""Which mockups of a profiled run leaked bytes that stand out, and the code that allocated them.

A mockup's `leaked_bytes` are its blocks still alive at its end (module imports left out).
A few kB is normal: interpreter caches, a logging record. What stands out is a leak of
`threshold_bytes` or more, or one far above what the run's typical mockup leaks.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mockups.memory import MIB
from profiling.results import ProfiledRun
from profiling.sites import AllocationSite

if TYPE_CHECKING:
    import pandas

THRESHOLD_BYTES = MIB
TIMES_MEDIAN = 10.0
NOISE_BYTES = 64 * 1024  # below this, "ten times the median" is still only caches
SITE_LIMIT = 3
ROOT = Path(__file__).resolve().parents[1]
LIBRARY_PREFIX = re.compile(r"\S*/site-packages/")


@dataclass(frozen=True)
class LeakSuspect:
    """A mockup whose leak stands out, with its top leaked sites (most bytes first)."""

    index: int
    template: str
    leaked_bytes: int
    times_median: float  # leaked_bytes over the run's median; inf when the median is 0
    reason: str
    sites: tuple[AllocationSite, ...]


def standout_leaks(
    profiled: ProfiledRun,
    threshold_bytes: int = THRESHOLD_BYTES,
    times_median: float = TIMES_MEDIAN,
    noise_bytes: int = NOISE_BYTES,
    site_limit: int = SITE_LIMIT,
) -> list[LeakSuspect]:
    """Mockups that leaked `threshold_bytes` or more, or over `noise_bytes` and at least
    `times_median` times the run's median leak; the largest leak first."""
    leaks = [mockup.leaked_bytes for mockup in profiled.mockups]
    median = statistics.median(leaks) if leaks else 0
    suspects = []
    for mockup in profiled.mockups:
        leaked = mockup.leaked_bytes
        reason = leak_reason(leaked, median, threshold_bytes, times_median, noise_bytes)
        if reason is None:
            continue
        suspects.append(
            LeakSuspect(
                index=mockup.index,
                template=mockup.template,
                leaked_bytes=leaked,
                times_median=_ratio(leaked, median),
                reason=reason,
                sites=leaked_sites(profiled, mockup.index, site_limit),
            )
        )
    return sorted(suspects, key=lambda suspect: -suspect.leaked_bytes)


def leak_reason(
    leaked: int,
    median: float,
    threshold_bytes: int = THRESHOLD_BYTES,
    times_median: float = TIMES_MEDIAN,
    noise_bytes: int = NOISE_BYTES,
) -> str | None:
    """Why a mockup's `leaked` bytes stand out against the `median` leak, or None if they do not.

    The one rule: the notebooks' `standout_leaks` and the live panel (over the mockups landed
    so far) both apply it.
    """
    ratio = _ratio(leaked, median)
    if leaked >= threshold_bytes:
        return f"at least the {threshold_bytes / MIB:g} MB threshold"
    if leaked > noise_bytes and ratio >= times_median:
        return _compared_with_median(ratio, median)
    return None


def _ratio(leaked: int, median: float) -> float:
    return leaked / median if median else (math.inf if leaked else 0.0)


def leaked_sites(
    profiled: ProfiledRun, index: int, limit: int = SITE_LIMIT
) -> tuple[AllocationSite, ...]:
    """Mockup `index`'s sites of kind "leaked", most bytes first."""
    mine = [s for s in profiled.site_rows if s.index == index and s.kind == "leaked"]
    return tuple(sorted(mine, key=lambda site: -site.bytes)[:limit])


def suspects_table(suspects: list[LeakSuspect]) -> pandas.DataFrame:
    """One row per suspect: its leak, why it stands out and the site holding the most of it."""
    import pandas  # only for the table: the live panel applies the rule without pandas

    rows = [
        {
            "index": s.index,
            "template": s.template,
            "leaked_bytes": s.leaked_bytes,
            "times_median": s.times_median,
            "reason": s.reason,
            "top_site": f"{short_location(s.sites[0].location)} ({s.sites[0].function})"
            if s.sites
            else "",
        }
        for s in suspects
    ]
    columns = ["index", "template", "leaked_bytes", "times_median", "reason", "top_site"]
    return pandas.DataFrame(rows, columns=columns)


def describe_suspects(suspects: list[LeakSuspect]) -> str:
    """Each suspect, its sites and each site's whole stack (innermost frame first), as text."""
    if not suspects:
        return "No mockup's leak stands out."
    lines = []
    for suspect in suspects:
        lines.append(
            f"mockup {suspect.index} ({suspect.template}): "
            f"{readable_size(suspect.leaked_bytes)} leaked; {suspect.reason}"
        )
        for site in suspect.sites:
            lines.append(
                f"  {readable_size(site.bytes)} in {site.allocations} block(s) at "
                f"{short_location(site.location)} ({site.function}), allocated through:"
            )
            lines.extend(f"      {short_location(frame)}" for frame in site.stack)
        lines.append("")
    return "\n".join(lines).rstrip()


def readable_size(size: int) -> str:
    return f"{size / MIB:.2f} MB" if size >= MIB / 10 else f"{size / 1024:.1f} kB"


def short_location(text: str) -> str:
    """Paths in `text` relative to the project, or to site-packages for a library's."""
    return LIBRARY_PREFIX.sub("", text.replace(f"{ROOT}/", ""))


def _compared_with_median(ratio: float, median: float) -> str:
    if math.isinf(ratio):
        return "the median mockup leaked nothing"
    return f"{ratio:.0f} times the median mockup's {median / 1024:.1f} kB"
