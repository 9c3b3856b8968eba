"""Warm-up: run the engine once on tiny templates before any capture starts.

The first mockup of a process pays for one-time allocations (codec and colour-profile set-up,
module caches, ctypes' look-up of malloc_trim, numpy's BLAS buffer if anything calls
`numpy.linalg`). They stay for the process's life, so a capture that saw them would report
them as mockup 1's leak. Two tiny mockups, one flat, one warped through a mask and shading,
cost a few milliseconds and walk every path a real mockup takes.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PIL import Image

from mockups.geometry import rect_quad
from mockups.options import RenderOptions
from mockups.render.run import render_run
from mockups.templates.model import Template

SCENE_SIZE = (96, 72)
ARTWORK_SIZE = (40, 50)

_warmed_up = False


def warm_up(mode: str = "sequential") -> None:
    """Render two tiny mockups in `mode` (sequential or threads) with memory release on."""
    global _warmed_up
    with tempfile.TemporaryDirectory(prefix="mockup-lab-warm-up-") as folder:
        root = Path(folder)
        artwork = root / "artwork.jpg"
        Image.new("RGB", ARTWORK_SIZE, (200, 120, 40)).save(artwork, quality=90)
        options = RenderOptions(
            templates=_tiny_templates(root),
            mode=mode,
            workers=None if mode == "sequential" else 2,
            release_memory=True,
        )
        render_run(artwork, root / "out", options=options)
    _warmed_up = True


def warm_up_once() -> None:
    if not _warmed_up:
        warm_up()


def _tiny_templates(root: Path) -> list[Template]:
    scene, mask, shading = root / "scene.jpg", root / "mask.png", root / "shading.png"
    Image.new("RGB", SCENE_SIZE, (180, 180, 170)).save(scene, quality=90)
    Image.new("L", SCENE_SIZE, 255).save(mask)
    Image.new("RGB", SCENE_SIZE, (230, 230, 230)).save(shading)
    flat = Template(
        id="warm-up-flat",
        name="Warm-up, flat",
        product="warm-up",
        size=SCENE_SIZE,
        folder=root,
        scene=scene,
        quad=rect_quad(10, 8, 40, 50),
    )
    warped = Template(
        id="warm-up-warped",
        name="Warm-up, warped",
        product="warm-up",
        size=SCENE_SIZE,
        folder=root,
        scene=scene,
        quad=((30.5, 6.2), (80.1, 9.4), (78.3, 64.0), (28.2, 60.7)),
        fit="contain",
        substrate=None,
        mask=mask,
        shading=shading,
    )
    return [flat, warped]
