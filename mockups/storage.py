"""Where runs live on disk: one folder per run under the data folder."""

from __future__ import annotations

import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import Path

DATA_ENV = "MOCKUPLAB_HOME"


def data_dir() -> Path:
    """`$MOCKUPLAB_HOME`, or the user's data folder (~/.local/share/mockup-lab)."""
    configured = os.environ.get(DATA_ENV)
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "mockup-lab"


def new_run_dir(artwork_name: str, root: Path | None = None) -> Path:
    """A fresh, empty folder named after the time and the artwork: runs sort by age."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", Path(artwork_name).stem).strip("-")[:40] or "artwork"
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = (root or data_dir() / "runs") / f"{stamp}-{stem}-{secrets.token_hex(3)}"
    folder.mkdir(parents=True)
    return folder
