"""The Etsy page's draft listing, through AppTest against the fake Etsy: the form checked as the
command line checks it, the plan (photos with alt text, colours, video, calls), the push in
the background, a second push that updates, and each fault as one line."""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.etsy_tasks import etsy_tasks
from dashboard.resources import render_slots
from etsy_sync.listing_video import run_video
from mockups.runs.catalogue import new_run_dir
from tests.etsy.test_etsy_draft import COLOUR_TEMPLATES
from tests.fake_etsy.helpers import config_for, connect, environment_for, start_command, write_run
from tests.fake_etsy.state import STOCK_COLOURS

APP = str(Path(__file__).parents[2] / "app.py")
TASK_SECONDS = 120
FORM = {
    "etsy-draft-title": "Sunset over hills print",
    "etsy-draft-price": "24.50",
    "etsy-draft-taxonomy": 2078,
    "etsy-draft-shipping": 77,
    "etsy-draft-tags": "sunset, wall art",
}


@pytest.fixture
def seller(etsy, tmp_path, monkeypatch):
    """A connected seller whose data folder holds one run of ten mockups, two of them the
    t-shirt in navy and in white."""
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the fake Etsy speaks http
    config = config_for(etsy, tmp_path)
    for name, value in environment_for(config).items():
        monkeypatch.setenv(name, value)
    connect(etsy, config)
    run_dir = write_run(new_run_dir("sunset.png"), templates=COLOUR_TEMPLATES)
    (run_dir / "thumbs").mkdir()
    for mockup in run_dir.glob("*.jpg"):
        shutil.copy(mockup, run_dir / "thumbs" / mockup.name)
    return config, run_dir


@pytest.fixture
def page(seller):
    _, run_dir = seller
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["current_run"] = str(run_dir)
    at.run()
    at.switch_page("pages/etsy.py").run()
    assert not at.exception
    return at


def fill(at: AppTest, **changes) -> AppTest:
    """The draft form filled in with FORM and `changes` (by the key's last word: title=...)."""
    values = {**FORM, **{f"etsy-draft-{name}": value for name, value in changes.items()}}
    for key, value in values.items():
        widget = next(
            w
            for kind in ("text_input", "number_input", "checkbox", "text_area")
            for w in getattr(at, kind)
            if w.key == key
        )
        widget.set_value(value)
    return at


def plan(at: AppTest, **changes) -> AppTest:
    fill(at, **changes)
    at.button(key="etsy-draft-plan-button").click().run()
    assert not at.exception
    return at


def push(at: AppTest) -> AppTest:
    at.button(key="etsy-draft-push-button").click().run()
    wait_for_tasks(at)
    return at


def wait_for_tasks(at: AppTest, seconds: float = TASK_SECONDS) -> None:
    """Rerun the page, as its polling fragment does, until no Etsy task is running."""
    deadline = time.monotonic() + seconds
    while any(t.state == "running" for t in etsy_tasks()._tasks.values()):
        assert time.monotonic() < deadline, "the Etsy task did not end in time"
        time.sleep(0.2)
    at.run()
    assert not at.exception


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def shown(elements) -> list[str]:
    """Messages as a person reads them (the page escapes them for markdown)."""
    return unescaped(e.value for e in elements)


def unescaped(texts) -> list[str]:
    return [text.replace("\\", "").replace("\u2060", "") for text in texts]


def alt_areas(at: AppTest) -> list:
    """The plan's alt text boxes, by rank (the page lays them out in columns)."""
    boxes = [a for a in at.text_area if a.key and a.key.startswith("etsy-alt-")]
    return sorted(boxes, key=lambda box: int(box.key.rsplit("-", 1)[1]))


def test_the_page_opens_on_the_draft_form_for_the_current_run(page, seller):
    _, run_dir = seller
    assert page.radio(key="etsy-mode").value == "A draft listing from a run"
    assert page.selectbox(key="etsy-draft-run").value == run_dir
    assert page.button(key="etsy-draft-plan-button")
    assert "makes a new draft listing" in page.caption[0].value


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"title": "x" * 141}, "the title is 141 characters; Etsy takes at most 140"),
        ({"tags": ",".join(f"tag{i}" for i in range(14))}, "14 tags; Etsy takes at most 13"),
        ({"tags": "a" * 21}, "is 21 characters; Etsy takes at most 20"),
        ({"price": "0"}, "the price must be above 0"),
        ({"shipping": None}, "give a shipping profile id"),
        ({"taxonomy": None}, "give the listing's category"),
    ],
    ids=["title-over-140", "fourteen-tags", "tag-over-20", "price-0", "no-shipping", "no-taxonomy"],
)
def test_a_bad_field_is_one_line_before_any_call(page, etsy, changes, says):
    plan(page, **changes)

    assert len(page.error) == 1 and says in shown(page.error)[0]
    assert etsy.seen == []
    assert not alt_areas(page)


