"""The Render page: forms, background renders followed by id, fit, warnings, broken and
hostile user templates, and who may delete a run folder."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from PIL import Image
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException
from streamlit.testing.v1 import AppTest

from dashboard.follow import failure_message, results_seen
from dashboard.text import as_text, shown_message
from harness.redis_server import redis_server
from mockups.errors import ArtworkError
from mockups.jobs import JobRefused, RenderQueue
from mockups.options import RenderOptions
from mockups.runs.folder import read_run, write_run
from tests.app_helpers import (
    APP,
    LIBRARY_THUMBNAILS,
    button,
    choose_only,
    pending,
    png_bytes,
    setting,
    submit_render,
    template_boxes,
    upload_and_render,
    wait_for_render,
)
from tests.conftest import gradient_artwork, write_template

ROOT = Path(APP).parent
HOSTILE_NAME = "[click me](http://127.0.0.1:9/x) ![pixel](http://127.0.0.1:9/p.png) :red[loud]"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    return tmp_path


def started_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def small_png() -> bytes:
    return png_bytes(gradient_artwork((300, 400)))


def test_changing_the_form_renders_nothing_until_render_is_pressed(home):
    at = started_app()
    at.file_uploader[0].set_value(("art.png", small_png(), "image/png"))
    setting(at, "mode").set_value("threads")
    setting(at, "profile").set_value(True)
    at.run()
    assert not at.exception and not pending(at)
    assert not (home / "runs").exists() or not any((home / "runs").iterdir())


def test_a_render_waiting_for_a_slot_leaves_the_page_usable_and_survives_leaving_it(home):
    from dashboard.resources import render_slots

    at = started_app()
    slots = render_slots()  # the server's own slots: this test holds both
    with slots.slot(), slots.slot():
        submit_render(at, "art.png", small_png(), ["poster"])
        assert not at.exception and pending(at)
        assert "you are next" in at.get("progress")[0].proto.text
        at.switch_page("pages/history.py").run()
        assert not at.exception
        at.switch_page("pages/render.py").run()
        assert pending(at) and "you are next" in at.get("progress")[0].proto.text
    wait_for_render(at)
    assert not at.exception and not at.error
    assert len(at.image) == LIBRARY_THUMBNAILS + 1


def test_the_uploader_is_emptied_once_the_artwork_is_on_disk_and_rerenders_from_the_run(home):
    at = started_app()
    upload_and_render(at, "art.png", small_png(), ["poster"])
    assert at.file_uploader[0].value is None, "the server no longer holds the upload"
    first = Path(at.session_state["current_run"])
    upload_and_render(at, None, None, ["mug"])
    assert not at.exception and not at.error
    second = Path(at.session_state["current_run"])
    assert second != first
    assert [m.template for m in read_run(second).mockups] == ["mug"]


def test_the_fit_chosen_on_the_page_is_the_runs_fit(home):
    at = started_app()
    upload_and_render(
        at, "logo.png", png_bytes(gradient_artwork((800, 200))), ["poster"], fit="contain"
    )
    assert not at.exception and not at.error
    run = read_run(at.session_state["current_run"])
    assert run.fit == "contain"


def test_the_runs_warnings_are_shown_above_the_gallery_as_text(home):
    at = started_app()
    upload_and_render(at, "tiny.png", png_bytes(gradient_artwork((14, 25))), ["poster"])
    folder = Path(at.session_state["current_run"])
    run = read_run(folder)
    run.warnings = ["poster: the artwork is far below the print size", HOSTILE_NAME]
    write_run(folder, run)
    at.run()
    shown = [w.value for w in at.warning]
    assert as_text("poster: the artwork is far below the print size") in shown
    assert as_text(HOSTILE_NAME) in shown, "untrusted text escaped, not markdown"


def test_user_template_names_are_shown_as_text_not_markdown(home):
    write_template(home / "templates", "hostile", name=HOSTILE_NAME)
    at = started_app()
    box = template_boxes(at)["hostile"]
    assert box.label == as_text(HOSTILE_NAME)
    assert "](" not in box.label.replace("\\](", "").replace("\\(", "")


def test_a_broken_user_template_is_listed_with_its_reason_and_the_page_renders(home):
    folder = write_template(home / "templates", "no-scene")
    (folder / "scene.png").unlink()
    write_template(home / "templates", "canvas")  # may not replace the built-in
    at = started_app()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert as_text("no-scene") in text and as_text("scene.png not found") in text
    assert as_text("built-in") in text
    assert as_text(str(home)) not in text, "no server path in the reason"
    assert as_text("template.json") in text  # the manifest named, its folder beside it
    assert "no-scene" not in template_boxes(at)
    upload_and_render(at, "art.png", small_png(), ["poster"])
    assert not at.exception and not at.error


def test_the_upload_limit_fits_the_budget_and_the_page_says_it(home):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    limit = config["server"]["maxUploadSize"]
    assert limit <= 64, "two uploads at once must fit the web process"
    at = started_app()
    assert f"up to {limit} MB" in at.file_uploader[0].label


def test_a_render_the_budget_refuses_leaves_no_folder(home, monkeypatch):
    from dashboard.rendering import RenderRequest, start_render

    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "1")
    artwork = home / "art.png"
    artwork.write_bytes(small_png())
    request = RenderRequest(("poster",), "sequential", None, None, False)
    with artwork.open("rb") as data, pytest.raises(JobRefused, match="refused before rendering"):
        start_render("My Art.png", data, request)
    assert not any((home / "runs").iterdir())


def test_a_refused_artwork_is_named_as_the_user_named_it_not_as_stored(home):
    from dashboard.rendering import RenderRequest, start_render

    request = RenderRequest(("poster",), "sequential", None, None, False)
    with pytest.raises(ArtworkError) as refused:
        start_render("Holiday card.png", io.BytesIO(b"\x89PNG not really"), request)
    assert "Holiday card.png" in str(refused.value) and "upload" not in str(refused.value)


def test_modes_the_budget_would_refuse_are_marked_with_what_fits_before_the_click(
    home, monkeypatch
):
    from mockups.render.plan import plan_render

    at = started_app()
    at.file_uploader[0].set_value(("art.png", small_png(), "image/png")).run()
    choose_only(at, ["poster", "pillow"])
    staged = Path(at.session_state["staged_artwork"]["path"])
    plan = plan_render(staged, RenderOptions(templates=["poster", "pillow"]))
    threads = plan.replanned(mode="threads", workers=2).estimate.peak_mb
    budget = round((plan.estimate.peak_mb + threads) / 2)
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", str(budget))
    setting(at, "mode").set_value("threads").run()
    mode = setting(at, "mode")
    assert mode.options == ["auto", "sequential", "threads", "processes"], "names kept"
    assert list(mode.proto.captions) == ["", "", "over budget", "over budget"]
    assert mode.value == "threads"
    (advice,) = [w.value for w in at.warning if "over the" in w.value]
    assert f"threads needs about {threads:.0f} MB, over the {budget} MB budget" in advice
    assert "choose sequential, or threads with 1 worker" in advice
    assert button(at, "Render").disabled
    assert "threads is over the memory budget" in " ".join(c.value for c in at.caption)
    setting(at, "workers").set_value(1).run()
    assert not button(at, "Render").disabled, "one worker fits"


def test_the_budget_advice_follows_the_fit_chosen(home, monkeypatch):
    from mockups.render.plan import plan_render

    at = started_app()
    wide = png_bytes(gradient_artwork((3000, 1000)))
    at.file_uploader[0].set_value(("wide.png", wide, "image/png")).run()
    choose_only(at, ["poster"])
    staged = Path(at.session_state["staged_artwork"]["path"])

    def estimate(fit: str) -> float:
        options = RenderOptions(templates=["poster"], mode="sequential", fit=fit)
        return plan_render(staged, options).estimate.peak_mb

    cover, contain = estimate("cover"), estimate("contain")
    assert contain < cover - 2, "contain needs the wide artwork smaller"
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", f"{(cover + contain) / 2:.1f}")
    setting(at, "mode").set_value("sequential").run()
    setting(at, "fit").set_value("cover").run()
    assert button(at, "Render").disabled
    assert any("use fit contain" in w.value for w in at.warning)
    setting(at, "fit").set_value("contain").run()
    assert not button(at, "Render").disabled, "contain fits the budget"
    assert not [w for w in at.warning if "over the" in w.value]


def test_render_says_why_it_is_off_until_there_is_an_artwork_and_a_template(home):
    at = started_app()
    assert button(at, "Render").disabled
    assert "upload an artwork" in " ".join(c.value for c in at.caption)
    at.file_uploader[0].set_value(("art.png", small_png(), "image/png")).run()
    button(at, "Select none").click().run()
    assert button(at, "Render").disabled
    reasons = " ".join(c.value for c in at.caption)
    assert "tick at least one template" in reasons and "upload" not in reasons
    assert "**0 of" in " ".join(m.value for m in at.markdown)
    button(at, "Select all").click().run()
    assert not button(at, "Render").disabled
    count = f"**{LIBRARY_THUMBNAILS} of {LIBRARY_THUMBNAILS} templates ticked**"
    assert any(m.value.startswith(count) for m in at.markdown)
    assert any("an Etsy listing takes 10" in m.value for m in at.markdown)


def test_the_upload_and_every_setting_outlive_a_visit_to_another_page(home):
    at = started_app()
    at.file_uploader[0].set_value(("Summer poster.png", small_png(), "image/png")).run()
    choose_only(at, ["poster", "mug"])
    setting(at, "mode").set_value("threads")
    setting(at, "workers").set_value(1)
    setting(at, "fit").set_value("contain")
    setting(at, "profile").set_value(True).run()
    at.switch_page("pages/history.py").run()
    at.switch_page("pages/render.py").run()
    assert not at.exception
    assert setting(at, "mode").value == "threads"
    assert setting(at, "workers").value == 1
    assert setting(at, "fit").value == "contain"
    assert setting(at, "profile").value is True
    ticked = [template_id for template_id, box in template_boxes(at).items() if box.value]
    assert sorted(ticked) == ["mug", "poster"]
    assert any(as_text("Summer poster.png") in m.value for m in at.markdown), "the upload waits"
    button(at, "Render").click().run()
    wait_for_render(at)
    run = read_run(at.session_state["current_run"])
    assert (run.mode, run.workers, run.fit, run.profiled) == ("threads", 1, "contain", True)
    assert run.artwork_name == "Summer poster.png"


def test_after_a_run_a_summary_line_links_its_memory_view_above_a_captioned_gallery(home):
    at = started_app()
    upload_and_render(at, "Sunset [big].png", small_png(), ["poster", "mug"])
    assert not at.exception and not at.error
    (summary,) = [m.value for m in at.markdown if "mockups**" in m.value]
    assert summary.startswith(f"**2 mockups** of {as_text('Sunset [big].png')} in ")
    assert " s, peak " in summary
    assert summary.endswith("not this render's alone: its Memory view says what the render added)")
    (link,) = at.get("page_link")
    run_dir = Path(at.session_state["current_run"])
    assert link.proto.page.endswith("memory") or "memory" in link.proto.page
    assert link.proto.query_string == f"run={run_dir.name}"
    captions = [image.proto.imgs[0].caption for image in at.image if image.proto.imgs[0].caption]
    assert sorted(captions) == [
        as_text("Ceramic mug on a table"),
        as_text("Poster taped to a wall"),
    ]


def test_the_original_file_name_is_shown_in_history_and_the_run_pickers(home):
    at = started_app()
    upload_and_render(at, "Lake at dusk.png", small_png(), ["poster"])
    at.switch_page("pages/history.py").run()
    assert not at.exception
    assert list(at.dataframe[0].value["Artwork"]) == ["Lake at dusk.png"]
    assert as_text("Lake at dusk.png") in at.subheader[0].value
    at.switch_page("pages/compare.py").run()
    (picker,) = [s for s in at.selectbox if s.key == "compare-run"]
    assert "Lake at dusk.png" in picker.format_func(picker.options[0])


def test_a_failed_render_clears_the_previous_gallery_and_names_the_users_file(home):
    shaky = write_template(home / "templates", "shaky-frame")
    at = started_app()
    upload_and_render(at, "First.png", small_png(), ["poster"])
    assert len(gallery_images(at)) == 1
    # loaded and offered, unreadable by the time it renders (written over in place, so the
    # folder's change time, which reloads the library, stays)
    (shaky / "scene.png").write_bytes(b"\x89PNG damaged")
    upload_and_render(at, "Second try.png", small_png(), ["shaky-frame"])
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith(f"Rendering {as_text('Second try.png')} failed: ")
    assert gallery_images(at) == [], "the previous run's gallery is not shown under the error"
    assert not at.get("progress"), "no progress bar left behind"


def test_a_queued_failure_names_the_users_file_where_the_stored_copy_was_named():
    render = {"name": "Holiday card.png", "stored": "upload.png"}
    message = failure_message(render, "upload.png: truncated image")
    assert message == f"Rendering {as_text('Holiday card.png')} failed: " + shown_message(
        "Holiday card.png: truncated image"
    )


def gallery_images(at: AppTest) -> list:
    return [image for image in at.image if image.proto.imgs[0].caption]


@pytest.mark.slow
def test_a_queued_job_keeps_its_folder_when_redis_goes_away(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    (tmp_path / "redis").mkdir()
    with redis_server(tmp_path / "redis") as url:
        monkeypatch.setenv("REDIS_URL", url)
        at = started_app()
        submit_render(at, "art.png", small_png(), ["poster"])
        assert not at.exception and pending(at)
    at.run()  # Redis is gone: the page polls again
    assert not at.exception
    assert any("Lost touch with the render queue" in w.value for w in at.warning)
    (run_dir,) = (tmp_path / "home" / "runs").iterdir()
    assert run_dir.is_dir() and pending(at), "neither the folder nor the job given up"


@pytest.mark.slow
def test_a_rerun_right_after_the_hand_over_never_deletes_the_folder(tmp_path, monkeypatch):
    """A rerun or stop is a BaseException: once a worker may hold the job, it is not ours."""
    from dashboard.rendering import RenderRequest, start_render

    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    handed = []
    submit = RenderQueue.submit

    def submit_then_rerun(self, job, plan=None):
        handed.append(submit(self, job, plan))
        raise RerunException(None)

    monkeypatch.setattr(RenderQueue, "submit", submit_then_rerun)
    (tmp_path / "redis").mkdir()
    with redis_server(tmp_path / "redis") as url:
        monkeypatch.setenv("REDIS_URL", url)
        request = RenderRequest(("poster",), "sequential", None, None, False)
        artwork = tmp_path / "art.png"
        artwork.write_bytes(small_png())
        with artwork.open("rb") as data, pytest.raises(RerunException):
            start_render("art.png", data, request)
    (run_dir,) = (tmp_path / "home" / "runs").iterdir()
    assert handed and run_dir.is_dir()


def test_a_queued_jobs_landings_are_rebuilt_from_what_the_polls_saw():
    seen = [[2, "mug", 100, 50, 12.0], [5, "tote", 120, None, 18.0]]
    results = results_seen(seen, started_unix=10.0)
    assert [r.index for r in results] == [1, 2, 3, 4, 5]
    assert [r.template for r in results] == ["", "mug", "", "", "tote"]
    assert [r.rss_after_bytes for r in results] == [100, 100, 120, 120, 120]
    assert results[0].seconds == pytest.approx(1.0) and results[4].seconds == pytest.approx(2.0)


@pytest.fixture(autouse=True)
def _no_stray_images():
    yield
    Image.core.clear_cache()
