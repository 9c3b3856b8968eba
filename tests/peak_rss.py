"""Run a command in a child process and read that child's peak RSS as the kernel reports it."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

MB = 2**20

# A child started by vfork inherits the parent's peak RSS as its own starting ru_maxrss, and
# pytest workers grow large: a small middle process starts the command and reports the
# peak RSS of that child alone (wait4).
MEASURE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(str(usage.ru_maxrss * 1024))
sys.exit(os.waitstatus_to_exitcode(status))
"""


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr_lines: list[str]
    peak_rss_mb: float


def measured(command: list[str], workdir: Path) -> Outcome:
    """Run `command`; its exit status, output, stderr lines and peak RSS in MB."""
    report = Path(tempfile.mkstemp(prefix="peak-rss-", dir=workdir)[1])
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(report), *command],
        capture_output=True,
        text=True,
        timeout=240,
    )
    return Outcome(
        returncode=done.returncode,
        stdout=done.stdout,
        stderr_lines=done.stderr.splitlines(),
        peak_rss_mb=int(report.read_text()) / MB,
    )
