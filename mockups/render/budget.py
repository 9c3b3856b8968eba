"""A render's peak memory, estimated from the artwork's header and the templates' sizes before
anything is decoded (pure: `mockups.render.plan` reads the header and resolves the templates).

Calibrated on the ten built-in templates with a 4000 x 5000 JPEG, one template at a time, all
ten, and two threads, rendered in a worker's work horse: the estimate lay 10-30 % above the
measured peak RSS, so it errs towards refusing. Since a mockup decodes its scene after placing
its print, it errs further for parallel modes (studio-10 from the command line, 2026-11-30:
sequential 143 MB measured against 167 estimated; two, three and four threads 165-178,
194-196 and 221-238 MB against 250, 333 and 416): each thread counts a whole mockup's peak,
where on two cores the threads' peaks mostly do not coincide.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

from mockups.artwork.intake import (
    DRAFT_FORMATS,
    ArtworkHeader,
    decoded_by_vips,
    vips_bytes,
    working_size,
)
from mockups.errors import MockupLabError
from mockups.geometry import Size
from mockups.memory import MIB
from mockups.options import MAX_WORKERS, RenderOptions
from mockups.render.selection import required_artwork_size
from mockups.templates.model import Template

BUDGET_ENV = "MOCKUPLAB_JOB_BUDGET_MB"
# A 512 MB server holds the web process, the worker and one job: sequential jobs on any
# built-in template fit (at most about 170 MB), as do two threads; three threads do not.
DEFAULT_BUDGET_MB = 256
PIXEL_BYTES = 4  # Pillow stores RGB with a padding byte, like RGBA
PROCESS_BYTES = 56 * MIB  # an idle worker is 43 MB: Python, Pillow, the engine, RQ and redis
WORKING_FACTOR = 1.5  # the decoded artwork, and the decoder's and working copy's buffers
SCENE_FACTOR = 1.5  # the scene, its cropped layers, the encoder and the thumbnail
PRINT_FACTOR = 4.0  # the fitted, framed, warped and lit copies of the print
JPEG_DRAFT_SCALES = (8, 4, 2)
# Pillow's whole decode, its premultiplied copy for the resize and the resize's own passes:
# a 16 MP RGBA PNG peaks 167 MB above the interpreter
WHOLE_DECODE_FACTOR = 2.75
READING_RETAINED = 0.25


class JobRefused(MockupLabError):
    """A job that would not fit in the memory budget; refused before it starts."""


@dataclass(frozen=True)
class MemoryEstimate:
    artwork_size: Size
    decoded_size: Size
    mockups: int
    concurrency: int
    peak_bytes: int

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / MIB


def budget_bytes() -> int:
    """`$MOCKUPLAB_JOB_BUDGET_MB` in bytes, else the default."""
    configured = os.environ.get(BUDGET_ENV, "").strip()
    if not configured:
        return DEFAULT_BUDGET_MB * MIB
    try:
        megabytes = float(configured)
    except ValueError:
        raise MockupLabError(f"{BUDGET_ENV} must be a number of MB, not '{configured}'") from None
    if megabytes <= 0:
        raise MockupLabError(f"{BUDGET_ENV} must be above 0, not {configured}")
    return int(megabytes * MIB)


def estimate_peak(
    header: ArtworkHeader, templates: Sequence[Template], options: RenderOptions
) -> MemoryEstimate:
    """Peak RSS of the process rendering `templates` from the artwork `header` describes, in
    `options`' mode (a concrete one: see `choose_mode`); decodes nothing, reads no file."""
    concurrency = options.concurrency(len(templates))
    decoded = decoded_size(header, templates)
    decoded_bytes = decoded[0] * decoded[1] * PIXEL_BYTES
    working = WORKING_FACTOR * decoded_bytes
    per_mockup = max(mockup_bytes(template) for template in templates)
    if options.mode == "processes":
        # each worker process loads its own copy of the working image
        per_mockup += PROCESS_BYTES + decoded_bytes
    # the decoder's buffers are freed and handed back before the first mockup starts, though
    # not all of them: glibc keeps some of what libvips's threads used
    decoder = reading_bytes(header, decoded)
    rendering = working + concurrency * per_mockup + READING_RETAINED * decoder
    peak = PROCESS_BYTES + max(decoder + decoded_bytes, rendering)
    return MemoryEstimate(header.size, decoded, len(templates), concurrency, math.ceil(peak))


def choose_mode(
    header: ArtworkHeader, templates: Sequence[Template], options: RenderOptions
) -> RenderOptions:
    """`options` with mode "auto" made concrete: the most threads (up to the machine's cores,
    or `workers`) whose estimated peak fits the budget, else sequential. Others unchanged."""
    if options.mode != "auto":
        return options
    most = options.workers or min(os.cpu_count() or 1, MAX_WORKERS)
    budget = budget_bytes()
    for workers in range(min(most, len(templates)), 1, -1):
        threads = options.with_changes(mode="threads", workers=workers)
        if estimate_peak(header, templates, threads).peak_bytes <= budget:
            return threads
    return options.with_changes(mode="sequential", workers=None)


def refusal(estimate: MemoryEstimate, mode: str, budget: int) -> JobRefused | None:
    """Why a run of `estimate` in `mode` is refused (one line), or None when it fits `budget`."""
    if estimate.peak_bytes <= budget:
        return None
    width, height = estimate.artwork_size
    parallel = f", {mode} x {estimate.concurrency}" if estimate.concurrency > 1 else ""
    return JobRefused(
        f"refused before rendering: a {width}x{height} artwork on {estimate.mockups} "
        f"templates{parallel} needs about {estimate.peak_mb:.0f} MB; "
        f"the budget is {budget / MIB:.0f} MB ({BUDGET_ENV})"
    )


def mockup_bytes(template: Template) -> float:
    scene = template.size[0] * template.size[1] * PIXEL_BYTES
    print_area = template.print_size[0] * template.print_size[1] * PIXEL_BYTES
    return SCENE_FACTOR * scene + PRINT_FACTOR * print_area


def decoded_size(header: ArtworkHeader, templates: Sequence[Template]) -> Size:
    """The size intake decodes the artwork at, as `intake.load_artwork` chooses it."""
    size = header.size
    target = working_size(size, required_artwork_size(size, templates))
    if header.format in DRAFT_FORMATS:
        # Pillow's JPEG draft: the largest DCT scale that still covers the target
        fits = min(size[0] // target[0], size[1] // target[1])
        scale = next((s for s in JPEG_DRAFT_SCALES if fits >= s), 1)
        return (math.ceil(size[0] / scale), math.ceil(size[1] / scale))
    return target  # libvips shrinks while reading; Pillow's whole decode is resized to it


def reading_bytes(header: ArtworkHeader, decoded: Size) -> int:
    """What the decoder holds beyond the working image while it reads the artwork."""
    if decoded_by_vips(header, decoded):
        return vips_bytes(header, decoded)
    if header.format in DRAFT_FORMATS:
        return 0  # the JPEG draft decodes at the working size
    width, height = header.stored_size
    # decoded whole, then resized to the working size through a premultiplied copy
    return math.ceil(WHOLE_DECODE_FACTOR * width * height * PIXEL_BYTES)
