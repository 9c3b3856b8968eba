"""Draw the built-in scenes not yet rendered in 3D: `python -m mockups.scenes`.

No stock photos can be fetched here, so each scene is drawn: light falling across a wall or
a table, textures from seeded noise, soft contact shadows, perspective from a homography.
The same seeds always draw the same files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from mockups.scenes import goods, rooms
from mockups.templates import BUILTIN_DIR

THUMB_SIDE = 400
LAYERS = ("mask", "shading", "highlight", "displacement", "product")
SCENES: list[Callable[[], dict]] = [  # the rest are rendered: mockups/scenes/blender
    rooms.framed_wall,
    rooms.poster,
    goods.phone_case,
    rooms.greeting_card,
    rooms.desk_frame,
]


def write_template(spec: dict, root: Path) -> Path:
    """The template folder for `spec`: scene, layers, thumbnail and manifest."""
    folder = root / spec["id"]
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"format": 1, **spec["manifest"], "scene": "scene.jpg"}
    spec["scene"].save(folder / "scene.jpg", "JPEG", quality=88)
    for layer in LAYERS:
        if layer in spec:
            spec[layer].save(folder / f"{layer}.png", "PNG", optimize=True)
            if layer in ("mask", "shading", "highlight"):
                manifest[layer] = f"{layer}.png"
    thumb = spec["scene"].copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    thumb.save(folder / "thumbnail.jpg", "JPEG", quality=85)
    manifest["thumbnail"] = "thumbnail.jpg"
    (folder / "template.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def main() -> None:
    for make in SCENES:
        print(write_template(make(), BUILTIN_DIR))


if __name__ == "__main__":
    main()
