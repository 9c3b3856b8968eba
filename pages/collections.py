"""Collections: many artworks at once (or a zip of them), an optional CSV of listing rows,
templates chosen once; a table of every artwork's state as the workers render them; retry
the failed ones; the whole collection as one zip; one Etsy draft listing per artwork."""

from pathlib import Path

import streamlit as st

from dashboard import collection_actions as actions
from dashboard import collection_view as view
from dashboard import downloads, guard, uploads
from dashboard.collection_start import start_collection
from dashboard.collection_states import show_states
from dashboard.resources import template_library
from dashboard.text import as_text, shown_message, template_names

UPLOAD_TYPES = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif", "zip"]
CHOSEN = "collection-folder"
GENERATION = "collection-uploads"
PUSHED = "collection-pushed"
POLL_SECONDS = 2


def new_collection_form() -> None:
    """One form: the artworks, rows, templates and name reach the script together with the
    click (a click that blurred the name field could be lost in the name's own rerun), and
    the button waits while files are still uploading."""
    generation = st.session_state.get(GENERATION, 0)
    with st.form(f"new-collection-{generation}", border=False):
        files = st.file_uploader(
            "Artworks (JPEG, PNG, WebP, TIFF or GIF), or a zip of them",
            type=UPLOAD_TYPES,
            accept_multiple_files=True,
            key=f"collection-files-{generation}",
        )
        csv = st.file_uploader(
            "Listing rows, optional: a CSV with a row per artwork "
            "(file, title, price, tags, description, colours)",
            type=["csv"],
            key=f"collection-csv-{generation}",
        )
        library = template_library()
        names = template_names(library, library)
        templates = st.multiselect(
            "Templates (each artwork is rendered on all of them)",
            list(library),
            default=view.default_templates(library),
            format_func=lambda key: names.get(key, key),
            key="collection-templates",
        )
        name = st.text_input("Collection name", placeholder="Autumn 2026", key="collection-name")
        submitted = st.form_submit_button("Render the collection", type="primary")
    if not submitted:
        return
    files = [upload for upload in files or [] if uploads.still_held(upload)]
    csv = csv if uploads.still_held(csv) else None
    if not files or not templates:
        st.warning("Drop at least one artwork and choose at least one template.")
        return
    with guard.shown_errors("Starting the collection"):
        folder = start_collection(name, files, csv, templates)
        st.session_state[CHOSEN] = str(folder)
        st.session_state[GENERATION] = generation + 1
        st.rerun()


def pick_collection() -> Path | None:
    found = actions.collections()
    if not found:
        st.info("No collection yet: drop artworks above and press Render the collection.")
        return None
    folders = [c.folder for c in found]
    chosen = Path(st.session_state.get(CHOSEN, folders[0]))
    labels = {c.folder: f"{c.name} · {c.created_at[:16].replace('T', ' ')}" for c in found}
    folder = st.selectbox(
        "Collection",
        folders,
        index=folders.index(chosen) if chosen in folders else 0,
        format_func=lambda f: labels[f],
    )
    st.session_state[CHOSEN] = str(folder)
    return folder


def actions_section(folder: Path) -> None:
    collection = actions.current(folder)
    retryable = [e for e in collection.artworks if e.retryable]
    done = view.totals(collection).done
    retry_column, zip_column, _ = st.columns([1, 2, 1])
    if retryable and retry_column.button(f"Retry the {len(retryable)} failed", key="retry"):
        with guard.shown_errors("Retrying"):
            actions.retry(folder)
            st.rerun()
    if done:  # a link, not a download button: Streamlit would hold the zip in memory
        zip_column.link_button(
            f"Download the {done} done as one zip",
            downloads.collection_zip_url(folder),
            icon=":material/download:",
        )
        etsy_section(folder, done)


def etsy_section(folder: Path, done: int) -> None:
    st.subheader("Etsy: one draft listing per artwork")
    st.caption(
        "Each done artwork becomes a draft with its CSV row's title, price, tags and "
        "description, and its mockups as photos. Drafts stay drafts: publish them on Etsy."
    )
    with st.form("collection-etsy"):
        taxonomy, shipping, price = st.columns(3)
        taxonomy_id = taxonomy.number_input("Etsy category (taxonomy id)", min_value=1, step=1)
        shipping_id = shipping.number_input("Shipping profile id", min_value=1, step=1)
        default_price = price.text_input("Price for rows without one", placeholder="24.00")
        pushed = st.form_submit_button(f"Push {done} drafts to Etsy", type="primary")
    if pushed:
        defaults = actions.CollectionDefaults(
            taxonomy_id=int(taxonomy_id),
            shipping_profile_id=int(shipping_id),
            price=default_price.strip() or None,
        )
        with guard.shown_errors("Pushing to Etsy"), st.spinner("Making the drafts..."):
            st.session_state[PUSHED] = (str(folder), actions.push_drafts(folder, defaults))
    outcome = st.session_state.get(PUSHED)
    if outcome and outcome[0] == str(folder):
        results = outcome[1]
        made = [r for r in results if r.listing_id is not None]
        st.success(f"{len(made)} draft listings on Etsy.", icon=":material/storefront:")
        for result in results:
            if result.error:
                st.error(f"{as_text(result.name)}: {shown_message(result.error)}")
        st.dataframe(
            [{"Artwork": r.name, "Draft listing": r.listing_id} for r in made], hide_index=True
        )


st.header("Collections")
with st.expander("New collection", expanded=not actions.collections()):
    new_collection_form()
chosen_folder = pick_collection()
if chosen_folder is None:
    st.stop()
with guard.shown_errors("Showing the collection"):
    if actions.follow(chosen_folder).pending:
        st.fragment(run_every=POLL_SECONDS)(show_states)(chosen_folder, live=True)
    else:
        show_states(chosen_folder)
    actions_section(chosen_folder)
