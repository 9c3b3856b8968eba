"""The Etsy page's draft listing from a run: the form, the plan to check, one push.

The form (`st.form`: typing does no work) is checked as the command line checks it, one line
per mistake, before any call. The plan shows each photo with its alt text to edit, which photo
each colour gets, the video, and the calls the push needs against those Etsy has left today.
The push runs in the background (`etsy_tasks`), planned again there with the edited alt texts
so it acts on Etsy as it is then; the page follows it step by step, and a push that stopped
midway shows what the manifest recorded. Text from Etsy or the seller is shown as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import streamlit as st

from dashboard import cached, state, widgets
from dashboard.etsy_faults import fault_line, record_lines
from dashboard.etsy_form import (
    DraftForm,
    draft_request,
    edited_alt_texts,
    with_alt_texts,
)
from dashboard.etsy_tasks import (
    EtsyTask,
    TaskProgress,
    TaskRunning,
    ended_task,
    etsy_tasks,
    follow,
)
from dashboard.etsy_video import video_panel
from dashboard.text import as_text, shown_message
from etsy_sync.draft import WHEN_MADE, WHO_MADE
from etsy_sync.listing import (
    STAGE_COLOURS,
    STAGE_DRAFT,
    STAGE_PHOTOS,
    STAGE_VIDEO,
    ListingPlan,
    ListingRequest,
    ListingResult,
)
from etsy_sync.push import PushOptions, PushStep
from etsy_sync.run_images import DEFAULT_PLAN_IMAGES, MAX_ALT_TEXT, humanise
from etsy_sync.service import EtsySync, RunDraft
from mockups.runs.folder import mockup_path

KEEP: Final = "session"  # form values outlive a visit to another page
PLAN_KEY = "etsy-draft-plan"
TASK_KEY = "etsy-draft-task"
GENERATION_KEY = "etsy-draft-generation"
COLUMNS = 5
STAGE_LINES = {
    STAGE_DRAFT: "The draft listing: made, or its fields updated",
    STAGE_PHOTOS: "The photos, with their alt text",
    STAGE_COLOURS: "The colours: the inventory, then each colour's photo",
    STAGE_VIDEO: "The video",
}
SECOND_PUSH = (
    "Pushing again from this run later updates this same draft (its fields, changed photos, "
    "colours, video) instead of making another listing; nothing already on Etsy is sent twice."
)
VIDEO_PROCESSING = "inactive"  # a video Etsy is still processing (the spec has no other word)


def draft_section(service: EtsySync) -> None:
    run_dir = widgets.run_picker("Run", state.current_run(), "etsy-draft-run")
    if run_dir is None:
        st.info("Render the mockups first.")
        return
    running = etsy_tasks().running_for(str(run_dir))
    record = _run_draft(service, run_dir)
    if record is not None:
        show_record(record, pushing=running is not None and running.kind == "draft")
    video_panel(run_dir)
    form = draft_form()
    if form is not None:
        _plan(service, form, run_dir)
    chosen = st.session_state.get(PLAN_KEY)
    if chosen is not None and chosen["run_dir"] == str(run_dir):
        plan: ListingPlan = chosen["plan"]
        pushed = push_form(plan, run_dir)
        if pushed is not None:
            _start_push(chosen["request"], plan, *pushed)
    if running is not None and running.kind == "draft":
        follow(running.task_id, "**Pushing to Etsy**")
    else:
        _last_push(run_dir)


def show_record(record: RunDraft, pushing: bool) -> None:
    """Whether the run has a draft already (a push updates it), and what a push that stopped
    midway left in the manifest."""
    if record.listing_id is None and record.creating is None:
        st.caption(
            "Pushing makes a new draft listing on Etsy; it stays a draft until you publish it "
            "there. " + SECOND_PUSH
        )
        return
    if record.unfinished and not pushing:
        st.warning(
            "The last push of this run stopped before its end. Push again to pick up from "
            "there: what the manifest recorded is not sent twice.",
            icon=":material/history:",
        )
        for line in record_lines(record):
            st.text(line)
        return
    if record.listing_id is not None:
        st.info(
            f"This run already has draft listing {record.listing_id} on Etsy: a push updates "
            "that draft (its fields, changed photos, colours, video) and never makes a second "
            "listing.",
            icon=":material/edit_note:",
        )


def draft_form() -> DraftForm | None:
    """The draft's fields; the form when it was sent, else None. Values are kept for the
    session, whichever page the seller visits in between."""
    with st.form("etsy-draft-form"):
        st.markdown("**The draft listing**")
        title = st.text_input(
            "Title", key="etsy-draft-title", help="At most 140 characters.", persist_state=KEEP
        )
        left, right = st.columns(2)
        price = left.text_input(
            "Price",
            key="etsy-draft-price",
            placeholder="24.50",
            help="Each colour gets it.",
            persist_state=KEEP,
        )
        quantity = right.number_input(
            "Quantity (per colour)",
            min_value=1,
            step=1,
            value=1,
            key="etsy-draft-quantity",
            persist_state=KEEP,
        )
        taxonomy = left.number_input(
            "Category (Etsy taxonomy id)",
            min_value=1,
            step=1,
            value=None,
            key="etsy-draft-taxonomy",
            persist_state=KEEP,
        )
        shipping = right.number_input(
            "Shipping profile id",
            min_value=1,
            step=1,
            value=None,
            key="etsy-draft-shipping",
            persist_state=KEEP,
        )
        tags = st.text_input(
            "Tags",
            key="etsy-draft-tags",
            placeholder="sunset, wall art",
            help="At most 13, separated by commas, each at most 20 characters.",
            persist_state=KEEP,
        )
        description = st.text_area(
            "Description",
            key="etsy-draft-description",
            help="Blank: the title.",
            persist_state=KEEP,
        )
        who = left.selectbox(
            "Who made it", WHO_MADE, format_func=humanise, key="etsy-draft-who", persist_state=KEEP
        )
        when = right.selectbox(
            "When was it made",
            WHEN_MADE,
            format_func=humanise,
            key="etsy-draft-when",
            persist_state=KEEP,
        )
        order = st.text_input(
            "Mockups to show, in order",
            key="etsy-draft-order",
            placeholder=f"blank: the run's first {DEFAULT_PLAN_IMAGES}; or e.g. 3,1,2",
            persist_state=KEEP,
        )
        colours = st.checkbox(
            "Colour variations from the run's colour mockups, each with its photo",
            value=True,
            key="etsy-draft-colours",
            persist_state=KEEP,
        )
        video = st.checkbox(
            "Add the listing video", value=True, key="etsy-draft-video", persist_state=KEEP
        )
        sent = st.form_submit_button("Plan the draft", type="primary", key="etsy-draft-plan-button")
    if not sent:
        return None
    return DraftForm(
        title=title or "",
        price=price or "",
        taxonomy_id=int(taxonomy) if taxonomy is not None else None,
        shipping_profile_id=int(shipping) if shipping is not None else None,
        tags=tags or "",
        description=description or "",
        who_made=who or WHO_MADE[0],
        when_made=when or WHEN_MADE[0],
        quantity=int(quantity or 1),
        order=order or "",
        colours=colours,
        video=video,
    )


def push_form(plan: ListingPlan, run_dir: Path) -> tuple[dict[int, str], bool] | None:
    """The plan to check, with each photo's alt text to edit; the edited texts and whether
    the seller's own photos may be overwritten, when Push was pressed."""
    generation = st.session_state.get(GENERATION_KEY, 0)
    with st.form("etsy-draft-push-form"):
        st.subheader("The plan: nothing is sent until you push")
        st.text(plan_headline(plan))
        st.markdown(
            f"**Photos, in order, each with its alt text** (what screen readers and search "
            f"read; edit any, at most {MAX_ALT_TEXT} characters)"
        )
        shown = _photos(plan, run_dir, generation)
        _colours(plan, run_dir)
        _video(plan)
        st.text(calls_line(plan))
        if not plan.fits_today:
            st.warning(
                "Etsy's allowance left today cannot finish this push: it would stop before "
                "starting. Try again later (the allowance refills over 24 hours)."
            )
        overwrite = _overwrite_question(plan)
        st.caption(SECOND_PUSH)
        pushed = st.form_submit_button(
            "Push the draft to Etsy",
            type="primary",
            key="etsy-draft-push-button",
            disabled=not plan.fits_today,
        )
    if not pushed:
        return None
    if overwrite is False:
        st.warning("Nothing pushed: tick the box to overwrite the seller's photos, or plan again.")
        return None
    return shown, bool(overwrite)