def test_typing_in_the_form_calls_nothing_until_it_is_sent(page, etsy):
    fill(page, video=False).run()  # a form that would plan, were it sent
    page.run()

    assert etsy.seen == []
    assert not alt_areas(page) and not page.error


def test_the_plan_shows_ten_photos_with_alt_text_the_colours_and_the_calls(page, etsy, seller):
    _, run_dir = seller
    run_video(run_dir)
    page.run()
    plan(page)

    assert not page.error
    areas = alt_areas(page)
    assert len(areas) == 10
    assert areas[1].value == "T-shirt, flat lay in navy showing Sunset over hills print"
    assert all(a.max_chars == 500 for a in areas)
    lines = texts(page)
    assert "Navy: photo 2 (tshirt@navy)" in lines
    assert "White: photo 4 (tshirt@white)" in lines
    assert any(t.startswith("The video: listing-video.mp4") for t in lines)
    calls = next(t for t in lines if t.startswith("About "))
    assert calls.endswith("left today.") and "Etsy did not say" not in calls
    assert not [s for s in etsy.seen if s.method != "GET"]


def test_a_push_makes_the_draft_with_edited_alt_text_colours_and_video(page, etsy, seller):
    _, run_dir = seller
    run_video(run_dir)
    page.run()
    plan(page)
    alt_areas(page)[2].set_value("A sage mug on an oak table")

    push(page)

    (listing,) = etsy.state.listings.values()
    assert listing.state == "draft" and listing.title == FORM["etsy-draft-title"]
    assert len(listing.images) == 10
    assert listing.images[2].alt_text == "A sage mug on an oak table"
    assert {item["value_id"] for item in listing.variation_images} >= {STOCK_COLOURS["White"]}
    video = (run_dir / "listing-video.mp4").read_bytes()
    assert [v.sha256 for v in listing.live_videos()] == [hashlib.sha256(video).hexdigest()]
    assert f"Draft listing {listing.listing_id} made on Etsy" in shown(page.success)[0]
    assert "Etsy shows it as draft" in shown(page.success)[0]
    assert (
        page.get("link_button")[0].proto.url == f"https://www.etsy.com/listing/{listing.listing_id}"
    )
    assert "Photos: 10 sent, 0 already there." in texts(page)


def test_a_second_push_from_the_run_updates_its_draft_and_the_page_says_so(page, etsy):
    plan(page, video=False)
    push(page)
    (listing,) = etsy.state.listings.values()

    plan(page, video=False, tags="sunset, poster")
    assert any(
        f"This run already has draft listing {listing.listing_id}" in i for i in shown(page.info)
    )
    assert any("its fields are updated" in t for t in texts(page))
    push(page)

    assert etsy.state.drafts_created == 1 and etsy.state.uploads_stored == 10
    assert listing.fields["tags"] == ["sunset", "poster"]
    assert f"Draft listing {listing.listing_id} updated" in shown(page.success)[0]


def test_an_expired_connection_is_one_line_saying_to_connect_again(page, etsy):
    plan(page, video=False)
    etsy.state.revoke_all()
    etsy.state.expire_access_tokens()

    push(page)

    assert len(page.error) == 1
    assert "connect to Etsy again" in shown(page.error)[0]
    assert not page.exception


def test_a_push_the_allowance_cannot_finish_is_not_started(page, etsy):
    etsy.per_day_limit = 40
    plan(page, video=False)

    assert any("cannot finish this push" in w for w in shown(page.warning))
    assert page.button(key="etsy-draft-push-button").disabled
    assert [s for s in etsy.seen if s.method != "GET"] == []


def test_a_429_for_the_spent_daily_allowance_is_one_line(page, etsy):
    plan(page, video=False)

    def another_app_spends_the_allowance():
        etsy.per_day_limit = len(etsy._day)

    etsy.inject("uploadListingImage", "act-after", skip=3, action=another_app_spends_the_allowance)
    push(page)

    assert len(page.error) == 1
    assert "daily allowance of calls is spent" in shown(page.error)[0]


