"""Etsy sync: connect, pick a listing, compare its images with the plan, dry-run, push."""

from dataclasses import asdict

import streamlit as st

from dashboard import guard, state, widgets
from etsy_sync.service import EtsySync

st.header("Etsy sync")
service = None
with guard.shown_errors("Reading the Etsy settings"):
    service = EtsySync()
if service is None:
    st.stop()

if "code" in st.query_params or "error" in st.query_params:
    with guard.shown_errors("Connecting to Etsy"):
        service.finish_connect(dict(st.query_params))
        st.success("Connected to Etsy.")
    st.query_params.clear()

if not service.connection().connected:
    with guard.shown_errors("Preparing the Etsy link"):
        st.link_button("Connect to Etsy", service.connect_link().url, type="primary")
        st.caption("Etsy asks you to allow Mockup Lab, then sends you back to this page.")
    st.stop()
if st.button("Disconnect from Etsy"):
    service.disconnect()
    st.rerun()

run_dir = widgets.run_picker("Run to push", state.current_run(), "etsy-run")
if run_dir is None:
    st.info("Render the mockups first.")
    st.stop()

listings = []
with guard.shown_errors("Listing your Etsy listings"):
    listings = service.listings()
if not listings:
    st.stop()
listing = st.selectbox(
    "Listing",
    listings,
    format_func=lambda item: f"{item.title} · {item.state} · {item.listing_id}",
    key="etsy-listing",
)

with guard.shown_errors("Planning the push"):
    plan = service.plan(run_dir, listing.listing_id)
    st.subheader("Now on Etsy, and what the push would do")
    columns = st.columns(5)
    for position, item in enumerate(plan.items):
        with columns[position % 5]:
            if item.current is not None:
                st.image(item.current.url_570xN, caption=f"now at {item.image.rank}")
            st.image(str(run_dir / "thumbs" / item.image.file.name), caption=item.image.template)
            st.caption(f"rank {item.image.rank}: **{item.action}**")
    if plan.kept:
        st.caption(f"{len(plan.kept)} other image(s) on the listing stay after these.")

if st.button("Push to Etsy", type="primary"):
    bar = st.progress(0.0, text="Pushing…")
    with guard.shown_errors("Pushing to Etsy"):
        result = service.push(
            run_dir,
            listing.listing_id,
            progress=lambda done, total, step: bar.progress(
                done / total, text=f"{done}/{total}: {step.template} ({step.action})"
            ),
        )
        bar.empty()
        st.success(f"Listing {result.listing_id} holds {len(result.images)} images.")
        st.dataframe(
            [
                {
                    "rank": step.rank,
                    "template": step.template,
                    "action": step.action,
                    "Etsy image id": step.listing_image_id,
                    "seconds": round(step.seconds, 2),
                }
                for step in result.steps
            ],
            hide_index=True,
        )

with (
    st.expander("What happened on this listing (every call)"),
    guard.shown_errors("Reading the sync record"),
):
    record = service.status(listing.listing_id)
    st.dataframe([asdict(call) for call in record.calls], hide_index=True)
