"""A queued job's heap line: the renderer's `(seconds, rss_bytes, heap_bytes)` samples, kept
bounded in the job's meta (`samples`) by the worker and read back, checked, by `status()`.

A profiled renderer samples about five times a second; a job may render for minutes. The line
keeps at most `MAX_POINTS` points: when full, every other point goes and from then on only
every other sample is kept, so it always spans the whole render, start included, at an even
step that doubles as the render runs long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_POINTS = 512

Point = tuple[float, int, int | None]  # seconds since the render started, RSS, heap in use


@dataclass
class HeapLine:
    """The points kept of a render's samples, oldest first."""

    max_points: int = MAX_POINTS
    points: list[Point] = field(default_factory=list)
    step: int = 1  # one sample kept in `step`
    offered: int = 0

    def add(self, seconds: float, rss_bytes: int, heap_bytes: int | None) -> bool:
        """Take one sample; True when it was kept."""
        kept = self.offered % self.step == 0
        self.offered += 1
        if not kept:
            return False
        self.points.append((seconds, rss_bytes, heap_bytes))
        if len(self.points) > self.max_points:
            del self.points[1::2]
            self.step *= 2
        return True


def heap_points(entries: Any, max_points: int = MAX_POINTS) -> list[Point]:
    """The heap line a job's meta holds, whatever a damaged or older worker wrote there: entries
    that are not `[seconds, rss_bytes, heap_bytes or null]` are skipped, and no more than the
    last `max_points` are read."""
    if not isinstance(entries, list):
        return []
    points = []
    for entry in entries[-max_points:]:
        if isinstance(entry, list | tuple) and len(entry) == 3:
            seconds, rss, heap = entry
            if _number(seconds) and _count(rss) and (heap is None or _count(heap)):
                points.append((float(seconds), rss, heap))
    return points


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
