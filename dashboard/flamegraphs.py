"""memray flame graphs for the Memory page: one at a time, written on demand by a child process
(replaying a capture holds every allocation record; the web server should not) and kept on disk
beside the profile, so the next look, from any session, reads a file."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from mockups.errors import MockupLabError
from profiling.report import inline_flamegraph_path
from profiling.results import MockupProfile
from profiling.storage import SUMMARY_FILE, profile_dir

WRITE_SECONDS = 180
_writing = threading.Lock()  # one child at a time in this server, whichever session asks


def flamegraph_file(run_dir: Path, mockup: MockupProfile | None) -> Path:
    """The self-contained flame graph of `mockup` at its peak (None: the whole run), written
    first if it is missing or older than the profile."""
    path = inline_flamegraph_path(run_dir, mockup)
    with _writing:
        if not is_fresh(path, run_dir):
            _write_in_child(run_dir, mockup)
    return path


def is_fresh(path: Path, run_dir: Path) -> bool:
    """Whether `path` was written after the run's profile was (a run profiled again is not)."""
    try:
        return path.stat().st_mtime_ns >= (profile_dir(run_dir) / SUMMARY_FILE).stat().st_mtime_ns
    except OSError:
        return False


def _write_in_child(run_dir: Path, mockup: MockupProfile | None) -> None:
    command = [sys.executable, "-m", "profiling.report", str(run_dir)]
    command += [] if mockup is None else [str(mockup.index)]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=WRITE_SECONDS)
    except subprocess.CalledProcessError as error:
        lines = error.stderr.strip().splitlines()
        raise MockupLabError(lines[-1] if lines else "writing the flame graph failed") from None
    except subprocess.TimeoutExpired:
        raise MockupLabError(
            f"writing the flame graph took over {WRITE_SECONDS} s; try again later"
        ) from None
