"""A render run: one artwork, many templates, one mockup after another (or bounded parallel).

Every mode calls the same `_render_one`, which reads only the working image and the
template, so sequential, threads and processes write byte-identical files.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from PIL import Image

from mockups.colour import srgb_icc_bytes
from mockups.compose import load_scene_images, render_mockup
from mockups.errors import MockupLabError, RenderError
from mockups.geometry import Size, fit_scale
from mockups.intake import Artwork, ArtworkInfo, load_artwork, read_header
from mockups.memory import PeakRssSampler, heap_in_use_bytes, release_freed_memory, rss_bytes
from mockups.templates import Template, load_library, select_templates

MODES = ("sequential", "threads", "processes")
MAX_WORKERS = 8
JPEG_QUALITY = 90
THUMBNAIL_SIDE = 600
WORKING_COPY = "artwork.png"
OWN_OUTPUT = re.compile(r"(thumbs/)?\d\d-[^/]+\.jpg")
RUN_FILE = "run.json"


@dataclass(frozen=True)
class MockupResult:
    index: int
    template: str
    file: str
    thumbnail: str
    width: int
    height: int
    bytes: int
    seconds: float
    started_unix: float
    finished_unix: float
    rss_before_bytes: int
    rss_after_bytes: int
    worker: str
    heap_after_bytes: int | None = None


@dataclass
class RunResult:
    artwork: ArtworkInfo
    mode: str
    workers: int
    out_dir: str
    started_at: str
    wall_seconds: float = 0.0
    peak_rss_bytes: int = 0
    working_copy: str = WORKING_COPY
    mockups: list[MockupResult] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


Progress = Callable[[int, int, MockupResult], None]
Instrument = Callable[[int, str], AbstractContextManager[object]]


@dataclass(frozen=True)
class MockupJob:
    """One mockup to render; picklable, so a worker process can take it as it is.

    `instrument(index, template_id)`, when given, is entered around the mockup's work in
    whichever thread or process renders it (a profiler opens its capture there).
    """

    index: int
    template: Template
    out: Path
    instrument: Instrument | None = None
    release_memory: bool = False

    @property
    def file_name(self) -> str:
        return f"{self.index:02d}-{self.template.slug}.jpg"


def render_run(
    artwork: Path | str,
    out_dir: Path | str,
    templates: str | list[str] | list[Template] = "all",
    mode: str = "sequential",
    workers: int | None = None,
    progress: Progress | None = None,
    library: dict[str, Template] | None = None,
    instrument: Instrument | None = None,
    release_memory: bool = False,
) -> RunResult:
    """Render `artwork` on each template into `out_dir`; returns what was written, also in run.json.

    `progress(done, total, result)` is called in the caller's thread as each mockup lands.
    `release_memory` hands freed memory back to the system after each mockup (Pillow's block
    cache and glibc's arenas); it costs a little time and changes no output.
    """
    chosen = _resolve_templates(templates, library)
    workers = resolve_workers(mode, workers, len(chosen))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "thumbs").mkdir(exist_ok=True)
    _forget_previous_run(out)
    started = time.perf_counter()
    run = RunResult(
        artwork=None,  # type: ignore[arg-type]  # set once decoded, below
        mode=mode,
        workers=workers,
        out_dir=str(out),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    with PeakRssSampler(include_children=mode == "processes") as sampler:
        header = read_header(Path(artwork))
        art = load_artwork(header.path, required_artwork_size(header.size, chosen))
        run.artwork = art.info
        jobs = [
            MockupJob(index, template, out, instrument, release_memory)
            for index, template in enumerate(chosen, start=1)
        ]
        with _working_copy_written(art.image, out / WORKING_COPY, before=mode == "processes"):
            for result in _results(mode, workers, art, jobs, out):
                run.mockups.append(result)
                if progress is not None:
                    progress(len(run.mockups), len(jobs), result)
        del art
    run.mockups.sort(key=lambda result: result.index)
    run.wall_seconds = round(time.perf_counter() - started, 4)
    run.peak_rss_bytes = sampler.peak_bytes
    _write_atomically(out / RUN_FILE, run.to_json().encode())
    return run


def resolve_workers(mode: str, workers: int | None, jobs: int) -> int:
    if mode not in MODES:
        raise RenderError(f"unknown mode '{mode}'; choose one of {', '.join(MODES)}")
    if mode == "sequential":
        return 1
    if workers is None:
        return max(1, min(os.cpu_count() or 1, jobs, MAX_WORKERS))
    if not 1 <= workers <= MAX_WORKERS:
        raise RenderError(f"workers must be between 1 and {MAX_WORKERS}, not {workers}")
    return workers


def required_artwork_size(artwork_size: Size, templates: list[Template]) -> Size:
    """The smallest artwork size from which every template's print is a reduction."""
    scale = max(fit_scale(artwork_size, t.print_size, t.fit) for t in templates)
    scale = min(1.0, scale)
    return (math.ceil(artwork_size[0] * scale), math.ceil(artwork_size[1] * scale))


def _resolve_templates(
    templates: str | list[str] | list[Template], library: dict[str, Template] | None
) -> list[Template]:
    if isinstance(templates, list) and templates and isinstance(templates[0], Template):
        return list(templates)
    return select_templates(library if library is not None else load_library(), templates)


def _results(
    mode: str, workers: int, art: Artwork, jobs: list[MockupJob], out: Path
) -> Iterator[MockupResult]:
    if mode == "sequential":
        for job in jobs:
            yield _render_one(art.image, job)
        return
    with _executor(mode, workers, out) as pool:
        image = art.image if mode == "threads" else None
        futures = [pool.submit(_render_one, image, job) for job in jobs]
        for future in as_completed(futures):
            yield future.result()


def _executor(mode: str, workers: int, out: Path) -> Executor:
    if mode == "threads":
        return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mockup")
    # forkserver: a fresh, small parent for workers, safe beside the dashboard's threads
    context = get_context("forkserver")
    context.set_forkserver_preload(["mockups.run"])
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_load_working_copy,
        initargs=(str(out / WORKING_COPY),),
    )


