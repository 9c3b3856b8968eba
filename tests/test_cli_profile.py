"""`python -m mockups render --profile` prints each mockup's memray line while the others still
render, not at the end. A `sitecustomize` on the process's PYTHONPATH slows each mockup, so
the render lasts long enough to tell the two apart."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mockups.memory import MIB
from tests.conftest import gradient_artwork

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ["poster", "greeting-card", "mug", "framed-wall"]
SLOWING = """
import time

import mockups.render.run

_real_render = mockups.render.run.render_mockup


def render_slowly(artwork, template, *rest):
    time.sleep(1.0)
    return _real_render(artwork, template, *rest)


mockups.render.run.render_mockup = render_slowly
"""


@pytest.mark.slow
def test_render_profile_prints_mockup_ones_heap_line_before_the_last_mockup_is_written(tmp_path):
    artwork = tmp_path / "art.jpg"
    gradient_artwork((900, 1200)).save(artwork, quality=90)
    (tmp_path / "slowing").mkdir()
    (tmp_path / "slowing" / "sitecustomize.py").write_text(SLOWING)
    out = tmp_path / "run"
    command = [sys.executable, "-m", "mockups", "render", str(artwork), "--out", str(out)]
    render = subprocess.Popen(
        [*command, "--templates", ",".join(TEMPLATES), "--profile"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{tmp_path / 'slowing'}:{ROOT}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    last_file = out / f"{len(TEMPLATES):02d}-{TEMPLATES[-1]}.jpg"
    lines = []  # (stderr line, whether the last mockup was written when it came)
    try:
        assert render.stderr is not None
        for line in render.stderr:
            lines.append((line.rstrip("\n"), last_file.exists()))
        render.wait(timeout=240)
    finally:
        if render.poll() is None:
            render.kill()
            render.wait()
    assert render.returncode == 0, lines
    heap_lines = [(line, written) for line, written in lines if ": heap peak " in line]
    assert [line.split(":")[0] for line, _ in heap_lines] == [
        f"{n:02d} {template}" for n, template in enumerate(TEMPLATES, start=1)
    ]
    first_line, last_written_then = heap_lines[0]
    assert not last_written_then, "mockup 1's line came only once the last mockup was written"
    first = json.loads((out / "run.json").read_text())["mockups"][0]
    assert f"heap peak {first['profile']['heap_peak_bytes'] / MIB:.1f} MB" in first_line
    assert f"leaked {first['profile']['leaked_bytes'] / MIB:.2f} MB" in first_line
