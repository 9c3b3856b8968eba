"""What else the shared machine was doing while a benchmark ran: its load average."""

from __future__ import annotations

import os


def load_average() -> float:
    """The 1-minute load average (2 cores here: above 2, processes waited for a core)."""
    return os.getloadavg()[0]


def load_note(started: float) -> str:
    return f"  load average (1 min) at start / end: {started:.1f} / {load_average():.1f}"
