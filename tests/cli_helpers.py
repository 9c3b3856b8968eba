"""The command line run as a user runs it: a process of its own, with a home of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess:
    """`python -m mockups ARGS` with `home` as MOCKUPLAB_HOME and nothing else inherited."""
    return subprocess.run(
        [sys.executable, "-m", "mockups", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"MOCKUPLAB_HOME": str(home), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
