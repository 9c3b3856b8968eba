"""Templates: the library (built-in and yours), a Photoshop mockup import, a photo template."""

from pathlib import Path

import streamlit as st
from PIL import Image, ImageDraw
from streamlit_image_coordinates import streamlit_image_coordinates

from dashboard import guard, state
from dashboard.resources import render_slots
from mockups.authoring import CustomTemplate, preview_custom_template, save_custom_template
from mockups.storage import data_dir
from mockups.user_templates import BUILT_IN, library_entries

COLUMNS = 5
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]
PICKER_WIDTH = 900
CORNER_NAMES = ("top left", "top right", "bottom right", "bottom left")
CORNERS_KEY = "photo-corners"
SAMPLE_ARTWORK = Path(__file__).resolve().parents[1] / "examples" / "artwork.jpg"


def uploads_folder(kind: str, file_id: str) -> Path:
    """One folder per upload, so the file keeps its own name (a template is named after it)."""
    folder = data_dir() / "uploads" / f"{kind}-{file_id}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored(upload, kind: str) -> Path:
    path = uploads_folder(kind, upload.file_id) / Path(upload.name).name
    if not path.exists():
        path.write_bytes(upload.getbuffer())
    return path


def show_library() -> None:
    entries = library_entries()
    columns = st.columns(COLUMNS)
    for position, entry in enumerate(e for e in entries if not e.broken):
        template = entry.template
        with columns[position % COLUMNS]:
            if template.thumbnail is not None:
                st.image(str(template.thumbnail))
            st.text(template.name)
            colours = f" · {len(template.variants.colours)} colours" if template.variants else ""
            mine = "built-in" if entry.source == BUILT_IN else "yours"
            st.caption(
                f"{template.id} · {mine} · {template.size[0]}x{template.size[1]}"
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
    from mockups.psd_import import import_psd, preview_import

    path = stored(upload, "psd")
    artwork, whose = preview_artwork()
    with guard.shown_errors("Importing the PSD"), st.spinner("Importing, one layer at a time…"):
        with render_slots().slot():
            result = import_psd(path, layer_name=layer or None, template_id=template_id or None)
            preview = preview_import(result, artwork)
        st.success(f"Imported as {result.template.id}; it is on the Render page now.")
        for warning in result.warnings:
            st.text(f"warning: {warning}")
        st.image(preview, caption=f"The imported template with {whose}: judge the print's fit")


def preview_artwork() -> tuple[Path, str]:
    """The current run's artwork if there is one, else the built-in sample; and which it is."""
    current = state.current_run()
    artwork = current / "artwork.png" if current is not None else None
    if artwork is not None and artwork.is_file():
        return artwork, "the current artwork"
    return SAMPLE_ARTWORK, "the sample artwork (render yours first to see it here)"


def corner_picker(photo_path: Path) -> list[tuple[float, float]]:
    """Click the print's corners on the photo; a fifth click moves the nearest corner."""
    picked = st.session_state.get(CORNERS_KEY)
    if picked is None or picked["photo"] != photo_path.parent.name:
        picked = st.session_state[CORNERS_KEY] = {"photo": photo_path.parent.name, "corners": []}
    corners: list[tuple[float, float]] = picked["corners"]
    with Image.open(photo_path) as photo:
        scale = PICKER_WIDTH / photo.width
        shown = photo.convert("RGB").resize((PICKER_WIDTH, round(photo.height * scale)))
    draw = ImageDraw.Draw(shown)
    points = [(x * scale, y * scale) for x, y in corners]
    if len(points) == 4:
        draw.polygon(points, outline=(255, 0, 80), width=3)
    for number, (x, y) in enumerate(points, start=1):
        draw.ellipse((x - 7, y - 7, x + 7, y + 7), fill=(255, 0, 80))
        draw.text((x + 9, y - 9), str(number), fill=(255, 0, 80))
    remaining = CORNER_NAMES[len(corners)] if len(corners) < 4 else None
    st.caption(
        f"Click the print's {remaining} corner." if remaining
        else "Click near a corner to move it there."
    )  # fmt: skip
    # A new key after each change: the component's last click is not taken twice.
    click = streamlit_image_coordinates(shown, key=f"corner-picker-{hash(tuple(corners))}")
    if click is not None:
        point = (click["x"] / scale, click["y"] / scale)
        if len(corners) < 4:
            corners.append(point)
        else:
            nearest = min(range(4), key=lambda i: _distance(corners[i], point))
            corners[nearest] = point
        st.rerun()
    if corners and st.button("Start the corners again"):
        corners.clear()
        st.rerun()
    return corners


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def photo_section() -> None:
    st.subheader("A template from a photo")
    photo = st.file_uploader("Scene photo", type=PHOTO_TYPES, key="scene-photo")
    if photo is None:
        return
    scene = stored(photo, "scene")
    corners = corner_picker(scene)
    if len(corners) < 4:
        return
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
    mask = stored(mask_upload, "mask") if mask_upload is not None else None
    spec = CustomTemplate(name, product, scene, tuple(corners), fit, mask, light)
    if preview:
        show_preview(spec)
    if save:
        with guard.shown_errors("Saving the template"):
            template = save_custom_template(spec)
            st.success(f"Saved as {template.id}; it is on the Render page now.")


def show_preview(spec: CustomTemplate) -> None:
    current = state.current_run()
    artwork = current / "artwork.png" if current is not None else None
    if artwork is None or not artwork.is_file():
        st.info("Render an artwork first: the preview puts the current artwork on the template.")
        return
    with guard.shown_errors("Preview"), st.spinner("Waiting for a render slot…"):
        with render_slots().slot():
            image = preview_custom_template(spec, artwork)
        st.image(image, caption="Preview with the current artwork")


st.header("Templates")
show_library()
import_psd_section()
photo_section()
