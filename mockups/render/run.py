"""A render run: one artwork, many templates, one mockup after another (or bounded parallel).

Every mode calls the same `_render_one`, which reads only the working image and the
template, so sequential, threads and processes write byte-identical files.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from mockups.artwork.colour import srgb_icc_bytes
from mockups.artwork.intake import DRAFT_SLACK, ArtworkInfo, decode_artwork, working_size
from mockups.artwork.pixels import Pixels, shrunk, write_png
from mockups.errors import MockupLabError, RenderError, first_line
from mockups.geometry import Size
from mockups.memory import (
    PeakRssSampler,
    heap_in_use_bytes,
    release_freed_memory,
    rss_bytes,
    set_up_for_rendering,
)
from mockups.options import MAX_WORKERS, MODES, RenderOptions
from mockups.render.compose import render_mockup
from mockups.render.fit_check import fit_warnings
from mockups.render.helpers import first_and_then
from mockups.render.mockup import Mockup
from mockups.render.plan import RenderPlan, plan_render
from mockups.runs.folder import (
    RUN_FILE,
    THUMBS_DIR,
    WORKING_COPY,
    MockupResult,
    RunResult,
    atomic_file,
    clear_for_new_run,
    write_atomically,
    write_run,
)
from mockups.templates.model import Template

__all__ = [
    "MAX_WORKERS",
    "MODES",
    "RUN_FILE",
    "WORKING_COPY",
    "MockupResult",
    "RenderOptions",
    "RunResult",
    "render_run",
]

SHRINK_ABOVE = DRAFT_SLACK  # working pixels over this many times the prints' need are shrunk
# a mockup rendered alone maps its print on two threads: studio-10 sequential 12 % faster for
# about 5 MB; rendered side by side, each mockup maps on one
ALONE_MAPPING_THREADS = 2
THUMBNAIL_QUALITY = 85

Progress = Callable[[int, int, MockupResult], None]
Instrument = Callable[[int, str], AbstractContextManager[object]]


@dataclass(frozen=True)
class MockupJob:
    """One mockup to render; picklable, so a worker process can take it as it is.

    `instrument(index, template_id)`, when given, is entered around the mockup's work in
    whichever thread or process renders it (a profiler opens its capture there).
    `mapping_threads`: see `render_mockup`.
    """

    index: int
    template: Template
    out: Path
    instrument: Instrument | None = None
    release_memory: bool = False
    mapping_threads: int = 1

    @property
    def file_name(self) -> str:
        return f"{self.index:02d}-{self.template.slug}.jpg"


def render_run(
    artwork: Path | str,
    out_dir: Path | str,
    *,
    options: RenderOptions | None = None,
    progress: Progress | None = None,
    library: dict[str, Template] | None = None,
    instrument: Instrument | None = None,
    plan: RenderPlan | None = None,
) -> RunResult:
    """Render `artwork` on each template into `out_dir`; returns what was written, also in run.json.

    `progress(done, total, result)` is called in the caller's thread as each mockup lands.
    `instrument`: see `MockupJob`. `library`: templates by id, when not the installed ones.
    `plan`: the run planned already (`plan_render(artwork, options, library)`), when the
    caller has it: its header is not read again, nor its templates resolved.
    """
    plan = plan or plan_render(artwork, options, library)
    options, chosen, workers = plan.options, plan.templates, plan.workers
    set_up_for_rendering()  # a library caller's process too (the command line did it first)
    out = Path(out_dir)
    _prepare_folder(out, keep=Path(artwork))
    started = time.perf_counter()
    with PeakRssSampler(include_children=options.mode == "processes") as sampler:
        header, needed = plan.header, plan.needed_size
        art = decode_artwork(header, needed)
        info, pixels = art.info, Pixels.of(art.image)
        del art  # the decoded image: from here the run holds its pixels once, as bytes
        pixels, info = _no_larger_than_needed(pixels, info, working_size(header.size, needed))
        run = RunResult(
            artwork=info,
            mode=options.mode,
            workers=workers,
            out_dir=str(out),
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            fit=options.fit,
            warnings=fit_warnings(header.size, chosen),
            original_name=options.artwork_name,
        )
        mapping_threads = _mapping_threads(workers)
        jobs = [
            MockupJob(index, template, out, instrument, options.release_memory, mapping_threads)
            for index, template in enumerate(chosen, start=1)
        ]
        with _working_copy_written(pixels, out / WORKING_COPY, before=options.mode == "processes"):
            for result in _results(options.mode, workers, pixels, jobs, out):
                run.mockups.append(result)
                if progress is not None:
                    progress(len(run.mockups), len(jobs), result)
        del pixels
    run.mockups.sort(key=lambda result: result.index)
    run.wall_seconds = round(time.perf_counter() - started, 4)
    run.peak_rss_bytes = sampler.peak_bytes
    _guard_io(lambda: write_run(out, run), out / RUN_FILE)
    return run


def _mapping_threads(mockups_at_once: int) -> int:
    if mockups_at_once > 1:
        return 1
    return max(1, min(ALONE_MAPPING_THREADS, os.cpu_count() or 1))


def _no_larger_than_needed(
    pixels: Pixels, info: ArtworkInfo, needed: Size
) -> tuple[Pixels, ArtworkInfo]:
    """The working pixels shrunk to `needed` when they are far larger (a JPEG's draft decodes
    at a whole fraction of the file's size: a 10 MP photo whole, where the prints need 4)."""
    if pixels.width * pixels.height <= SHRINK_ABOVE * needed[0] * needed[1]:
        return pixels, info
    pixels = shrunk(pixels, needed)
    return pixels, replace(info, working_width=pixels.width, working_height=pixels.height)


def _results(
    mode: str, workers: int, pixels: Pixels, jobs: list[MockupJob], out: Path
) -> Iterator[MockupResult]:
    if mode == "sequential":
        for job in jobs:
            yield _render_one(pixels, job)
        return
    with _executor(mode, workers, out) as pool:
        image = pixels if mode == "threads" else None
        futures = [pool.submit(_render_one, image, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()


def _executor(mode: str, workers: int, out: Path) -> Executor:
    if mode == "threads":
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mockup")
    # imported here: a run in the other modes never loads multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    # forkserver: a fresh, small parent for workers, safe beside the dashboard's threads
    context = get_context("forkserver")
    context.set_forkserver_preload(["mockups.render.run"])
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_load_working_copy,
        initargs=(str(out / WORKING_COPY),),
    )


_worker_artwork: Pixels | None = None


def _load_working_copy(path: str) -> None:
    global _worker_artwork
    set_up_for_rendering()
    with Image.open(path) as image:
        _worker_artwork = Pixels.of(image)


def _render_one(artwork: Pixels | None, job: MockupJob) -> MockupResult:
    """Render, write and release one mockup; `artwork` is None in a worker process."""
    artwork = artwork if artwork is not None else _worker_artwork
    assert artwork is not None, "a worker process renders after _load_working_copy"
    template, name = job.template, job.file_name
    rss_before = rss_bytes()
    started_unix = time.time()
    started = time.perf_counter()
    instrument = job.instrument(job.index, template.key) if job.instrument else nullcontext()
    with instrument:
        width, height, size = _render_and_write(artwork, job)
        if job.release_memory:
            release_freed_memory()
    return MockupResult(
        index=job.index,
        template=template.key,
        file=name,
        thumbnail=f"thumbs/{name}",
        width=width,
        height=height,
        bytes=size,
        seconds=round(time.perf_counter() - started, 4),
        started_unix=started_unix,
        finished_unix=time.time(),
        rss_before_bytes=rss_before,
        rss_after_bytes=rss_bytes(),
        worker=f"{os.getpid()}/{threading.current_thread().name}",
        heap_after_bytes=heap_in_use_bytes(),
    )


def _render_and_write(artwork: Pixels, job: MockupJob) -> tuple[int, int, int]:
    """Width, height and file size of the job's mockup, written with its thumbnail."""
    template, out, name = job.template, job.out, job.file_name
    try:
        mockup = render_mockup(artwork, template, job.mapping_threads)
        size = _written_with_thumbnail(mockup, out, name, beside=job.mapping_threads > 1)
    except MockupLabError:
        raise
    except OSError as error:
        raise RenderError(f"template '{template.key}': {_io_reason(error)}") from None
    return (*mockup.size, size)


def _written_with_thumbnail(mockup: Mockup, out: Path, name: str, beside: bool) -> int:
    """The mockup's file size, written with its thumbnail; `beside`: the thumbnail is made
    and encoded on the mockup's helper thread while the mockup is encoded (a mockup rendered
    alone has a second core; both encoders let go of the GIL)."""

    size, _ = first_and_then(
        lambda: _write_mockup(mockup, out / name),
        lambda: _write_jpeg(mockup.thumbnail(), out / THUMBS_DIR / name, THUMBNAIL_QUALITY),
        beside,
    )
    return size


def _write_mockup(mockup: Mockup, path: Path) -> int:
    """Written through a temporary file, so a reader never sees half a mockup."""
    data = mockup.jpeg(srgb_icc_bytes())
    write_atomically(path, data)
    return len(data)


def _write_jpeg(image: Image.Image, path: Path, quality: int) -> int:
    """Encode to `path` through a temporary file, so a reader never sees half a mockup."""
    with atomic_file(path) as partial:
        image.save(partial, "JPEG", quality=quality, icc_profile=srgb_icc_bytes())
    return path.stat().st_size


@contextmanager
def _working_copy_written(pixels: Pixels, path: Path, before: bool) -> Iterator[None]:
    """Save the lossless working copy: first when workers read it, else beside the rendering.

    A failed save fails the run (after the mockups, when it ran beside them)."""
    if before:
        _guard_io(lambda: _save_working_copy(pixels, path), path)
        yield
        return
    failures: list[OSError] = []
    writer = threading.Thread(
        target=_save_working_copy, args=(pixels, path, failures), name="working-copy"
    )
    writer.start()
    try:
        yield
    finally:
        writer.join()
    if failures:
        raise RenderError(f"{path.name}: cannot be written ({_io_reason(failures[0])})")


def _save_working_copy(pixels: Pixels, path: Path, failures: list | None = None) -> None:
    try:
        with atomic_file(path) as partial, open(partial, "wb") as file:
            write_png(pixels, file)
    except OSError as error:
        if failures is None:
            raise
        failures.append(error)


def _prepare_folder(out: Path, keep: Path) -> None:
    """`out` ready for a new run: created, and emptied of what an earlier run wrote."""
    if out.exists() and not out.is_dir():
        raise RenderError(f"--out {out.name}: is a file, not a folder")
    try:
        (out / THUMBS_DIR).mkdir(parents=True, exist_ok=True)
        clear_for_new_run(out, keep)
    except OSError as error:
        raise RenderError(f"--out {out.name}: cannot be written ({_io_reason(error)})") from None


def _guard_io(write: Callable[[], None], path: Path) -> None:
    try:
        write()
    except OSError as error:
        raise RenderError(f"{path.name}: cannot be written ({_io_reason(error)})") from None


def _io_reason(error: OSError) -> str:
    return error.strerror or first_line(error)
