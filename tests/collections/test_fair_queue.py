"""A collection shares the render back-end fairly: a single render started while a whole
collection waits is rendered after the artworks already handed over, not after the
collection; without Redis a collection holds one of the server's render slots at a time."""

from __future__ import annotations

import pytest

from mockups.collections import create_collection, refresh, submit_waiting
from mockups.collections.build import collections_root
from mockups.collections.fairness import fair_share
from mockups.collections.runner import render_through
from mockups.jobs import LocalRenders, RenderJob, RenderSlots
from mockups.options import RenderOptions
from tests.collections.test_batch_cli import artworks
from tests.jobs_support import wait_for

OPTIONS = RenderOptions(mode="sequential")


@pytest.fixture
def collection(tmp_path):
    source = artworks(tmp_path / "designs", count=5)
    return create_collection(collections_root() / "collection", source, ["poster"])


@pytest.mark.slow
def test_a_single_render_started_while_a_collection_waits_is_not_queued_behind_it(
    home, collection, render_queue, start_worker, artwork_jpeg
):
    assert submit_waiting(collection, render_queue, OPTIONS, fair_share(render_queue)) == 2
    single_run = home / "runs" / "single"  # a single render's run, as the dashboard makes one
    single_run.mkdir(parents=True)
    artwork = artwork_jpeg.rename(single_run / artwork_jpeg.name)
    single = RenderJob(artwork=str(artwork), run_dir=str(single_run), options=OPTIONS)
    render_queue.submit(single)
    start_worker()

    render_through(collection, render_queue, OPTIONS, poll_seconds=0.1)

    single_started = render_queue.status(single.id).started_at
    started = [render_queue.status(e.job_id).started_at for e in collection.artworks]  # type: ignore[arg-type]
    assert single_started is not None and None not in started
    assert sum(single_started > s for s in started) <= 2  # type: ignore[operator]
    assert all(e.state == "done" for e in collection.artworks)


def test_without_redis_a_collection_holds_one_render_slot_at_a_time(collection):
    renders = LocalRenders(RenderSlots(1))

    handed = submit_waiting(collection, renders, OPTIONS, fair_share(renders))

    assert handed == 1
    assert [e.job_id is not None for e in collection.artworks] == [True, False, False, False, False]
    first = collection.artworks[0].job_id
    assert first is not None
    wait_for(lambda: renders.status(first).state, lambda state: state == "finished")
    assert submit_waiting(collection, renders, OPTIONS, fair_share(renders)) == 0  # not followed
    refresh(collection, renders)
    assert submit_waiting(collection, renders, OPTIONS, fair_share(renders)) == 1
