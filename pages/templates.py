"""Templates: the library (built-in and yours), a Photoshop mockup import, a photo template."""

from pathlib import Path

import streamlit as st
from PIL import Image, ImageDraw
from streamlit_image_coordinates import streamlit_image_coordinates

from dashboard import guard, state, uploads
from dashboard.resources import template_entries
from dashboard.template_authoring import (
    CustomTemplate,
    import_psd_template,
    preview_photo_template,
    save_photo_template,
    whose,
)

COLUMNS = 5
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]
PICKER_WIDTH = 900
CORNER_NAMES = ("top left", "top right", "bottom right", "bottom left")
SAMPLE_ARTWORK = Path(__file__).resolve().parents[1] / "examples" / "artwork.jpg"


def show_library() -> None:
    entries = template_entries()
    columns = st.columns(COLUMNS)
    for position, entry in enumerate(e for e in entries if not e.broken):
        template = entry.template
        with columns[position % COLUMNS]:
            if template.thumbnail is not None:
                st.image(str(template.thumbnail))
            st.text(template.name)
            colours = f" · {len(template.variants.colours)} colours" if template.variants else ""
            st.caption(
                f"{template.id} · {whose(entry)} · {template.size[0]}x{template.size[1]}"
                f" · {template.placement}{colours}"
            )
    for entry in (e for e in entries if e.broken):
        st.text(f"⚠ {entry.id}: broken, left out: {entry.problem}")


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


def corners_of(photo_id: str, size: tuple[int, int]) -> list[tuple[float, float]]:
    """The corners as the inputs hold them; a new photo starts from `starting_corners`."""
    corners = []
    for index, (x, y) in enumerate(starting_corners(size)):
        x_key, y_key = corner_keys(photo_id, index)
        st.session_state.setdefault(x_key, x)
        st.session_state.setdefault(y_key, y)
        corners.append((st.session_state[x_key], st.session_state[y_key]))
    return corners


def set_corner(photo_id: str, index: int, point: tuple[float, float]) -> None:
    x_key, y_key = corner_keys(photo_id, index)
    st.session_state[x_key], st.session_state[y_key] = round(point[0]), round(point[1])


def reset_corners(photo_id: str, size: tuple[int, int]) -> None:
    for index, point in enumerate(starting_corners(size)):
        set_corner(photo_id, index, point)


def outlined(photo_path: Path, corners: list[tuple[float, float]]) -> Image.Image:
    """The photo at PICKER_WIDTH with the print's outline and numbered corners drawn on it."""
    with Image.open(photo_path) as photo:
        scale = PICKER_WIDTH / photo.width
        shown = photo.convert("RGB").resize((PICKER_WIDTH, round(photo.height * scale)))
    draw = ImageDraw.Draw(shown)
    points = [(x * scale, y * scale) for x, y in corners]
    draw.polygon(points, outline=(255, 0, 80), width=3)
    for number, (x, y) in enumerate(points, start=1):
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=(255, 0, 80))
        draw.text((x + 9, y - 9), str(number), fill=(255, 0, 80))
    return shown


def corner_picker(photo_path: Path) -> list[tuple[float, float]]:
    """The print's four corners: a centred box to start, moved by a click on the photo (the
    nearest corner goes there) or by the inputs below it, in the photo's pixels."""
    photo_id = photo_path.parent.name
    with Image.open(photo_path) as photo:
        size = photo.size
    corners = corners_of(photo_id, size)
    shown = outlined(photo_path, corners)
    st.caption("Click the photo to move the nearest corner there, or set each corner below.")
    # A new key after each change: the component's last click is not taken twice.
    click = streamlit_image_coordinates(
        shown, width="stretch", key=f"corner-picker-{hash(tuple(corners))}"
    )
    if click is not None:
        # the click is in the pixels shown, which fit the column's width
        shown_width = click.get("width") or shown.width * 1.0
        shown_height = click.get("height") or shown.height * 1.0
        point = (click["x"] * size[0] / shown_width, click["y"] * size[1] / shown_height)
        nearest = min(range(4), key=lambda i: _distance(corners[i], point))
        set_corner(photo_id, nearest, point)
        st.rerun()
    step = corner_step(size)
    columns = st.columns(4)
    for index, name in enumerate(CORNER_NAMES):
        x_key, y_key = corner_keys(photo_id, index)
        with columns[index]:
            st.number_input(f"{name} x (px)", 0, size[0], step=step, key=x_key)
            st.number_input(f"{name} y (px)", 0, size[1], step=step, key=y_key)
    st.button("Start the corners again", on_click=reset_corners, args=(photo_id, size))
    return corners_of(photo_id, size)


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


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
    current = state.current_run()
    artwork = current / "artwork.png" if current is not None else None
    if artwork is None or not artwork.is_file():
        st.info("Render an artwork first: the preview puts the current artwork on the template.")
        return
    with guard.shown_errors("Preview"), st.spinner("Waiting for a render slot…"):
        image = preview_photo_template(spec, artwork)
        st.image(image, caption="Preview with the current artwork")


st.header("Templates")
library_area = st.container()  # filled last, so a template saved below is listed at once
import_psd_section()
photo_section()
with library_area:
    show_library()
