"""A render's peak memory, estimated from the artwork's header and the templates' sizes before
anything is decoded (`mockups.render.plan` reads the header and resolves the templates; the
part of each scene a render holds is read from the scene's JPEG header, `window`).

The peak of a process rendering a run is the larger of two moments:
- reading the artwork: the interpreter and the engine, what the decoder holds (libvips's rows,
  a progressive JPEG's coefficients, Pillow's decoded image and its copy) and the working
  pixels;
- rendering: the interpreter, the working pixels (held once, as bytes: 3 a pixel, 4 with
  alpha) and the mockups rendering at once, each by its scene's and its print's pixels.

Calibrated with `python -m bench.budget_estimates` (whole `python -m mockups render`
processes, the ten templates the dashboard ticks, a 2-core machine): first on 2026-12-06
with the twelve built-ins (one template at a time with a tiny artwork: 41 MB + 6.8 bytes a
scene pixel + 7.7 bytes a print pixel), then again for the scene-lit library of fifteen
(two runs of every case, the larger peak taken, the constants below chosen so that no
sequential estimate is under its measured peak and none at all is more than 5 % under). The
estimates lay from -4 % to +14 % of the measured peaks, and from -3 % to +14 % after
ALONE_BYTES fell to 2 MB (no plain sequential run over its estimate; a profiled one holds
memray's buffers besides, which the estimate leaves out: camera profiled -1 %). Once only
a backdrop's window was decoded (2026-12-07), WINDOW_FACTOR and BACKDROP_BYTES were chosen
by the same rule, for the queue's worker too: -2 % to +13 %, under zero only the profiled
runs. See the README's figures.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

from mockups.artwork.intake import (
    DRAFT_FORMATS,
    DRAFT_SLACK,
    ArtworkHeader,
    decoded_by_vips,
    draft_size,
    vips_bytes,
    working_size,
)
from mockups.errors import MockupLabError
from mockups.geometry import Size
from mockups.memory import MIB
from mockups.options import MAX_WORKERS, RenderOptions
from mockups.render.compose import libvips_maps_alone, scene_beside_print
from mockups.render.selection import required_artwork_size
from mockups.render.window import held_scene_box
from mockups.templates.model import Template

BUDGET_ENV = "MOCKUPLAB_JOB_BUDGET_MB"
# A 512 MB server holds the web process, the worker and one job: sequential jobs on any
# built-in template fit (at most about 150 MB), as do two threads.
DEFAULT_BUDGET_MB = 256
PIXEL_BYTES = 4  # Pillow stores RGB with a padding byte, like RGBA
# The rendering process beyond the images it holds: the interpreter, numpy, Pillow, libvips
# and the engine (48 MB), and what a run keeps besides (the working copy's PNG writer beside
# the first mockups, glibc's and libvips's caches, the freed heap top glibc keeps for the next
# block: up to 8 MB, `keep_freed_heap_top`). 4 MB less since the grain tiles are cached: a
# sequential run's peak fell 6 MB with them; 2 MB less since a photo's working copy is
# stored, not deflated (the 1200 x 1500 PNG in two threads peaked 8 MB lower); 2 MB less
# since a render imports neither tqdm off a terminal nor importlib.metadata (`import
# mockups.cli`: 40.9 -> 38.7 MB of RSS).
PROCESS_BYTES = 56 * MIB
# A mockup rendered alone decodes its scene on a helper thread while its print is mapped
# (`render_mockup`): a product template's peak rose up to 6 MB with it (greeting-card from a
# 6000 x 4000 photo). A zoom template's print is too large for it (13-18 MB more): its scene
# is decoded after the mapping, as before. Its composite on two threads, in strips half as
# tall, then took 4-5 MB off (that photo on all fifteen templates, sequential, three runs a
# side: 152.3-154.3 -> 148.3-149.6 MB).
ALONE_BYTES = 2 * MIB
# processes mode: each worker is an interpreter with the engine, and the forkserver that
# starts them is one more
WORKER_PROCESS_BYTES = 44 * MIB
FORKSERVER_BYTES = 18 * MIB
SCENE_FACTOR = 1.9  # the scene, its layers cropped to the print's box, the encoder, the thumb
# A scene that is a backdrop is held as its window (`window.held_scene_box`), and beside it
# the scene's JPEG and its segments, the window's and the mockup's JPEGs and the scene
# reduced for the thumbnail. Calibrated on `bench.budget_estimates` and on the queue's work
# horse, which peaks a few MB above the command line (RQ and redis loaded: a three-template
# job from a 1600 x 2000 JPEG, 129.5 MB), 2026-12-07: studio-10's peaks fell 10-17 MB with
# the window; a factor of 1.9 and 13 MB left that job 2 MB under, and more for every
# window made the zoom templates' runs 15 % over
WINDOW_FACTOR = 1.5
BACKDROP_BYTES = 20 * MIB
PRINT_FACTOR = 2.0  # the fitted, framed, mapped and lit copies of the print
# A print over `SCENE_BESIDE_PRINT_PIXELS` placed by libvips alone (the zoom templates) is
# mapped before its scene is decoded, so most of its copies are gone by then. Calibrated
# 2026-12-07 on a 6000 x 4000 camera photo over all fifteen templates, zoom-canvas-corner the
# largest: 149-154 MB with the caches cold, 140-146 warm; at PRINT_FACTOR the estimate was
# 168 MB, 1.19x the warm peak.
PRINT_AFTER_SCENE_FACTOR = 1.5
# a thread besides the first adds this share of its mockup: their peaks mostly do not
# coincide (0.26-0.6 measured with two and three threads on two cores, the larger since the
# scene-lit library). 0.3 since a composite strip is 128 rows in threads too (studio-10 auto
# 142 -> 129 MB): at 0.6 every threads case came out 15-28 % over its measured peak.
THREAD_OVERLAP = 0.3
WORKING_BYTES = {False: 3, True: 4}  # the working pixels, without and with alpha
# Pillow's whole decode, its premultiplied copy for the resize and the resize's own passes:
# a 16 MP RGBA PNG peaks 167 MB above the interpreter
WHOLE_DECODE_FACTOR = 2.75
# A print placed through a print map is the size of the map's box, which the print's own size
# does not count when the box is larger: a 3000 x 3000 box and a 500 x 500 print measured
# 161-175 MB (map at a quarter of the box or whole): 113 estimated without it, 199 with. The map
# itself adds nothing measurable to the peak: a full-size map streams, a reduced one is a few
# MB while the scene is not yet decoded.
PLACED_BOX_FACTOR = 2.5
ALPHA_MODES = {"RGBA", "LA", "PA", "P", "RGBa", "La"}  # P: a transparent index keeps alpha


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
    kept = working_pixels_size(header, templates)
    working = kept[0] * kept[1] * WORKING_BYTES[header.mode in ALPHA_MODES]
    reading = PROCESS_BYTES + reading_bytes(header, decoded, working) + working
    rendering = PROCESS_BYTES + working + mockups_at_once(templates, options.mode, concurrency)
    if options.mode == "processes":
        # each worker loads its own copy of the working pixels
        rendering += FORKSERVER_BYTES + concurrency * (WORKER_PROCESS_BYTES + working)
    peak = max(reading, rendering)
    return MemoryEstimate(header.size, decoded, len(templates), concurrency, math.ceil(peak))


def mockups_at_once(templates: Sequence[Template], mode: str, concurrency: int) -> float:
    """What the largest `concurrency` mockups hold at once: all of each in worker processes
    (each keeps its own high-water mark), the first and a share of the others in threads;
    one rendered alone, with what it holds beside its mapping (`ALONE_BYTES`)."""
    largest = sorted((mockup_bytes(t) for t in templates), reverse=True)[:concurrency]
    if concurrency == 1 and largest:
        return largest[0] + ALONE_BYTES
    if mode == "processes" or not largest:
        return sum(largest)
    return largest[0] + THREAD_OVERLAP * sum(largest[1:])


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


def refusal(
    estimate: MemoryEstimate, mode: str, budget: int, ways: Sequence[str] = ()
) -> JobRefused | None:
    """Why a run of `estimate` in `mode` is refused (one line, ending with the `ways` it would
    fit: `RenderPlan.ways_to_fit`), or None when it fits `budget`."""
    if estimate.peak_bytes <= budget:
        return None
    width, height = estimate.artwork_size
    parallel = f", {mode} x {estimate.concurrency}" if estimate.concurrency > 1 else ""
    fits = f": {'; or '.join(ways)}" if ways else ""
    return JobRefused(
        f"refused before rendering: a {width}x{height} artwork on {estimate.mockups} "
        f"templates{parallel} needs about {estimate.peak_mb:.0f} MB; "
        f"the budget is {budget / MIB:.0f} MB ({BUDGET_ENV}){fits}"
    )


def mockup_bytes(template: Template) -> float:
    held = held_scene_box(template)
    scene = held.width * held.height * PIXEL_BYTES
    print_area = template.print_size[0] * template.print_size[1] * PIXEL_BYTES
    if held.size == template.size:
        scene_bytes = SCENE_FACTOR * scene
    else:
        scene_bytes = WINDOW_FACTOR * scene + BACKDROP_BYTES
    factor = PRINT_AFTER_SCENE_FACTOR if _mapped_before_scene(template) else PRINT_FACTOR
    return scene_bytes + factor * print_area + print_map_bytes(template)


def _mapped_before_scene(template: Template) -> bool:
    """Whether the print is fitted and mapped in libvips alone (`libvips_maps_alone`) and is
    too large to be mapped beside its scene's decode: the Pillow route's copies of a large
    print are counted at PRINT_FACTOR."""
    return libvips_maps_alone(template) and not scene_beside_print(template)


def print_map_bytes(template: Template) -> float:
    """What placing the print through the template's print map holds beyond the print: the
    placed print over the part of the map's box the print's own size leaves out."""
    if template.uvmap is None:
        return 0.0
    box_width, box_height = template.uvmap.box[2:]
    print_width, print_height = template.print_size
    beyond_print = max(0, box_width * box_height - print_width * print_height)
    return PLACED_BOX_FACTOR * beyond_print * PIXEL_BYTES


def decoded_size(header: ArtworkHeader, templates: Sequence[Template]) -> Size:
    """The size intake decodes the artwork at, as `intake.load_artwork` chooses it: the working
    size, or for a JPEG Pillow drafts, the draft's."""
    target = working_size(header.size, required_artwork_size(header.size, templates))
    if header.format in DRAFT_FORMATS and not decoded_by_vips(header, target):
        return draft_size(header, target)
    return target


