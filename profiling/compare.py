"""One artwork rendered in several modes, each profiled in a child process of its own.

Writes DIR/compare.json: a list with one object per run (`ModeComparison`'s fields) and
each run's folder, DIR/<mode>-w<workers>[-release]/, with its mockups and its profile.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from mockups.memory import MIB
from mockups.options import CONCRETE_MODES, RenderOptions
from mockups.render.budget import JobRefused
from mockups.render.plan import plan_render
from mockups.render.run import Progress
from mockups.templates.model import Template
from profiling.child import profile_run
from profiling.results import RunProfile

COMPARE_FILE = "compare.json"
MODE_NAMES = {"sequential": "Sequential", "threads": "Threads", "processes": "Processes"}
# closer than this share of the slower time reads as a tie, not as a winner
TIE_SHARE = 0.05


@dataclass(frozen=True)
class ModeComparison:
    """One profiled run of the comparison. `identical_outputs`: every run's images are equal."""

    mode: str
    workers: int
    release_memory: bool
    wall_seconds: float
    peak_rss_bytes: int
    heap_peak_bytes: int
    heap_peak_exact: bool
    allocated_bytes: int
    rss_after_bytes: int
    identical_outputs: bool
    out_dir: str

    @classmethod
    def from_profile(cls, summary: RunProfile, identical_outputs: bool) -> ModeComparison:
        """The comparison's row for one run: the run's own figures, by name, and the verdict."""
        copied = {
            f.name: getattr(summary, f.name) for f in fields(cls) if f.name != "identical_outputs"
        }
        return cls(**copied, identical_outputs=identical_outputs)


def run_label(mode: str, workers: int, release_memory: bool) -> str:
    """The run's folder name inside the comparison's folder (`threads-w2-release`)."""
    return f"{mode}-w{workers}" + ("-release" if release_memory else "")


def plain_label(mode: str, workers: int, release_memory: bool) -> str:
    """The run as people read it: "Sequential", "Threads x2, memory released"."""
    name = MODE_NAMES.get(mode, mode.capitalize())
    counted = name if mode == "sequential" else f"{name} x{workers}"
    return counted + (", memory released" if release_memory else "")


def row_label(row: ModeComparison) -> str:
    return plain_label(row.mode, row.workers, row.release_memory)


@dataclass(frozen=True)
class PlannedRun:
    """One run a comparison would make (with memory released or not, estimated alike), and its
    estimated peak against the memory budget, before anything renders."""

    mode: str
    workers: int
    peak_bytes: int
    budget_bytes: int

    @property
    def fits(self) -> bool:
        return self.peak_bytes <= self.budget_bytes

    @property
    def label(self) -> str:
        return plain_label(self.mode, self.workers, False)

    def why_not(self) -> str:
        """Why the budget refuses this run, in words (empty when it fits)."""
        if self.fits:
            return ""
        return (
            f"{self.label} needs about {self.peak_bytes / MIB:.0f} MB, over the "
            f"{self.budget_bytes / MIB:.0f} MB memory budget for one render"
        )


def plan_comparison(
    artwork: Path | str,
    modes: Iterable[str],
    workers: Iterable[int],
    templates: str | Sequence[str],
    budget_bytes: int,
    library: dict[str, Template] | None = None,
) -> list[PlannedRun]:
    """Each run of the comparison (sequential once, the others once per worker count) with
    its estimate: the artwork's header read and the templates resolved once, for every run."""
    runs = _plan(modes, workers, [False])
    if not runs:
        return []
    first = plan_render(artwork, RenderOptions(templates=templates), library)
    return [
        PlannedRun(
            mode,
            count,
            first.replanned(mode=mode, workers=count).estimate.peak_bytes,
            budget_bytes,
        )
        for mode, count, _ in runs
    ]


def check_comparison(planned: Sequence[PlannedRun]) -> None:
    """`JobRefused`, one line naming each run over the budget, when any is."""
    over = [run.why_not() for run in planned if not run.fits]
    if over:
        raise JobRefused(f"refused before rendering: {'; '.join(over)}")


@dataclass(frozen=True)
class Verdict:
    """Which run to use: the fastest whose peak RSS stayed within the memory budget, and what it
    is measured against (the plain sequential run, else the next fastest within the budget)."""

    budget_bytes: int
    fastest: ModeComparison | None
    baseline: ModeComparison | None
    faster_over_budget: tuple[ModeComparison, ...]
    smallest_peak: ModeComparison | None
    measured: int

    def sentence(self) -> str:
        budget = f"the {self.budget_bytes / MIB:.0f} MB budget"
        fastest = self.fastest
        if fastest is None:
            smallest = self.smallest_peak
            if smallest is None:
                return "Nothing measured yet."
            return (
                f"No run stayed within {budget}; the smallest peak was "
                f"{row_label(smallest)}'s {smallest.peak_rss_bytes / MIB:.0f} MB."
            )
        text = (
            f"Fastest within {budget}: {row_label(fastest)}, {fastest.wall_seconds:.1f} s "
            f"at a {fastest.peak_rss_bytes / MIB:.0f} MB peak"
        )
        text += self._against() + "."
        for row in self.faster_over_budget:
            text += (
                f" {row_label(row)} was faster ({row.wall_seconds:.1f} s) but peaked at "
                f"{row.peak_rss_bytes / MIB:.0f} MB, over the budget."
            )
        return text

    def _against(self) -> str:
        fastest, baseline = self.fastest, self.baseline
        if fastest is None or baseline is None:
            return ", the only run measured" if self.measured == 1 else ", the only one within it"
        saved = baseline.wall_seconds - fastest.wall_seconds
        share = saved / baseline.wall_seconds if baseline.wall_seconds > 0 else 0.0
        than = f"{row_label(baseline)} ({baseline.wall_seconds:.1f} s)"
        if share < TIE_SHARE:
            return f", about as fast as {than}"
        return f", {saved:.1f} s ({share:.0%}) faster than {than}"


