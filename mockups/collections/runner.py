"""Rendering a collection: every artwork not finished yet, here one after another, or as jobs
on a render back-end (the Redis queue's workers, or the dashboard's render slots).

The run folders are the truth: an artwork is done when its run folder holds run.json, so a
record written just before a kill is corrected by the next look. A job's id is written into
collection.json before the job is handed over, so a killed web or command line finds its
jobs again instead of queueing them twice; a job the back-end no longer knows is queued again.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from mockups.artwork.imagefile import ImageRefused
from mockups.collections.colours import offered_colours, with_colours
from mockups.collections.fairness import fair_share
from mockups.collections.record import (
    ArtworkEntry,
    ArtworkState,
    Collection,
    folder_lock,
    read_collection,
    write_collection,
)
from mockups.errors import ArtworkError, MockupLabError, RenderError, TemplateError, first_line
from mockups.jobs.backend import JobNotFound, RenderBackend, RenderStatus
from mockups.jobs.budget import plan_job
from mockups.jobs.spec import BadJob, RenderJob
from mockups.options import RenderOptions
from mockups.render.budget import JobRefused
from mockups.render.plan import check_budget
from mockups.render.run import render_run
from mockups.runs.catalogue import store_named
from mockups.runs.folder import RunFolderError, is_run, read_run
from mockups.templates.library import load_library

Ended = Callable[[ArtworkEntry], None]
# What fails one artwork at hand-over; anything else (Redis away) stops the whole pass.
ARTWORK_FAULTS = (ArtworkError, ImageRefused, TemplateError, RenderError, JobRefused, BadJob)
POLL_SECONDS = 0.5


def options_for(collection: Collection, base: RenderOptions, entry: ArtworkEntry) -> RenderOptions:
    """The artwork's render: the collection's templates, in the colours its CSV row names."""
    colours = entry.listing.colours if entry.listing is not None else ()
    templates = collection.templates
    if colours:
        templates = with_colours(templates, colours, offered_colours(load_library(), templates))
    return base.with_changes(templates=tuple(templates), artwork_name=entry.name)


def _mockups(options: RenderOptions) -> int:
    assert not isinstance(options.templates, str), "options_for names every template"
    return len(options.templates)


def take_stock(collection: Collection) -> list[ArtworkEntry]:
    """Bring the record up to its run folders; returns the artworks finished earlier.

    A retryable failure is queued again (a rerun retries what a dead worker or a kill left)."""
    finished = []
    for entry in collection.artworks:
        if (
            entry.run is not None
            and entry.state != ArtworkState.DONE
            and _finished(collection, entry)
        ):
            _mark_done(collection, entry)
        if entry.state == ArtworkState.DONE:
            finished.append(entry)
        elif entry.retryable or (entry.state == ArtworkState.RENDERING and entry.job_id is None):
            _reset(entry)
    write_collection(collection)
    return finished


def render_here(collection: Collection, base: RenderOptions, ended: Ended | None = None) -> None:
    """Render every waiting artwork in this process, one after another."""
    for entry in collection.artworks:
        if entry.state != ArtworkState.WAITING or entry.file is None or entry.run is None:
            continue
        options = options_for(collection, base, entry)
        entry.state, entry.total = ArtworkState.RENDERING, _mockups(options)
        write_collection(collection)
        artwork, run_dir = collection.path_of(entry.file), collection.path_of(entry.run)
        try:
            check_budget(artwork, options)
            render_run(artwork, run_dir, options=options)
        except MockupLabError as error:
            entry.state, entry.error = ArtworkState.FAILED, _reason(error, entry)
        else:
            _mark_done(collection, entry)
        write_collection(collection)
        if ended is not None:
            ended(entry)


def submit_waiting(
    collection: Collection,
    backend: RenderBackend,
    base: RenderOptions,
    limit: int | None = None,
) -> int:
    """Hand every waiting artwork without a job to `backend`, or only as many as keep `limit`
    of the collection's jobs in hand at once; returns how many were handed.

    A job refused at once (an unreadable artwork, over the memory budget) fails alone."""
    handed = 0
    with folder_lock(collection.folder):
        in_hand = sum(1 for e in collection.artworks if e.job_id and not e.ended)
        for entry in collection.artworks:
            if limit is not None and in_hand >= limit:
                break
            if entry.state != ArtworkState.WAITING or entry.job_id or entry.file is None:
                continue
            job = _job(collection, entry, options_for(collection, base, entry))
            entry.job_id, entry.total = job.id, _mockups(job.options)
            write_collection(collection)  # before it is handed over: a kill cannot lose it
            try:
                plan = plan_job(job).check()  # a refused artwork is never put in the store
                backend.submit(_shared(collection, job), plan)
                handed += 1
                in_hand += 1
            except ARTWORK_FAULTS as error:
                entry.state, entry.error = ArtworkState.FAILED, _reason(error, entry)
            write_collection(collection)
    return handed


def _job(collection: Collection, entry: ArtworkEntry, options: RenderOptions) -> RenderJob:
    assert entry.file is not None and entry.run is not None
    artwork, run_dir = collection.path_of(entry.file), collection.path_of(entry.run)
    return RenderJob(artwork=str(artwork), run_dir=str(run_dir), options=options)


def _shared(collection: Collection, job: RenderJob) -> RenderJob:
    """`job` as its worker takes it: unchanged when the collection's folders are the workers'
    too; else naming its run and artwork by name, its store, and the artwork put there (linked
    into the run's folder first, as a single render's upload is, so a render here finds it
    there too)."""
    if collection.store is None:
        return job
    run_dir = Path(job.run_dir)
    shared = run_dir / Path(job.artwork).name
    if not shared.is_file():
        run_dir.mkdir(parents=True, exist_ok=True)
        _link_or_copy(Path(job.artwork), shared)
    store_named(collection.store).put_artwork(shared, run_dir.name)
    return replace(job, artwork=str(shared), store=collection.store)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # a file system without hard links
        shutil.copyfile(source, target)


def refresh(collection: Collection, backend: RenderBackend) -> list[ArtworkEntry]:
    """Each handed-over artwork's state from its job; returns those that ended just now."""
    ended = []
    with folder_lock(collection.folder):
        for entry in collection.artworks:
            if entry.ended or entry.job_id is None:
                continue
            try:
                status = backend.status(entry.job_id)
            except JobNotFound:
                status = None
            if _follow(collection, entry, status):
                ended.append(entry)
        write_collection(collection)
    return ended


