"""The scene build's check that no two objects intersect, on tiny scenes built in Blender's
Python (the bpy venv `make test` sets up)."""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from scenes.blender.__main__ import DEFAULT_PYTHON, STUDIO, render_raw

# A shelf (a bevelled slab, its top at z = 0) and a book on it, the book `sink` metres down.
SHELF_AND_BOOK = """
import kit
TEMPLATE = {{"id": "canvas", "name": "A book on a shelf", "product": "canvas",
            "size": [3000, 2000], "fit": "cover", "substrate": "#ffffff"}}


def build():
    white = kit.carrier_white()
    kit.box("shelf", (0.6, 0.2, 0.02), (0, 0, -0.01), kit.matte("#a07850"), bevel=0.003)
    kit.box("book", (0.16, 0.12, 0.03), (0.1, 0.0, 0.015 - {sink}), kit.matte("#2e3d52"),
            bevel=0.003, rotation=kit.radians(0, 0, 7))
    kit.box("{leaning}", (0.02, 0.1, 0.2), (-0.15, 0.0, 0.1), kit.matte("#dddddd"), bevel=0)
    print_plane = kit.plane("print", 0.2, 0.15, (0.0, -0.2, 0.1), kit.radians(90, 0, 0), white)
    kit.camera((0, -1.0, 0.1), (0, 0, 0.05))
    return kit.Shot(carrier=print_plane, print_size=(20, 15))
"""


def run_in_blender(code: str) -> subprocess.CompletedProcess:
    script = textwrap.dedent(code)
    return subprocess.run(
        [str(DEFAULT_PYTHON), "-c", script],
        capture_output=True,
        text=True,
        cwd=STUDIO,
        env={"PYTHONPATH": str(STUDIO), "PATH": "/usr/bin:/bin"},
    )


def found_in(scene_source: str) -> str:
    """What the check reports for a scene module's build, one line per intersecting pair."""
    done = run_in_blender(
        f"""
        import sys, types
        import kit, intersections
        module = types.ModuleType("scene")
        exec({scene_source!r}, module.__dict__)
        kit.reset()
        module.build()
        for found in intersections.intersections():
            print("FOUND", found)
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return "\n".join(line for line in done.stdout.splitlines() if line.startswith("FOUND"))


def test_a_book_resting_on_a_shelf_touches_it_without_intersecting():
    assert found_in(SHELF_AND_BOOK.format(sink=0.0, leaning="upright")) == ""


def test_a_book_sunk_into_a_shelf_is_found_with_both_names_and_its_depth():
    found = found_in(SHELF_AND_BOOK.format(sink=0.004, leaning="upright"))
    assert found == "FOUND shelf and book intersect by 4.0 mm"


def test_a_sinking_within_the_allowance_passes():
    assert found_in(SHELF_AND_BOOK.format(sink=0.0003, leaning="upright")) == ""


def test_a_thin_sheet_passing_through_a_box_is_found():
    scene = SHELF_AND_BOOK.format(sink=0.0, leaning="upright").replace(
        "(0.0, -0.2, 0.1), kit.radians(90, 0, 0)", "(-0.15, 0.0, 0.1), kit.radians(90, 0, 0)"
    )
    assert "FOUND upright and print intersect by" in found_in(scene)


@pytest.fixture
def sunk_scene(tmp_path, monkeypatch):
    (tmp_path / "sunk_book.py").write_text(SHELF_AND_BOOK.format(sink=0.004, leaning="upright"))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    return "sunk_book"


def test_the_scene_build_fails_naming_the_intersecting_pair(sunk_scene, tmp_path):
    with pytest.raises(RuntimeError, match="shelf and book intersect by 4.0 mm"):
        render_raw(sunk_scene, tmp_path / "raw", DEFAULT_PYTHON, 0.01, samples=1)
    assert not (tmp_path / "raw" / "beauty.npy").exists(), "nothing is rendered"