def verdict(rows: Sequence[ModeComparison], budget_bytes: int) -> Verdict:
    """The fastest run within `budget_bytes` of peak RSS, and by how much it wins."""
    within = [r for r in rows if r.peak_rss_bytes <= budget_bytes]
    smallest = min(rows, key=lambda r: r.peak_rss_bytes, default=None)
    if not within:
        return Verdict(budget_bytes, None, None, (), smallest, len(rows))
    fastest = min(within, key=lambda r: r.wall_seconds)
    others = sorted((r for r in within if r is not fastest), key=lambda r: r.wall_seconds)
    sequential = [r for r in others if r.mode == "sequential" and not r.release_memory]
    baseline = next(iter(sequential or others), None)
    over = tuple(
        r for r in rows if r.peak_rss_bytes > budget_bytes and r.wall_seconds < fastest.wall_seconds
    )
    return Verdict(budget_bytes, fastest, baseline, over, smallest, len(rows))


def compare_modes(
    artwork: Path | str,
    out_dir: Path | str,
    modes: Iterable[str] = CONCRETE_MODES,
    workers: Iterable[int] = (2,),
    templates: str | Sequence[str] = "all",
    release_memory: Iterable[bool] = (False,),
    started: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[ModeComparison]:
    """Profile each mode (sequential once, the others once per worker count) and compare.

    `started(label)` as each run starts, `progress(label, done, total)` as each of its
    mockups lands (in the caller's thread), `label` being the run's folder name."""
    out = Path(out_dir)
    runs = []
    for mode, count, release in _plan(modes, workers, release_memory):
        label = run_label(mode, count, release)
        if started is not None:
            started(label)
        options = RenderOptions(
            templates=templates, mode=mode, workers=count, release_memory=release
        )
        landed = None
        if progress is not None:
            landed = _reporting(progress, label)
        runs.append(profile_run(artwork, out / label, options=options, progress=landed))
    digests = [_image_digests(Path(run.summary.out_dir)) for run in runs]
    identical = all(d == digests[0] for d in digests)
    rows = [ModeComparison.from_profile(run.summary, identical) for run in runs]
    (out / COMPARE_FILE).write_text(json.dumps([asdict(row) for row in rows], indent=2))
    return rows


def _reporting(progress: Callable[[str, int, int], None], label: str) -> Progress:
    return lambda done, total, _result: progress(label, done, total)


def format_comparison(rows: list[ModeComparison]) -> str:
    headers = ["run", "wall s", "peak RSS MB", "heap peak MB", "allocated MB", "RSS after MB"]
    table = [
        [
            run_label(r.mode, r.workers, r.release_memory),
            f"{r.wall_seconds:.2f}",
            f"{r.peak_rss_bytes / MIB:.1f}",
            f"{r.heap_peak_bytes / MIB:.1f}" + ("" if r.heap_peak_exact else "*"),
            f"{r.allocated_bytes / MIB:.0f}",
            f"{r.rss_after_bytes / MIB:.1f}",
        ]
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [headers, *table]) for i in range(len(headers))]
    lines = [_line(row, widths) for row in [headers, ["-" * w for w in widths], *table]]
    identical = rows and rows[0].identical_outputs
    lines.append(f"images byte-identical across runs: {'yes' if identical else 'NO'}")
    if not all(r.heap_peak_exact for r in rows):
        lines.append(
            "* processes: parent and task heaps added up at 5 ms snapshots; the workers' "
            "copies of the working image, loaded before their first task, are not in it"
        )
    lines.append(
        "peak RSS: the engine's 10 ms sampler (parent plus workers in processes mode); "
        "RSS after: each rendering process right after its last mockup, added up"
    )
    return "\n".join(lines)


def _line(cells: list[str], widths: list[int]) -> str:
    rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
    return "  ".join([cells[0].ljust(widths[0]), *rest])


def _plan(
    modes: Iterable[str], workers: Iterable[int], release_memory: Iterable[bool]
) -> list[tuple[str, int, bool]]:
    counts, releases = list(workers), list(release_memory)
    return [
        (mode, count, release)
        for mode in modes
        for count in ([1] if mode == "sequential" else counts)
        for release in releases
    ]


def _image_digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*.jpg"))
    }
