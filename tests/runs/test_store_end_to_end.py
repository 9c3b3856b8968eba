"""Web and worker on separate machines, on each runs store (the local folder, S3): the web
uploads and queues, a worker process with a home of its own renders, and the web opens the
run, zips it and pushes it to Etsy, reading through the store."""

from __future__ import annotations

import hashlib
import io
import urllib.request
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.state import CURRENT_RUN
from dashboard.text import as_text
from etsy_sync.service import EtsySync
from mockups.runs.catalogue import list_runs, refresh_runs, runs_dir, zip_run
from mockups.runs.folder import RUN_FILE, read_run
from mockups.runs.store import open_store
from tests.app_helpers import APP, LIBRARY_THUMBNAILS, png_bytes, submit_render, wait_for_render
from tests.conftest import gradient_artwork
from tests.fake_etsy.helpers import RecordedSleeps, config_for, connect, quick_policy

TEMPLATES = ["mug", "poster"]  # the library's order

pytestmark = pytest.mark.slow


def rendered_through_a_worker(backend, redis_url, render_queue, name="sunset.png") -> AppTest:
    """The Render page, its render done by a worker process of its own; returns the page."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    submit_render(at, name, png_bytes(gradient_artwork((600, 800))), TEMPLATES)
    assert not at.exception
    worker = backend.run_worker(redis_url)
    assert worker.returncode == 0, worker.stderr
    wait_for_render(at)
    assert not at.exception
    return at


def stored_bytes(backend, run_dir: Path, name: str) -> bytes:
    """A run file as the store holds it (the worker's side of the truth)."""
    if backend.name == "local":
        return (run_dir / name).read_bytes()
    url = open_store().image_url(run_dir, name)
    assert url is not None
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


@pytest.mark.parametrize("etsy_push", [True])
def test_a_run_rendered_by_a_separate_worker_opens_zips_and_pushes_from_the_store(
    backend, redis_url, render_queue, etsy, tmp_path, monkeypatch, etsy_push
):
    monkeypatch.setenv("REDIS_URL", redis_url)
    at = rendered_through_a_worker(backend, redis_url, render_queue)

    run_dir = Path(at.session_state[CURRENT_RUN])
    assert run_dir.parent == runs_dir(), "the web opens the run from its own runs folder"
    run = read_run(run_dir)
    assert [m.template for m in run.mockups] == TEMPLATES
    assert len(at.image) == LIBRARY_THUMBNAILS + len(TEMPLATES), "the gallery's thumbnails"

    if backend.name == "s3":
        assert not (backend.worker_home / "scratch").exists() or not any(
            (backend.worker_home / "scratch").iterdir()
        ), "the worker removed its scratch folder"
        assert not (backend.worker_home / "runs").exists(), "the worker kept no run of its own"
        here = sorted(p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*.jpg"))
        assert here == sorted(m.thumbnail for m in run.mockups), "thumbnails only, until asked"
        links = at.get("link_button")
        assert len(links) == len(TEMPLATES), "full-size images are links the browser fetches"
        with urllib.request.urlopen(links[0].proto.url, timeout=30) as answer:
            assert answer.read() == stored_bytes(backend, run_dir, run.mockups[0].file)

    with zipfile.ZipFile(io.BytesIO(zip_run(run_dir))) as archive:
        names = archive.namelist()
        assert names == [*(m.file for m in run.mockups), RUN_FILE]
        for mockup in run.mockups:
            assert archive.read(mockup.file) == stored_bytes(backend, run_dir, mockup.file)

    config = config_for(etsy, tmp_path)
    connect(etsy, config)
    listing = etsy.add_listing()
    EtsySync(config, quick_policy(RecordedSleeps(etsy))).push(run_dir, listing.listing_id)
    pushed = [image.sha256 for image in etsy.listing(listing.listing_id).images]
    expected = [
        hashlib.sha256(stored_bytes(backend, run_dir, m.file)).hexdigest() for m in run.mockups
    ]
    assert pushed == expected


def test_history_lists_a_run_only_once_its_run_json_is_stored_and_deletes_it_there(
    backend, redis_url, render_queue, monkeypatch
):
    monkeypatch.setenv("REDIS_URL", redis_url)
    at = rendered_through_a_worker(backend, redis_url, render_queue)
    run_dir = Path(at.session_state[CURRENT_RUN])

    history = AppTest.from_file(str(Path(APP).parent / "pages" / "history.py"), default_timeout=60)
    history.run()
    assert not history.exception
    shown = history.dataframe[0].value
    assert list(shown["Artwork"]) == ["sunset.png"]
    assert as_text(run_dir.name) in " ".join(c.value for c in history.caption)

    next(b for b in history.button if b.label == "Delete this run").click().run()
    next(b for b in history.button if b.label == "Delete").click().run()
    assert not history.exception
    assert open_store().finished_runs() == {}
    refresh_runs(force=True)
    assert list_runs() == []


@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_without_redis_the_web_renders_itself_and_stores_the_run(backend, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    submit_render(at, "sunset.png", png_bytes(gradient_artwork((600, 800))), TEMPLATES)
    wait_for_render(at)
    assert not at.exception

    run_dir = Path(at.session_state[CURRENT_RUN])
    store = open_store()
    assert list(store.finished_runs()) == [run_dir.name]
    assert len(at.get("link_button")) == len(TEMPLATES)
    for mockup in read_run(run_dir).mockups:
        assert stored_bytes(backend, run_dir, mockup.file) == (run_dir / mockup.file).read_bytes()
