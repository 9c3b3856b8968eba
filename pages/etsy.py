"""Etsy sync: connect, then make a draft listing from a run (its fields, photos with alt
text, colours, video: `dashboard.etsy_draft`), or push a run's photos onto a listing the shop
has: pick it, plan, confirm, push.

Etsy is called only when asked: listings come from a cache kept per Etsy connection (a few
minutes, or until "Refresh listings"), and the plans and the pushes run when their form is
sent, never on a plain rerun. Text from Etsy or from disk is shown as text, never as
markdown, so a link or an image in it does not render.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import streamlit as st

from dashboard import guard, state, widgets
from dashboard.etsy_draft import draft_section
from dashboard.etsy_form import parse_order
from dashboard.etsy_page import (
    DEFAULT_PLAN_IMAGES,
    MAX_LISTING_IMAGES,
    EtsySync,
    EtsySyncError,
    Listing,
    PushOptions,
    PushPlan,
    PushResult,
    configured_settings,
)
from dashboard.etsy_setup import etsy_setup, show_checklist

LISTINGS_TTL_SECONDS = 300
PLAN_KEY = "etsy-plan"
DRAFT = "A draft listing from a run"
PHOTOS = "A run's photos onto a listing you have"


@contextmanager
def shown_as_text(action: str) -> Iterator[None]:
    """Like `guard.shown_errors`, but Etsy's words (an `error_description`, a refusal) are
    shown as text: they come from outside and must not render as markdown."""
    try:
        yield
    except EtsySyncError as error:
        st.error(f"{action}: it did not work.")
        st.code(str(error), language=None, wrap_lines=True)
    except Exception:
        with guard.shown_errors(action):
            raise


@st.cache_data(ttl=LISTINGS_TTL_SECONDS, show_spinner="Reading your Etsy listings…")
def shop_listings(_sync: EtsySync, api_base: str, token_file: str, user_id: int) -> list[Listing]:
    """The shop's listings, cached per Etsy, saved connection and Etsy user: one seller's
    listings are never shown to another."""
    return _sync.listings()


def show_plan(plan: PushPlan, run_dir: Path) -> None:
    st.subheader("Now on Etsy, and what the push would do")
    columns = st.columns(5)
    for position, item in enumerate(plan.items):
        with columns[position % 5]:
            if item.current is not None:
                st.image(item.current.url_570xN, caption=f"now at {item.image.rank}")
            st.image(str(run_dir / "thumbs" / item.image.file.name), caption=item.image.template)
            st.caption(f"rank {item.image.rank}: **{item.action}**")
            if item.replaces_foreign:
                st.caption("overwrites a photo that did not come from Mockup Lab")
    if plan.kept:
        st.caption(f"{len(plan.kept)} other image(s) on the listing stay after these.")
    if plan.extra_ours and not plan.removed:
        st.caption(
            f"{len(plan.extra_ours)} of them came from an earlier push and stay (the default); "
            "tick 'Remove' above to delete them."
        )
    if plan.removed:
        st.caption(f"{len(plan.removed)} image(s) of an earlier push will be removed.")
    st.caption(f"The listing would hold {plan.images_after} image(s).")


def show_result(result: PushResult) -> None:
    st.success(f"Listing {result.listing_id} holds {len(result.images)} images.")
    for repair in result.repairs:
        st.text(f"Repaired: {repair}")
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


st.header("Etsy sync")
setup = None
with shown_as_text("Reading the Etsy settings"):
    setup = etsy_setup(configured_settings(), st.context.url)
if setup is None:
    st.stop()
page_is_https = (st.context.url or "").startswith("https://")
if not setup.has_app_keys:
    show_checklist(setup, page_is_https)
    st.stop()

service = None
with shown_as_text("Reading the Etsy settings"):
    service = EtsySync()
if service is None:
    st.stop()

if "code" in st.query_params or "error" in st.query_params:
    with shown_as_text("Connecting to Etsy"):
        service.finish_connect(dict(st.query_params))
        st.success("Connected to Etsy.")
    st.query_params.clear()

connection = None
with shown_as_text("Reading the saved Etsy connection"):
    connection = service.connection()
if connection is None:
    st.stop()
if not connection.connected and not setup.has_redirect:
    show_checklist(setup, page_is_https)
    st.stop()
if not connection.connected:
    with shown_as_text("Preparing the Etsy link"):
        st.link_button("Connect to Etsy", service.connect_link().url, type="primary")
        st.caption("Etsy asks you to allow Mockup Lab, then sends you back to this page.")
    st.stop()
if st.button("Disconnect from Etsy"):
    with shown_as_text("Disconnecting"):
        service.disconnect()
    st.session_state.pop(PLAN_KEY, None)
    st.rerun()

mode = st.radio(
    "What to make", [DRAFT, PHOTOS], horizontal=True, key="etsy-mode", persist_state="session"
)
if mode == DRAFT:
    draft_section(service)
    st.stop()

if st.button("Refresh listings"):
    shop_listings.clear()

listings: list[Listing] = []
with shown_as_text("Listing your Etsy listings"):
    config = service.config
    listings = shop_listings(
        service, config.api_base, str(config.token_file), connection.user_id or 0
    )
if not listings:
    st.info("No draft, active or inactive listings in your shop.")
    st.stop()

with st.form("etsy-plan-form"):
    run_dir = widgets.run_picker("Run to push", state.current_run(), "etsy-run")
    listing = st.selectbox(
        "Listing",
        listings,
        format_func=lambda item: f"{item.title} · {item.state} · {item.listing_id}",
        key="etsy-listing",
    )
    order_text = st.text_input(
        "Mockups to push, in order",
        placeholder=f"blank: the run's first {DEFAULT_PLAN_IMAGES}; or e.g. 3,1,2 "
        f"(up to {MAX_LISTING_IMAGES})",
        key="etsy-order",
    )
    remove_extra = st.checkbox(
        "Remove images an earlier push left after these (default: keep them)",
        key="etsy-remove-extra",
    )
    planned = st.form_submit_button("Plan the push", type="primary", key="etsy-plan-button")

if run_dir is None:
    st.info("Render the mockups first.")
    st.stop()

if planned:
    st.session_state.pop(PLAN_KEY, None)
    with shown_as_text("Planning the push"):
        order = parse_order(order_text)
        plan = service.plan(run_dir, listing.listing_id, order, remove_extra)
        st.session_state[PLAN_KEY] = {
            "run_dir": str(run_dir),
            "order": order,
            "remove_extra": remove_extra,
            "plan": plan,
        }

chosen = st.session_state.get(PLAN_KEY)
if chosen is None:
    st.caption("Plan the push to see what it would change on the listing.")
    st.stop()
plan: PushPlan = chosen["plan"]
show_plan(plan, Path(chosen["run_dir"]))

with st.form("etsy-push-form"):
    foreign = plan.overwrites_foreign
    confirmed = True
    if foreign:
        st.warning(
            f"{len(foreign)} photo(s) on this listing did not come from Mockup Lab and would "
            "be overwritten."
        )
        confirmed = st.checkbox(
            f"Overwrite those {len(foreign)} photo(s)", key="etsy-overwrite-foreign"
        )
    push = st.form_submit_button("Push to Etsy", type="primary", key="etsy-push-button")

if push and not confirmed:
    st.warning("Nothing pushed: tick the box to overwrite the seller's photos, or plan again.")
elif push:
    bar = st.progress(0.0, text="Pushing…")
    with shown_as_text("Pushing to Etsy"):
        result = service.push(
            chosen["run_dir"],
            plan.listing_id,
            chosen["order"],
            progress=lambda done, total, step: bar.progress(
                done / total, text=f"{done}/{total}: {step.template} ({step.action})"
            ),
            options=PushOptions(
                overwrite_foreign=bool(foreign), remove_extra=chosen["remove_extra"]
            ),
        )
        bar.empty()
        st.session_state.pop(PLAN_KEY, None)
        show_result(result)

with (
    st.expander("What happened on this listing (every call)"),
    shown_as_text("Reading the sync record"),
):
    record = service.status(plan.listing_id)
    st.dataframe([asdict(call) for call in record.calls], hide_index=True)
