"""Templates: the library (built-in and yours), a Photoshop mockup import, a photo template."""

from collections.abc import Sequence
from functools import partial
from pathlib import Path

import streamlit as st
from PIL import Image, ImageDraw
from streamlit_image_coordinates import streamlit_image_coordinates

from dashboard import guard, state, uploads
from dashboard.resources import template_entries
from dashboard.template_authoring import (
    CustomTemplate,
    Quad,
    after_click,
    corners_problem,
    import_psd_template,
    preview_photo_template,
    save_photo_template,
    whose,
)
from dashboard.widgets import boxed_image

COLUMNS = 5
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]
PICKER_WIDTH = 900
CORNER_NAMES = ("top left", "top right", "bottom right", "bottom left")
SAMPLE_ARTWORK = Path(__file__).resolve().parents[1] / "examples" / "artwork.jpg"
OUTLINE = (255, 0, 80)


def show_library() -> None:
    """One tile per usable template, row by row, every tile of a row the same size: the
    thumbnail in one shape, the name and the caption, the tile as tall as the row's tallest;
    broken ones listed after."""
    entries = template_entries()
    usable = [entry for entry in entries if not entry.broken]
    for row in range(0, len(usable), COLUMNS):
        for column, entry in zip(st.columns(COLUMNS), usable[row : row + COLUMNS], strict=False):
            with column, st.container(border=True, height="stretch"):
                library_tile(entry)
    for entry in (e for e in entries if e.broken):
        st.text(f"⚠ {entry.id}: broken, left out: {entry.problem}")


def library_tile(entry) -> None:
    template = entry.template
    if template.thumbnail is not None:
        st.image(boxed_image(str(template.thumbnail)), width="stretch")
    st.text(template.name)
    colours = ""
    if template.variants:
        colours = " · colours: " + ", ".join(template.variants.colours)
    st.caption(
        f"{template.id} · {whose(entry)} · {template.size[0]}x{template.size[1]}"
        f" · {template.placement}{colours}"
    )


def import_psd_section() -> None:
    st.subheader("Import a Photoshop mockup")
    st.caption(
        "A PSD or PSB whose design sits in a smart object. Layers under it become the scene; "
        "shadows, light and things in front of it stay on the print."
    )
    upload = st.file_uploader("Mockup PSD", type=["psd", "psb"], key="psd-upload")
    if upload is None:
        return
    with st.form("psd-import"):
        layer = st.text_input("Smart object layer (only if it has several)", "")
        template_id = st.text_input("Template id (default: the file's name)", "")
        submitted = st.form_submit_button("Import", type="primary")
    if not submitted:
        return
    path = uploads.stage_file(upload, "psd")
    artwork, which = preview_artwork()
    with guard.shown_errors("Importing the PSD"), st.spinner("Importing, one layer at a time…"):
        template, warnings, preview = import_psd_template(
            path, layer or None, template_id or None, artwork
        )
        st.success(f"Imported as {template.id}; it is on the Render page now.")
        for warning in warnings:
            st.text(f"warning: {warning}")
        st.image(preview, caption=f"The imported template with {which}: judge the print's fit")


def preview_artwork() -> tuple[Path, str]:
    """The current run's artwork if there is one, else the built-in sample; and which it is."""
    current = state.current_run()
    artwork = current / "artwork.png" if current is not None else None
    if artwork is not None and artwork.is_file():
        return artwork, "the current artwork"
    return SAMPLE_ARTWORK, "the sample artwork (render yours first to see it here)"


def starting_corners(size: tuple[int, int]) -> list[tuple[float, float]]:
    """A new template's print: a centred box, half the photo's width and 60 % of its height,
    clockwise from its top-left, whatever the photo's size."""
    width, height = size
    left, right = round(width * 0.25), round(width * 0.75)
    top, bottom = round(height * 0.2), round(height * 0.8)
    return [(left, top), (right, top), (right, bottom), (left, bottom)]


def corner_step(size: tuple[int, int]) -> int:
    """What one +/- press moves a corner: 1 % of the photo's long side, at least 1 px."""
    return max(1, round(max(size) / 100))


def corner_keys(photo_id: str, index: int) -> tuple[str, str]:
    return f"corner-{photo_id}-{index}-x", f"corner-{photo_id}-{index}-y"


def placed_key(photo_id: str) -> str:
    """How many corners the clicks have placed so far (0 to 4)."""
    return f"corners-placed-{photo_id}"


def picker_key(photo_id: str) -> str:
    return f"corner-picker-{photo_id}"


def corners_of(photo_id: str, size: tuple[int, int]) -> Quad:
    """The corners as the inputs hold them; a new photo starts from `starting_corners`."""
    corners = []
    for index, (x, y) in enumerate(starting_corners(size)):
        x_key, y_key = corner_keys(photo_id, index)
        st.session_state.setdefault(x_key, x)
        st.session_state.setdefault(y_key, y)
        corners.append((st.session_state[x_key], st.session_state[y_key]))
    a, b, c, d = corners
    return (a, b, c, d)


def set_corners(photo_id: str, corners: Sequence[tuple[float, float]]) -> None:
    for index, (x, y) in enumerate(corners):
        x_key, y_key = corner_keys(photo_id, index)
        st.session_state[x_key], st.session_state[y_key] = round(x), round(y)