def plan_headline(plan: ListingPlan) -> str:
    fields = plan.fields
    if plan.listing_id is None:
        where = "A new draft listing"
    elif plan.fields_changed:
        where = f"Draft {plan.listing_id}, made from this run before: its fields are updated"
    else:
        where = f"Draft {plan.listing_id}, made from this run before: its fields stay"
    tags = f"{len(fields.tags)} tag(s): {', '.join(fields.tags)}" if fields.tags else "no tags"
    return (
        f"{where}.\n“{fields.title}” at {fields.price}, {fields.quantity} per colour; {tags}; "
        f"category {fields.taxonomy_id}; shipping profile {fields.shipping_profile_id}; "
        f"{humanise(fields.who_made)}, {humanise(fields.when_made)}."
    )


def calls_line(plan: ListingPlan) -> str:
    left = "Etsy did not say how many" if plan.calls_left is None else f"{plan.calls_left:,}"
    return f"About {plan.calls_needed} calls to Etsy; {left} left today."


def _photos(plan: ListingPlan, run_dir: Path, generation: int) -> dict[int, str]:
    actions = {i.image.rank: i.action for i in plan.image_plan.items} if plan.image_plan else {}
    thumbs = _thumbnails(run_dir)
    texts = {}
    columns = st.columns(COLUMNS)
    for position, image in enumerate(plan.images):
        with columns[position % COLUMNS]:
            _thumbnail(thumbs.get(image.file.name))
            action = actions.get(image.rank, "add")
            st.caption(as_text(f"{image.rank} · {image.template} · {action}"))
            texts[image.rank] = st.text_area(
                f"Alt text of photo {image.rank}",
                value=image.alt_text,
                max_chars=MAX_ALT_TEXT,
                key=f"etsy-alt-{generation}-{image.rank}",
                label_visibility="collapsed",
                height=110,
            )
    return texts


