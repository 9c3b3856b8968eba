"""Where runs live on disk: one folder per run under the data folder."""

from __future__ import annotations

import io
import os
import re
import secrets
import shutil
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mockups.errors import MockupLabError
from mockups.runfolder import RUN_FILE, mockup_path, read_run

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
    folder = runs_dir(root) / f"{stamp}-{stem}-{secrets.token_hex(3)}"
    folder.mkdir(parents=True)
    return folder


@dataclass(frozen=True)
class RunSummary:
    """A finished run on disk, as the history lists it (read from its run.json)."""

    path: Path
    artwork: str
    started_at: str
    mode: str
    workers: int
    mockups: int
    wall_seconds: float
    peak_rss_bytes: int
    profiled: bool


def runs_dir(root: Path | None = None) -> Path:
    return root or data_dir() / "runs"


def list_runs(root: Path | None = None) -> list[RunSummary]:
    """Finished runs, newest first; a folder without a readable run.json is not one."""
    folder = runs_dir(root)
    if not folder.is_dir():
        return []
    found = [summary for path in folder.iterdir() if (summary := read_summary(path))]
    return sorted(found, key=lambda s: (s.started_at, s.path.name), reverse=True)


def read_summary(path: Path) -> RunSummary | None:
    try:
        run = read_run(path)
    except MockupLabError:
        return None
    return RunSummary(
        path=path,
        artwork=run.artwork_name,
        started_at=run.started_at,
        mode=run.mode,
        workers=run.workers,
        mockups=len(run.mockups),
        wall_seconds=run.wall_seconds,
        peak_rss_bytes=run.peak_rss_bytes,
        profiled=run.profiled,
    )


def delete_run(path: Path, root: Path | None = None) -> None:
    """Remove a run's folder; only a folder directly inside the runs folder, never elsewhere."""
    folder = runs_dir(root).resolve()
    target = Path(path).resolve()
    if target.parent != folder or not target.is_dir():
        raise ValueError(f"{path} is not a run folder")
    shutil.rmtree(target)


def zip_run(path: Path) -> bytes:
    """The run's mockups and run.json as a zip, read from disk when asked for (a download).

    Only the files its run.json names, each checked to lie inside the run folder."""
    run = read_run(path)
    files = [mockup_path(path, mockup.file) for mockup in run.mockups]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for item in [*files, Path(path) / RUN_FILE]:
            if item.is_file() and not item.is_symlink():
                archive.write(item, item.name)
    return buffer.getvalue()
