"""A command-line render keeps its threads in glibc's main arena: the progress bar starts a
thread before the render does, and a thread that allocates before the arena limit is set
gets an arena of its own, which libvips' threads then share, keeping what they free (the
RGBA PNG's ten mockups peaked 160 MB so, 142 MB without it)."""

from __future__ import annotations

import subprocess
import sys

from tests.cli_helpers import ROOT
from tests.conftest import gradient_artwork

# glibc's malloc_info lists one <heap> per arena in use
COUNT_ARENAS = """
import ctypes, ctypes.util, sys
from mockups.cli import main
status = main(["render", sys.argv[1], "--out", sys.argv[2], "--templates", "poster,mug"])
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
report = libc.fopen(sys.argv[3].encode(), b"w")
libc.malloc_info(0, ctypes.c_void_p(report))
libc.fclose(ctypes.c_void_p(report))
sys.exit(status)
"""


def test_a_command_line_render_allocates_in_one_arena(tmp_path):
    artwork = tmp_path / "art.png"
    gradient_artwork((900, 1200)).convert("RGBA").save(artwork)
    report = tmp_path / "malloc.xml"
    done = subprocess.run(
        [sys.executable, "-c", COUNT_ARENAS, str(artwork), str(tmp_path / "out"), str(report)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert report.read_text().count("<heap nr=") == 1