def _colours(plan: ListingPlan, run_dir: Path) -> None:
    if plan.variations is None:
        st.caption("No colours: no colour mockups in the plan, or colours left out.")
        return
    st.markdown("**Which photo each colour gets**")
    thumbs = _thumbnails(run_dir)
    for colour in plan.variations.colours:
        picture, words = st.columns([1, 6], vertical_alignment="center")
        with picture:
            _thumbnail(thumbs.get(colour.file))
        words.text(f"{colour.value}: photo {colour.rank} ({colour.template})")
    for template in plan.variations.repeated:
        st.caption(as_text(f"{template}: its colour is shown by an earlier photo; not a colour"))


def _video(plan: ListingPlan) -> None:
    if plan.video is None:
        st.caption("No video in this push.")
        return
    st.text(
        f"The video: {plan.video.path.name} ({plan.video.bytes / 2**20:.1f} MB), after the "
        "photos (Etsy places videos there)."
    )


def _overwrite_question(plan: ListingPlan) -> bool | None:
    """None when nothing of the seller's is in the way; else whether they allow overwriting."""
    foreign = plan.image_plan.overwrites_foreign if plan.image_plan else []
    if not foreign:
        return None
    st.warning(
        f"{len(foreign)} photo(s) on this draft did not come from Mockup Lab and would be "
        "overwritten."
    )
    return st.checkbox(f"Overwrite those {len(foreign)} photo(s)", key="etsy-draft-overwrite")


def _thumbnails(run_dir: Path) -> dict[str, Path]:
    """Each mockup file's thumbnail, by the mockup's file name."""
    try:
        run = cached.run_result(run_dir)
        return {m.file: mockup_path(run_dir, m.thumbnail) for m in run.mockups}
    except Exception:  # a damaged run.json: the plan names its mockups anyway
        return {}


def _thumbnail(path: Path | None) -> None:
    if path is not None and path.is_file():
        st.image(widgets.boxed_image(str(path)), width="stretch")


