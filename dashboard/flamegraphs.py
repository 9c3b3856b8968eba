"""memray flame graphs for the Memory page, one at a time: written on demand by a child process
(`python -m profiling.report`: replaying a capture holds every allocation record, and memray
itself need not load in the web server) and kept on disk beside the profile, so a later look,
from any session, reads a file."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from mockups.errors import MockupLabError
from mockups.runs.catalogue import fetch_run_folder
from profiling.profile_folder import PROFILE_DIR, SUMMARY_FILE, profile_dir

WRITE_SECONDS = 180
_writing = threading.Lock()  # one child at a time in this server, whichever session asks
# (run folder, mockup index or None for the run) -> the file and its profile's stamp
_known: dict[tuple[str, int | None], tuple[Path, int | None]] = {}


def flamegraph_file(run_dir: Path, index: int | None) -> Path:
    """The self-contained flame graph of mockup `index` at its peak (None: the whole run),
    written first if it is missing or older than the run's profile."""
    key = (str(run_dir), index)
    with _writing:
        stamp = _profile_stamp(run_dir)
        path, known_stamp = _known.get(key, (None, None))
        if path is None or known_stamp != stamp or not path.is_file():
            path = _written_by_child(run_dir, index)
            _known[key] = (path, stamp)
    return path


def _profile_stamp(run_dir: Path) -> int | None:
    try:
        return os.stat(profile_dir(run_dir) / SUMMARY_FILE).st_mtime_ns
    except OSError:
        return None


def _written_by_child(run_dir: Path, index: int | None) -> Path:
    fetch_run_folder(run_dir, PROFILE_DIR)  # the memray captures, kept in the runs store
    command = [sys.executable, "-m", "profiling.report", str(run_dir)]
    command += [] if index is None else [str(index)]
    try:
        done = subprocess.run(
            command, check=True, capture_output=True, text=True, timeout=WRITE_SECONDS
        )
    except subprocess.CalledProcessError as error:
        lines = error.stderr.strip().splitlines()
        raise MockupLabError(lines[-1] if lines else "writing the flame graph failed") from None
    except subprocess.TimeoutExpired:
        raise MockupLabError(
            f"writing the flame graph took over {WRITE_SECONDS} s; try again later"
        ) from None
    path = Path(done.stdout.strip().splitlines()[-1])
    if path.parent != profile_dir(run_dir):
        raise MockupLabError("the flame graph was not written beside the profile")
    return path
