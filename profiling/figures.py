"""A profiled mockup's memray figures in the run record: the `profile` block of its
`MockupResult` (run.json, and each mockup as it lands), which the engine carries without
naming what is in it.

    heap_peak_bytes   the most its own allocations held at once
    allocated_bytes   every byte it asked for, freed or not; allocations: how many times
    leaked_bytes      still held when it ended, less one_time_bytes (imports, paid once)
    rss_peak_bytes    the rendering process's peak RSS while it rendered
    heap_exact, rss_exact   whether those are its own (see `MockupProfile`)
    top_site, top_site_function   the allocation site holding the most at its heap peak
    leak_reason       why its leak stands out (`profiling.leaks`), when it does
    summary           the line `render --profile` prints as the mockup lands
"""

from __future__ import annotations

import typing
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from mockups.memory import MIB
from mockups.runs.folder import MockupResult
from profiling.sites import display_location


@dataclass(frozen=True)
class MockupFigures:
    heap_peak_bytes: int
    allocated_bytes: int | None = None
    allocations: int | None = None
    leaked_bytes: int | None = None
    one_time_bytes: int | None = None
    rss_peak_bytes: int | None = None
    heap_exact: bool | None = None
    rss_exact: bool | None = None
    top_site: str | None = None
    top_site_function: str | None = None
    leak_reason: str | None = None

    @classmethod
    def of(cls, result: MockupResult) -> MockupFigures | None:
        """The figures `result` carries; None for a mockup rendered without the profiler. A
        value of the wrong type (a damaged or hand-written record) reads as absent."""
        block = result.profile or {}
        if not _fits(int, block.get("heap_peak_bytes")):
            return None
        hints = typing.get_type_hints(cls)
        return cls(
            **{
                item.name: block[item.name]
                for item in fields(cls)
                if _fits(hints[item.name], block.get(item.name))
            }
        )

    def summary(self) -> str:
        """One line: heap peak, leaked, the top site (its path relative to the project or the
        libraries, not absolute) and why the leak stands out."""
        line = (
            f"heap peak {self.heap_peak_bytes / MIB:.1f} MB, "
            f"leaked {(self.leaked_bytes or 0) / MIB:.2f} MB"
        )
        if self.top_site:
            line += f", top site {display_location(self.top_site)} ({self.top_site_function})"
        if self.leak_reason:
            line += f"; leak stands out: {self.leak_reason}"
        return line

    def on(self, result: MockupResult) -> MockupResult:
        """`result` carrying these figures (and their summary) as its profile block."""
        block: dict[str, Any] = {k: v for k, v in asdict(self).items() if v is not None}
        return replace(result, profile={**block, "summary": self.summary()})

    def with_changes(self, **changes: Any) -> MockupFigures:
        return replace(self, **changes)


def _fits(hint: Any, value: object) -> bool:
    kinds = [k for k in typing.get_args(hint) if k is not type(None)] or [hint]
    if isinstance(value, bool):
        return bool in kinds
    return any(isinstance(value, kind) for kind in kinds)
