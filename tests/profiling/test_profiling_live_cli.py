"""`python -m mockups render --profile` prints each mockup's memray figures as it lands."""

import json
import subprocess
import sys

from mockups.memory import MIB
from profiling.sites import display_location
from tests.conftest import gradient_artwork


def test_render_profile_prints_a_line_per_mockup_with_its_heap_peak_and_leak(tmp_path):
    artwork = tmp_path / "art.jpg"
    gradient_artwork((900, 1200)).save(artwork, quality=90)
    out = tmp_path / "run"
    command = [sys.executable, "-m", "mockups", "render", str(artwork), "--out", str(out)]
    done = subprocess.run(
        [*command, "--templates", "poster,mug", "--profile"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if ": heap peak " in line]
    run = json.loads((out / "run.json").read_text())
    assert len(lines) == len(run["mockups"]) == 2
    for line, mockup in zip(lines, run["mockups"], strict=True):
        assert line.startswith(f"{mockup['index']:02d} {mockup['template']}: ")
        figures = mockup["profile"]
        assert f"heap peak {figures['heap_peak_bytes'] / MIB:.1f} MB" in line
        assert f"leaked {figures['leaked_bytes'] / MIB:.2f} MB" in line
        shown = display_location(figures["top_site"])
        assert not shown.startswith("/"), shown
        assert f"top site {shown} ({figures['top_site_function']})" in line