def _run_draft(service: EtsySync, run_dir: Path) -> RunDraft | None:
    try:
        return service.run_draft(run_dir)
    except Exception as error:
        st.error(shown_message(fault_line(error, "Reading the sync record")))
        return None


def _plan(service: EtsySync, form: DraftForm, run_dir: Path) -> None:
    st.session_state.pop(PLAN_KEY, None)
    try:
        request = draft_request(form, run_dir)
        with st.spinner("Reading the draft's state on Etsy…"):
            plan = service.plan_draft(request)
    except Exception as error:
        st.error(shown_message(fault_line(error, "Planning the draft")))
        return
    st.session_state[PLAN_KEY] = {"run_dir": str(run_dir), "request": request, "plan": plan}
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1
    st.session_state.pop(TASK_KEY, None)  # the last push's outcome: superseded by this plan


def _start_push(
    request: ListingRequest, plan: ListingPlan, shown: dict[int, str], overwrite: bool
) -> None:
    try:
        wanted = with_alt_texts(request, edited_alt_texts(plan, shown))
        st.session_state[TASK_KEY] = start_draft(wanted, PushOptions(overwrite_foreign=overwrite))
    except TaskRunning as busy:
        st.warning(str(busy))
        return
    st.session_state.pop(PLAN_KEY, None)  # what it planned is being done; plan anew after
    st.rerun()  # the page without the plan, following the push


def start_draft(request: ListingRequest, options: PushOptions) -> str:
    """Push the draft in the background: planned again there (Etsy as it is now, the edited
    alt texts), then made step by step. Returns the task's id."""

    def work(progress: TaskProgress) -> ListingResult:
        sync = EtsySync()
        progress.step("Checking the plan against Etsy as it is now")
        plan = sync.plan_draft(request)

        def on_stage(stage: str) -> None:
            progress.step(STAGE_LINES[stage], len(plan.images) if stage == STAGE_PHOTOS else 0)

        def photo(done: int, total: int, step: PushStep) -> None:
            progress.count(done, total)

        return sync.draft(plan, photo, options, on_stage)

    return etsy_tasks().start("draft", str(request.run_dir), "Pushing the draft", work)


def _last_push(run_dir: Path) -> None:
    """How this session's last push of this run ended."""
    task = ended_task(TASK_KEY, run_dir)
    if task is None:
        return
    if task.state == "failed":
        st.error(shown_message(task.error or "the push failed"))
        _steps_done(task)
        return
    show_result(task.result)
    _steps_done(task)


def _steps_done(task: EtsyTask) -> None:
    with st.expander("Each step of the push"):
        for line in task.lines:
            st.text(f"✓ {line}")


def show_result(result: ListingResult) -> None:
    """The draft on Etsy (link and state as Etsy shows them), then what each step did."""
    made = "made" if result.created else ("updated" if result.updated else "unchanged")
    listing = result.listing
    shown_state = listing.state if listing is not None and listing.state else "draft"
    st.success(
        f"Draft listing {result.listing_id} {made} on Etsy; Etsy shows it as "
        f"{as_text(shown_state)}. Publish it on Etsy when it reads right."
    )
    if listing is not None and listing.url.startswith("https://"):
        st.link_button("Open it on Etsy", listing.url, icon=":material/open_in_new:")
    for line in result_lines(result):
        st.text(line)


def result_lines(result: ListingResult) -> list[str]:
    """What each step did, one line each; Etsy's own words (its repairs) as they came."""
    images = result.images
    kept = len(images.steps) - images.uploads
    lines = [f"Photos: {images.uploads} sent, {kept} already there."]
    lines += [f"Etsy: {repair}" for repair in images.repairs]
    if result.variations is not None:
        inventory = "set" if result.variations.inventory_set else "already right"
        photos = "set" if result.variations.images_set else "already right"
        lines.append(f"Colours: the inventory {inventory}; each colour's photo {photos}.")
    if result.video is not None:
        video = result.video
        lines.append(f"Video {video.video_id}: {video.action}.")
        if video.state == VIDEO_PROCESSING:
            lines.append(
                "Etsy is still processing the video: it shows on the listing once processed "
                "(nothing to do; a push now would not send it again)."
            )
    lines.append(f"{result.calls_made} calls to Etsy.")
    return lines