def render_through(
    collection: Collection,
    backend: RenderBackend,
    base: RenderOptions,
    ended: Ended | None = None,
    poll_seconds: float = POLL_SECONDS,
) -> None:
    """Hand the waiting artworks to `backend`, its fair share at a time, and follow them all
    until each has ended."""
    while True:
        submit_waiting(collection, backend, base, fair_share(backend))
        for entry in refresh(collection, backend):
            if ended is not None:
                ended(entry)
        if not collection.pending:
            return
        time.sleep(poll_seconds)


def retry_failed(folder: Path) -> int:
    """Put the collection's retryable failed artworks back in line; returns how many."""
    with folder_lock(folder):
        collection = read_collection(folder)
        again = [entry for entry in collection.artworks if entry.retryable]
        for entry in again:
            _reset(entry)
        write_collection(collection)
    return len(again)


def _follow(collection: Collection, entry: ArtworkEntry, status: RenderStatus | None) -> bool:
    """Update `entry` from its job's status; True when it ended now."""
    if status is None:  # the back-end forgot the job (restarted): its folder decides
        if entry.run is not None and _finished(collection, entry):
            _mark_done(collection, entry)
            return True
        entry.job_id, entry.state = None, ArtworkState.WAITING  # queued again by the next pass
        return False
    if status.state == "finished":
        if _finished(collection, entry):
            _mark_done(collection, entry)
        else:
            entry.state, entry.error = ArtworkState.FAILED, "the job ended without its run.json"
        return True
    if status.state == "failed":
        reason = status.error or "the render failed"
        entry.state, entry.error = ArtworkState.FAILED, _reason(reason, entry)
        return True
    entry.state = ArtworkState.RENDERING if status.state == "started" else ArtworkState.WAITING
    entry.done, entry.total = status.done, status.total or entry.total
    return False


def _finished(collection: Collection, entry: ArtworkEntry) -> bool:
    """run.json in the run's folder, or in the store its job rendered into (then the run's
    small files are copied into its folder)."""
    if entry.run is None:
        return False
    folder = collection.path_of(entry.run)
    if is_run(folder):
        return True
    return collection.store is not None and store_named(collection.store).sync_run(
        folder.name, folder
    )


def _mark_done(collection: Collection, entry: ArtworkEntry) -> None:
    assert entry.run is not None
    try:
        run = read_run(collection.path_of(entry.run))
    except RunFolderError as error:
        entry.state, entry.error = ArtworkState.FAILED, first_line(error)
        return
    entry.state, entry.error = ArtworkState.DONE, None
    entry.done = entry.total = len(run.mockups)
    entry.seconds = run.wall_seconds


def _reason(error: object, entry: ArtworkEntry) -> str:
    """One line, naming the artwork as the user does, not as the collection stores it."""
    line = first_line(error)
    return line.replace(Path(entry.file).name, entry.name) if entry.file else line


def _reset(entry: ArtworkEntry) -> None:
    entry.state, entry.error, entry.job_id, entry.done = ArtworkState.WAITING, None, None, 0
