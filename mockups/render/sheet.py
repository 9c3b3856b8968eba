"""A contact sheet: one artwork on every template, as a grid of the run's thumbnails.

The run behind it is a render like any other: refused before it starts, in one line, when
its estimated memory is over the budget (`render.plan`).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

from mockups.errors import RenderError
from mockups.options import RenderOptions, TemplateChoice
from mockups.render.mockup import THUMBNAIL_SIDE
from mockups.render.plan import plan_render
from mockups.render.run import render_run
from mockups.runs.folder import atomic_file

COLUMNS = 5
LABEL_HEIGHT = 36
GAP = 12
BACKGROUND = (250, 250, 248)


def contact_sheet(artwork: Path | str, out: Path | str, templates: TemplateChoice = "all") -> Path:
    """Render `artwork` on `templates` and write their thumbnails, labelled, as one JPEG."""
    out = Path(out)
    if out.is_dir():
        raise RenderError(f"--out {out.name}: is a folder; give the sheet's file name")
    plan = plan_render(artwork, RenderOptions(templates=templates)).check()
    with tempfile.TemporaryDirectory(prefix="mockup-sheet-") as folder:
        run = render_run(artwork, folder, plan=plan)
        tiles = [(m.template, Path(folder) / m.thumbnail) for m in run.mockups]
        sheet = tile(tiles)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(out) as partial:
            sheet.save(partial, "JPEG", quality=88)
    except OSError as error:
        raise RenderError(f"--out {out.name}: cannot be written ({error.strerror})") from None
    return out


def tile(tiles: list[tuple[str, Path]]) -> Image.Image:
    """Thumbnails in rows of COLUMNS, each centred in its cell above its label."""
    columns = min(COLUMNS, len(tiles))
    rows = math.ceil(len(tiles) / columns)
    cell = (THUMBNAIL_SIDE, THUMBNAIL_SIDE + LABEL_HEIGHT)
    width = columns * cell[0] + (columns + 1) * GAP
    height = rows * cell[1] + (rows + 1) * GAP
    sheet = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for position, (label, path) in enumerate(tiles):
        left = GAP + (position % columns) * (cell[0] + GAP)
        top = GAP + (position // columns) * (cell[1] + GAP)
        with Image.open(path) as thumbnail:
            offset = ((cell[0] - thumbnail.width) // 2, (THUMBNAIL_SIDE - thumbnail.height) // 2)
            sheet.paste(thumbnail, (left + offset[0], top + offset[1]))
        draw.text((left + 4, top + THUMBNAIL_SIDE + 8), label, fill=(60, 60, 60), font_size=22)
    return sheet
