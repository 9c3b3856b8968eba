"""The project's data folder on this machine: `$MOCKUPLAB_HOME`, holding runs, templates and
scratch space; every path a process derives from a record or a job must lie inside it."""

from __future__ import annotations

import os
from pathlib import Path

DATA_ENV = "MOCKUPLAB_HOME"


def data_dir() -> Path:
    """`$MOCKUPLAB_HOME`, or the user's data folder (~/.local/share/mockup-lab)."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mockup-lab"