def reset_corners(photo_id: str, size: tuple[int, int]) -> None:
    set_corners(photo_id, starting_corners(size))
    st.session_state[placed_key(photo_id)] = 0


def take_click(photo_id: str, size: tuple[int, int]) -> None:
    """The picker's click (in the pixels shown, which fit the column's width) placed as the
    next corner, or moving the nearest once all four are placed."""
    click = st.session_state.get(picker_key(photo_id))
    if not click or "x" not in click:
        return
    shown_width = click.get("width") or size[0]
    shown_height = click.get("height") or size[1]
    point = (click["x"] * size[0] / shown_width, click["y"] * size[1] / shown_height)
    placed = st.session_state.get(placed_key(photo_id), 0)
    corners, placed = after_click(corners_of(photo_id, size), placed, point)
    set_corners(photo_id, corners)
    st.session_state[placed_key(photo_id)] = placed


def click_hint(placed: int) -> str:
    if placed < 4:
        return (
            f"Click the print's **{CORNER_NAMES[placed]}** corner on the photo "
            f"({placed + 1} of 4: top left, top right, bottom right, bottom left), "
            "or set each corner below."
        )
    return "All four corners placed: a click moves the nearest corner there, or set each below."


def outlined(photo_path: Path, corners: Quad, placed: int) -> Image.Image:
    """The photo at PICKER_WIDTH with the print's outline and numbered corners drawn on it:
    the corners placed so far filled, the others still hollow."""
    with Image.open(photo_path) as photo:
        scale = PICKER_WIDTH / photo.width
        shown = photo.convert("RGB").resize((PICKER_WIDTH, round(photo.height * scale)))
    draw = ImageDraw.Draw(shown)
    points = [(x * scale, y * scale) for x, y in corners]
    draw.polygon(points, outline=OUTLINE, width=3)
    for number, (x, y) in enumerate(points, start=1):
        filled = OUTLINE if number <= placed else None
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=filled, outline=OUTLINE, width=3)
        draw.text((x + 9, y - 9), str(number), fill=OUTLINE)
    return shown


def corner_picker(photo_path: Path) -> Quad:
    """The print's four corners: a centred box to start; the first four clicks on the photo
    place them in order, later clicks move the nearest; or the inputs below, in photo pixels."""
    photo_id = photo_path.parent.name
    with Image.open(photo_path) as photo:
        size = photo.size
    corners = corners_of(photo_id, size)
    placed = st.session_state.get(placed_key(photo_id), 0)
    st.markdown(click_hint(placed))
    streamlit_image_coordinates(
        outlined(photo_path, corners, placed),
        width="stretch",
        key=picker_key(photo_id),
        on_click=partial(take_click, photo_id, size),
        cursor="crosshair",
    )
    step = corner_step(size)
    columns = st.columns(4)
    for index, name in enumerate(CORNER_NAMES):
        x_key, y_key = corner_keys(photo_id, index)
        with columns[index]:
            st.number_input(f"{name} x (px)", 0, size[0], step=step, key=x_key)
            st.number_input(f"{name} y (px)", 0, size[1], step=step, key=y_key)
    st.button("Start the corners again", on_click=reset_corners, args=(photo_id, size))
    corners = corners_of(photo_id, size)
    problem = corners_problem(corners)
    if problem is not None and placed in (0, 4):  # not while the clicks place them
        st.error(problem, icon=":material/crop_free:")
    return corners


def photo_section() -> None:
    st.subheader("A template from a photo")
    photo = st.file_uploader("Scene photo", type=PHOTO_TYPES, key="scene-photo")
    if photo is None:
        return
    scene = uploads.stage_file(photo, "scene")
    corners = corner_picker(scene)
    with st.form("photo-template"):
        name_column, product_column, fit_column = st.columns(3)
        name = name_column.text_input("Name", "My scene")
        product = product_column.text_input("Product", "framed-print")
        fit = fit_column.radio("Fit", ["cover", "contain"], horizontal=True)
        light = st.slider(
            "Light from the photo (folds, gloss, shadows on the print)", 0.0, 1.0, 0.0, 0.05
        )
        mask_upload = st.file_uploader(
            "Mask (optional PNG: white where the print shows)", type=["png"]
        )
        preview = st.form_submit_button("Preview")
        save = st.form_submit_button("Save template", type="primary")
    mask = uploads.stage_file(mask_upload, "mask") if mask_upload is not None else None
    spec = CustomTemplate(name, product, scene, tuple(corners), fit, mask, light)
    if preview:
        show_preview(spec)
    if save:
        with guard.shown_errors("Saving the template"):
            template = save_photo_template(spec)
            st.success(f"Saved as {template.id}; it is on the Render page now.")
            st.page_link("pages/render.py", label="Render with it", icon=":material/image:")


def show_preview(spec: CustomTemplate) -> None:
    artwork, which = preview_artwork()
    with guard.shown_errors("Preview"), st.spinner("Waiting for a render slot…"):
        image = preview_photo_template(spec, artwork)
        st.image(image, caption=f"Preview with {which}")


st.header("Templates")
library_area = st.container()  # filled last, so a template saved below is listed at once
import_psd_section()
photo_section()
with library_area:
    show_library()
