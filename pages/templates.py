"""Templates: browse the library; make a custom one from a scene photo."""

from pathlib import Path

import streamlit as st

from dashboard import guard, state
from dashboard.resources import template_library
from mockups.authoring import CustomTemplate, preview_custom_template, save_custom_template
from mockups.storage import data_dir

COLUMNS = 5
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp"]

st.header("Templates")
library = template_library()
columns = st.columns(COLUMNS)
for position, template in enumerate(library.values()):
    with columns[position % COLUMNS]:
        if template.thumbnail is not None:
            st.image(str(template.thumbnail))
        colours = f" · {len(template.variants.colours)} colours" if template.variants else ""
        st.caption(
            f"**{template.name}** · {template.product} · {template.size[0]}x{template.size[1]}"
            f" · {template.placement}{colours}"
        )

st.subheader("Add a template from a photo")
photo = st.file_uploader("Scene photo", type=PHOTO_TYPES, key="scene-photo")
if photo is None:
    st.stop()
folder = data_dir() / "uploads"
folder.mkdir(parents=True, exist_ok=True)
scene = folder / f"scene-{photo.file_id}{Path(photo.name).suffix.lower()}"
if not scene.exists():
    scene.write_bytes(photo.getbuffer())
mask_upload = st.file_uploader("Mask (optional: white where the print shows)", type=["png"])
mask = None
if mask_upload is not None:
    mask = folder / f"mask-{mask_upload.file_id}.png"
    mask.write_bytes(mask_upload.getbuffer())

name_column, product_column, fit_column = st.columns(3)
name = name_column.text_input("Name", "My scene")
product = product_column.text_input("Product", "framed-print")
fit = fit_column.radio("Fit", ["cover", "contain"], horizontal=True)
st.caption("The print's corners in the photo's pixels, clockwise from its top-left.")
corners = []
corner_columns = st.columns(4)
defaults = ((0.3, 0.2), (0.7, 0.2), (0.7, 0.8), (0.3, 0.8))
for column, label, (fx, fy) in zip(
    corner_columns, ("top left", "top right", "bottom right", "bottom left"), defaults, strict=True
):
    with column:
        x = st.number_input(f"{label} x", min_value=0.0, value=fx * 1000, key=f"x-{label}")
        y = st.number_input(f"{label} y", min_value=0.0, value=fy * 1000, key=f"y-{label}")
        corners.append((x, y))
spec = CustomTemplate(name, product, scene, tuple(corners), fit, mask)

current = state.current_run()
artwork = current / "artwork.png" if current is not None else None
if artwork is not None and artwork.is_file():
    with guard.shown_errors("Preview"):
        st.image(preview_custom_template(spec, artwork), caption="Preview with the current artwork")
else:
    st.info("Render an artwork to preview the template with it.")
if st.button("Save template", type="primary"):
    with guard.shown_errors("Saving the template"):
        template = save_custom_template(spec)
        st.success(f"Saved '{template.name}' as {template.id}; it is on the Render page now.")