def test_a_429_that_outlasts_the_retries_is_one_line_and_the_record_says_where_it_stopped(
    page, etsy
):
    plan(page, video=False)
    etsy.inject("uploadListingImage", "429", skip=3, retry_after=300)

    push(page)

    assert len(page.error) == 1
    assert "Etsy is still rate limiting after the allowed retries" in shown(page.error)[0]
    assert "Photos on it: 3 (1-3)." in texts(page)


def test_a_video_etsy_is_still_processing_is_said_in_one_line(page, etsy, seller):
    _, run_dir = seller
    run_video(run_dir)
    etsy.inject("uploadListingVideo", "video-processing")
    etsy.video_processing_reads = 50
    page.run()
    plan(page)

    push(page)

    assert any("Etsy is still processing the video" in t for t in texts(page))


def test_a_push_killed_midway_shows_what_the_manifest_recorded_and_resumes(page, etsy, seller):
    config, run_dir = seller
    process: dict[str, subprocess.Popen] = {}
    etsy.inject("uploadListingImage", "crash-after", skip=3, action=lambda: process["cli"].kill())
    arguments = ["draft", str(run_dir), "--title", FORM["etsy-draft-title"], "--price", "24.50"]
    arguments += ["--taxonomy", "2078", "--shipping-profile", "77"]
    process["cli"] = start_command(config, *arguments)
    process["cli"].communicate(timeout=120)
    assert process["cli"].returncode == -signal.SIGKILL

    page.run()

    (listing,) = etsy.state.listings.values()
    assert "stopped before its end" in shown(page.warning)[0]
    recorded = texts(page)
    assert f"The run's draft on Etsy: listing {listing.listing_id}." in recorded
    assert "Photos on it: 3 (1-3)." in recorded
    assert any(t.startswith("Photo 4 was sent at") for t in recorded)

    plan(page, video=False)
    push(page)

    assert etsy.state.drafts_created == 1 and etsy.state.uploads_stored == 10
    assert len(listing.images) == 10
    assert not [w for w in page.warning if "stopped before its end" in w.value]


def test_the_video_waits_for_a_render_slot_and_is_made_outside_the_web_process(
    page, seller, monkeypatch
):
    _, run_dir = seller

    def encode_here(*args, **kwargs):
        raise AssertionError("the web process encoded the video")

    monkeypatch.setattr("etsy_sync.listing_video.encode_h264", encode_here)
    slots = render_slots()
    release = threading.Event()
    held = [threading.Thread(target=_hold_slot, args=(slots, release)) for _ in range(slots.slots)]
    for thread in held:
        thread.start()
    while slots.rendering < slots.slots:
        time.sleep(0.05)

    page.button(key="etsy-video-button").click().run()
    time.sleep(1.0)
    page.run()
    bars = [p.proto.text for p in page.get("progress")]
    assert any("Waiting for a render slot: 1st in line" in bar for bar in unescaped(bars))

    release.set()
    wait_for_tasks(page)
    assert (run_dir / "listing-video.mp4").is_file()
    assert len(page.get("video")) == 1
    captions = shown(page.caption)
    assert any(c.startswith("listing-video.mp4 · ") and " s · 64 x 48" in c for c in captions)
    assert not page.error


def _hold_slot(slots, release: threading.Event) -> None:
    with slots.slot():
        release.wait(60)


def test_a_sellers_own_photo_on_the_draft_is_overwritten_only_when_ticked(page, etsy, seller):
    _, run_dir = seller
    plan(page, video=False)
    push(page)
    (listing,) = etsy.state.listings.values()
    own = (run_dir / "03-mug.jpg").read_bytes()  # any JPEG that is not photo 1
    etsy.state.upload(listing, own, "own.jpg", rank=1, overwrite=True, alt_text="mine")
    stored = etsy.state.uploads_stored

    plan(page, video=False)
    assert any("did not come from Mockup Lab" in w for w in shown(page.warning))
    page.button(key="etsy-draft-push-button").click().run()
    assert any("Nothing pushed" in w for w in shown(page.warning))
    assert etsy.state.uploads_stored == stored

    page.checkbox(key="etsy-draft-overwrite").check()
    push(page)

    poster = hashlib.sha256((run_dir / "01-poster.jpg").read_bytes()).hexdigest()
    assert listing.images[0].sha256 == poster and listing.images[0].alt_text != "mine"
    assert not page.error
