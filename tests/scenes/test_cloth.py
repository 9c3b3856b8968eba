"""The textiles' cloth simulation (scenes/blender/studio/cloth.py), run small in Blender's
Python (the bpy venv `make test` sets up): reproducible, cached by its inputs, and shaping
the cloth as the real thing hangs or puffs."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap

from scenes.blender.__main__ import DEFAULT_PYTHON, STUDIO

SMALL_PILLOW = """
import json, sys
import numpy as np
import kit, cloth
kit.reset()
white = kit.carrier_white()
front, back, piping = cloth.pillow("pillow", 0.4, 0.4, white, white, puff={puff}, seed=3,
                                   cells=14, frames=14)
points = np.array([v.co[:] for v in front.data.vertices])
print("RESULT", json.dumps({{
    "digest": __import__("hashlib").sha256(points.round(7).tobytes()).hexdigest(),
    "thickness": float(-points[:, 1].min()),
    "side_middle": float(np.abs(points[np.abs(points[:, 2]) < 0.02, 0]).max()),
    "half_width": float(np.abs(points[:, 0]).max()),
    "cached": len(list(cloth.CLOTH_CACHE.glob("*.npy"))),
}}))
"""

HANGING_TOTE = """
import json
import bpy, numpy as np
import kit, tote_hanging
kit.reset()
tote_hanging.build()
hem = bpy.data.objects["tote-hem-front"]  # the front's hem: the mouth's top edge
points = np.array([hem.matrix_world @ v.co for v in hem.data.vertices])
print("RESULT", json.dumps({"top": float(points[:, 2].max()), "outer_top": float(
    points[np.abs(points[:, 0]) > 0.13][:, 2].max())}))
"""


def run(code: str, cache=None) -> dict:
    """`code`'s RESULT line, run by Blender's Python; the cloth cache in `cache`, else the
    user's (where the scene builds and the tiny renders leave their simulations)."""
    env = {"PYTHONPATH": str(STUDIO), "PATH": "/usr/bin:/bin", "HOME": os.environ["HOME"]}
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    done = subprocess.run(
        [str(DEFAULT_PYTHON), "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=STUDIO,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT"))
    return json.loads(line.removeprefix("RESULT "))


def test_the_same_pillow_comes_out_of_every_simulation(tmp_path):
    first = run(SMALL_PILLOW.format(puff=1.0), tmp_path / "one")
    second = run(SMALL_PILLOW.format(puff=1.0), tmp_path / "two")
    assert first["digest"] == second["digest"]


def test_a_simulation_is_cached_by_its_inputs(tmp_path):
    run(SMALL_PILLOW.format(puff=1.0), tmp_path)
    again = run(SMALL_PILLOW.format(puff=1.0), tmp_path)
    assert again["cached"] == 1, "the same inputs read the same simulation back"
    fuller = run(SMALL_PILLOW.format(puff=1.5), tmp_path)
    assert fuller["cached"] == 2, "a changed setting runs its own"
    assert fuller["thickness"] > again["thickness"]


def test_stuffing_puffs_the_pillow_and_pulls_its_sides_in(tmp_path):
    pillow = run(SMALL_PILLOW.format(puff=1.0), tmp_path)
    assert pillow["thickness"] > 0.025, "the front stands well off the seam (flat: 0.004)"
    cut = 0.2 * 1.03  # a side's middle as cut, bowed out
    assert pillow["side_middle"] < cut - 0.005, "the stuffing pulls the sides in"


def test_the_hanging_tote_sags_at_its_mouth_beside_the_straps():
    tote = run(HANGING_TOTE)
    assert tote["outer_top"] < tote["top"] - 0.01, "the corners drop below the straps' hold"