_worker_artwork: Image.Image | None = None


def _load_working_copy(path: str) -> None:
    global _worker_artwork
    with Image.open(path) as image:
        image.load()
        _worker_artwork = image.copy() if image.mode in ("RGB", "RGBA") else image.convert("RGB")


def _render_one(artwork: Image.Image | None, job: MockupJob) -> MockupResult:
    """Render, write and release one mockup; `artwork` is None in a worker process."""
    artwork = artwork if artwork is not None else _worker_artwork
    template, name = job.template, job.file_name
    rss_before = rss_bytes()
    started_unix = time.time()
    started = time.perf_counter()
    instrument = job.instrument(job.index, template.key) if job.instrument else nullcontext()
    with instrument:
        width, height, size = _render_and_write(artwork, template, job.out, name)
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


def _render_and_write(
    artwork: Image.Image, template: Template, out: Path, name: str
) -> tuple[int, int, int]:
    """Width, height and file size of the mockup written to `out/name` (and its thumbnail)."""
    try:
        mockup = render_mockup(artwork, template, load_scene_images(template))
        size = _write_jpeg(mockup, out / name, JPEG_QUALITY)
        _write_jpeg(_thumbnail(mockup), out / "thumbs" / name, 85)
    except MockupLabError:
        raise
    except OSError as error:
        raise RenderError(f"template '{template.key}': {error}") from None
    return (*mockup.size, size)


def _thumbnail(image: Image.Image) -> Image.Image:
    factor = math.ceil(max(image.size) / THUMBNAIL_SIDE)
    return image.reduce(factor) if factor > 1 else image


def _write_jpeg(image: Image.Image, path: Path, quality: int) -> int:
    """Encode to `path` through a temporary file, so a reader never sees half a mockup."""
    partial = path.with_name(path.name + ".part")
    image.save(partial, "JPEG", quality=quality, icc_profile=srgb_icc_bytes())
    os.replace(partial, path)
    return path.stat().st_size


@contextmanager
def _working_copy_written(image: Image.Image, path: Path, before: bool) -> Iterator[None]:
    """Save the lossless working copy: first when workers read it, else beside the rendering."""
    if before:
        _save_working_copy(image, path)
        yield
        return
    writer = threading.Thread(target=_save_working_copy, args=(image, path), name="working-copy")
    writer.start()
    try:
        yield
    finally:
        writer.join()


def _save_working_copy(image: Image.Image, path: Path) -> None:
    partial = path.with_name(path.name + ".part")
    image.save(partial, "PNG", compress_level=1)
    os.replace(partial, path)


def _forget_previous_run(out: Path) -> None:
    """Remove what an earlier run in `out` wrote (the files its run.json names, nothing else),
    run.json first, so the folder never shows the old run's mockups beside the new ones."""
    previous = out / RUN_FILE
    try:
        mockups = json.loads(previous.read_text())["mockups"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    previous.unlink()
    for mockup in mockups:
        for name in (mockup.get("file"), mockup.get("thumbnail")):
            if isinstance(name, str) and OWN_OUTPUT.fullmatch(name):
                (out / name).unlink(missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)