def working_pixels_size(header: ArtworkHeader, templates: Sequence[Template]) -> Size:
    """The size the run renders from: the decoded size, shrunk to the working size when it
    is more than DRAFT_SLACK times larger (`render_run`)."""
    target = working_size(header.size, required_artwork_size(header.size, templates))
    decoded = decoded_size(header, templates)
    if decoded[0] * decoded[1] > DRAFT_SLACK * target[0] * target[1]:
        return target
    return decoded


def reading_bytes(header: ArtworkHeader, decoded: Size, working: int) -> int:
    """What the decoder holds beyond the `working` pixels' bytes while the artwork is read
    and decoded at `decoded` (`decoded_size`)."""
    width, height = decoded
    if decoded_by_vips(header, decoded):
        # libvips's rows (or whole image) go before its result is copied into an image and
        # that into the working pixels: the larger of the two moments
        return max(vips_bytes(header, decoded), width * height * PIXEL_BYTES)
    if header.format in DRAFT_FORMATS:
        # the JPEG draft, copied into pixels while held, then shrunk to the working pixels
        copies = width * height * (PIXEL_BYTES + WORKING_BYTES[header.mode in ALPHA_MODES])
        return max(0, copies - working) + header.coefficient_bytes
    width, height = header.stored_size
    # decoded whole, then resized to the working size through a premultiplied copy
    return math.ceil(WHOLE_DECODE_FACTOR * width * height * PIXEL_BYTES)
