"""A collection whose runs go to the S3 store, rendered by a worker on another machine: the
worker shares nothing with the web but Redis and the bucket (no collections folder); the web
follows the jobs, shows the thumbnails, zips the mockups and pushes the drafts from the bucket,
and the runs never appear in the run list."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest

from etsy_sync.collection import CollectionDefaults, push_collection
from mockups.collections import ArtworkState, create_collection, refresh, submit_waiting, write_zip
from mockups.collections.build import collections_root
from mockups.collections.record import read_collection
from mockups.collections.runner import render_through
from mockups.jobs.local import LocalRenders
from mockups.jobs.slots import RenderSlots
from mockups.options import RenderOptions
from mockups.runs.base import CACHE_MARK, StoreError
from mockups.runs.catalogue import fetch_run_files, list_runs, refresh_runs, store_named
from mockups.runs.folder import read_run
from mockups.runs.store import open_store
from tests.conftest import gradient_artwork

pytestmark = pytest.mark.slow
TEMPLATES = ["poster", "mug"]


def designs(folder: Path) -> Path:
    folder.mkdir()
    for n in range(3):
        gradient_artwork((600 + 40 * n, 800)).save(folder / f"design-{n}.jpg", quality=90)
    (folder / "design-3.jpg").write_bytes(b"not a jpeg at all")
    return folder


def stored(collection, run_dir: Path, name: str) -> bytes:
    """A run's file as the bucket holds it, fetched into a folder of its own."""
    copy = run_dir.parent.parent.parent / "from-bucket" / run_dir.name
    store_named(collection.store).fetch(copy, [name])
    return (copy / name).read_bytes()


@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_a_collection_in_the_bucket_renders_on_a_worker_that_shares_no_folder(
    backend, redis_url, render_queue, tmp_path, etsy, sync
):
    folder = collections_root() / "autumn"
    collection = create_collection(folder, designs(tmp_path / "designs"), TEMPLATES)
    assert collection.store == f"{open_store().location}/_collections/autumn"
    assert json.loads((folder / "collection.json").read_text())["store"] == collection.store

    assert submit_waiting(collection, render_queue, RenderOptions(mode="sequential")) == 3
    corrupt = collection.artworks[3]
    assert corrupt.state == ArtworkState.FAILED and "design-3.jpg" in (corrupt.error or "")
    assert not (folder / "runs" / "004-design-3").exists(), "a refused artwork is not stored"
    worker = backend.run_worker(redis_url)
    assert worker.returncode == 0, worker.stderr
    assert not (backend.worker_home / "collections").exists(), "the worker shares no folder"

    refresh(collection, render_queue)
    assert [e.state for e in collection.artworks[:3]] == [ArtworkState.DONE] * 3
    assert read_collection(folder).count(ArtworkState.DONE) == 3
    runs = [collection.path_of(e.run) for e in collection.artworks[:3] if e.run]
    for run_dir in runs:
        run = read_run(run_dir)
        assert [m.template for m in run.mockups] == TEMPLATES
        assert all((run_dir / m.thumbnail).is_file() for m in run.mockups)
        assert not any((run_dir / m.file).exists() for m in run.mockups), "until asked"

    zipped = io.BytesIO()
    assert write_zip(collection, zipped) == 3 * len(TEMPLATES)
    with zipfile.ZipFile(zipped) as archive:
        for run_dir in runs:
            for mockup in read_run(run_dir).mockups:
                member = archive.read(f"{run_dir.name}/{mockup.file}")
                assert member == stored(collection, run_dir, mockup.file)
    for run_dir in runs:
        mockups = read_run(run_dir).mockups
        assert not any((run_dir / m.file).exists() for m in mockups), "no copy beside the zip"

    defaults = CollectionDefaults(taxonomy_id=2078, shipping_profile_id=77, price="20")
    results = push_collection(sync, folder, defaults)
    assert [(r.name, r.created) for r in results] == [(f"design-{n}.jpg", True) for n in range(3)]
    first = etsy.listing(results[0].listing_id)
    assert [i.sha256 for i in first.images] == [
        hashlib.sha256(stored(collection, runs[0], m.file)).hexdigest()
        for m in read_run(runs[0]).mockups
    ]

    refresh_runs(force=True)
    assert list_runs() == [], "a collection's runs are listed with it, not as runs"
    assert open_store().finished_runs() == {}


@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_a_copy_naming_a_store_outside_this_ones_is_refused(backend, tmp_path):
    run_dir = tmp_path / "planted" / "20261207-000000-x-abcdef"
    run_dir.mkdir(parents=True)
    (run_dir / CACHE_MARK).write_text(json.dumps({"store": "s3://elsewhere/runs", "stamp": "1"}))
    with pytest.raises(StoreError, match="s3://elsewhere/runs"):
        fetch_run_files(run_dir, ["poster.jpg"])


@pytest.mark.parametrize("backend", ["s3"], indirect=True)
@pytest.mark.parametrize("suffix", ["/_collections/a/b", "/other/autumn", "x/_collections/autumn"])
def test_a_job_naming_a_store_beside_a_collections_is_refused(backend, suffix):
    here = open_store().location
    assert store_named(f"{here}/_collections/autumn").location == f"{here}/_collections/autumn"
    with pytest.raises(StoreError, match="this process's runs store is"):
        store_named(here + suffix)


@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_without_redis_the_web_renders_a_stored_collection_itself_into_the_bucket(
    backend, tmp_path
):
    folder = collections_root() / "winter"
    collection = create_collection(folder, designs(tmp_path / "designs"), ["poster"])
    renders = LocalRenders(RenderSlots(1))

    render_through(collection, renders, RenderOptions(mode="sequential"), poll_seconds=0.05)

    assert [e.state for e in collection.artworks] == [ArtworkState.DONE] * 3 + [ArtworkState.FAILED]
    stored_runs = store_named(collection.store or "").finished_runs()
    assert sorted(stored_runs) == [f"00{n}-design-{n - 1}" for n in (1, 2, 3)]
    assert open_store().finished_runs() == {}, "none of them among the runs"
