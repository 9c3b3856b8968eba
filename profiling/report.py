"""Reports on a profiled run: memray flame graphs beside the captures, and a text table.

memray is imported only to write a flame graph: the dashboard imports this module for the
files' names and writes its flame graphs in a child process (`main`).

Each mockup's flame graph is memray's own reporter fed with the blocks that mockup had alive
at its peak (the same replay as its figures); the run's is `python -m memray flamegraph` on
the run's capture, so it shows the whole process at its peak (in processes mode, the parent).
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mockups.errors import MockupLabError, RenderError, first_line
from mockups.memory import MIB
from mockups.runs.folder import atomic_file
from profiling.capture import RUN_CAPTURE, file_slug
from profiling.profile_folder import SUMMARY_FILE, load_run, profile_dir
from profiling.results import HEAP_VERSUS_RSS, MockupProfile, ProfiledRun

if TYPE_CHECKING:
    from memray import AllocationRecord, MemorySnapshot, Metadata

    PeakRecords = tuple[Metadata, list[MemorySnapshot], dict[int, list[AllocationRecord]]]

RUN_FLAMEGRAPH = "memray-flamegraph-run.html"
# What a page embeds: scripts inlined (memray's --no-web), so it shows without the internet.
INLINE_SUFFIX = ".inline.html"
REPORTED_LEAK_BYTES = 64 * 1024


def flamegraph_name(mockup: MockupProfile) -> str:
    return f"memray-flamegraph-{mockup.index:02d}-{file_slug(mockup.template)}.html"


def write_flamegraphs(out_dir: Path | str, no_web: bool = False) -> list[Path]:
    """One flame graph per mockup at its peak, and one of the run; returns their paths."""
    from profiling.replay import mockup_peak_records

    folder = profile_dir(out_dir)
    profiled = load_run(out_dir)
    written = []
    for capture, mockups in _by_capture(profiled.mockups).items():
        peaks = mockup_peak_records(folder / capture)
        for mockup in mockups:
            path = folder / flamegraph_name(mockup)
            _write_mockup_flamegraph(path, profiled, mockup, peaks, no_web)
            written.append(path)
    written.append(_run_flamegraph(folder, folder / RUN_FLAMEGRAPH, no_web))
    return written


def inline_flamegraph_path(out_dir: Path | str, mockup: MockupProfile | None) -> Path:
    """Where the self-contained flame graph of `mockup` (None: the run's) is kept."""
    name = RUN_FLAMEGRAPH if mockup is None else flamegraph_name(mockup)
    return profile_dir(out_dir) / name.replace(".html", INLINE_SUFFIX)


def write_inline_flamegraph(out_dir: Path | str, index: int | None) -> Path:
    """Only the one flame graph a page shows: mockup `index` at its peak, or the run (None),
    with its scripts inlined. Kept: written again only when the run was profiled again since;
    written through a temporary file, so a reader never sees half of one."""
    from profiling.replay import mockup_peak_records

    folder = profile_dir(out_dir)
    profiled = load_run(out_dir)
    mockup = None if index is None else _mockup(profiled, index)
    path = inline_flamegraph_path(out_dir, mockup)
    if _newer(path, folder / SUMMARY_FILE):
        return path
    with atomic_file(path) as partial:
        if mockup is None:
            _run_flamegraph(folder, partial, no_web=True)
        else:
            peaks = mockup_peak_records(folder / mockup.capture)
            _write_mockup_flamegraph(partial, profiled, mockup, peaks, no_web=True)
    return path


def _newer(path: Path, than: Path) -> bool:
    try:
        return path.stat().st_mtime_ns >= than.stat().st_mtime_ns
    except OSError:
        return False


def _by_capture(mockups: list[MockupProfile]) -> dict[str, list[MockupProfile]]:
    by_capture: dict[str, list[MockupProfile]] = {}
    for mockup in mockups:
        by_capture.setdefault(mockup.capture, []).append(mockup)
    return by_capture


def _mockup(profiled: ProfiledRun, index: int) -> MockupProfile:
    found = next((m for m in profiled.mockups if m.index == index), None)
    if found is None:
        raise RenderError(f"the profile has no mockup {index}")
    return found


def _write_mockup_flamegraph(
    path: Path, profiled: ProfiledRun, mockup: MockupProfile, peaks: PeakRecords, no_web: bool
) -> None:
    from memray.reporters.flamegraph import FlameGraphReporter

    metadata, snapshots, records = peaks
    origin = profiled.summary.started_unix
    start = (origin + mockup.started_seconds) * 1000
    end = (origin + mockup.finished_seconds) * 1000
    reporter = FlameGraphReporter.from_snapshot(
        records.get(mockup.index, []),
        memory_records=[s for s in snapshots if start <= s.time <= end] or snapshots,
        native_traces=False,
    )
    own = dataclasses.replace(
        metadata, peak_memory=mockup.heap_peak_bytes, total_allocations=mockup.allocations
    )
    with path.open("w") as file:
        reporter.render(
            file, own, show_memory_leaks=False, merge_threads=True, inverted=False, no_web=no_web
        )


def _run_flamegraph(folder: Path, path: Path, no_web: bool) -> Path:
    command = [sys.executable, "-m", "memray", "flamegraph", "--force", "--output", str(path)]
    command += ["--no-web"] if no_web else []
    subprocess.run(
        [*command, str(folder / RUN_CAPTURE)], check=True, capture_output=True, text=True
    )
    return path


def main(argv: list[str]) -> int:
    """`python -m profiling.report RUN_DIR [MOCKUP]`: write one inline flame graph (the run's
    without MOCKUP) unless it is already there, and print its path. The dashboard runs it in a
    child process: replaying a capture, or memray itself, never weighs on the web server."""
    try:
        index = int(argv[1]) if len(argv) > 1 else None
        print(write_inline_flamegraph(argv[0], index))
    except MockupLabError as error:
        print(f"error: {error.args[0] if error.args else error}", file=sys.stderr)
        return 2
    except (OSError, ValueError, subprocess.CalledProcessError) as error:
        print(f"error: {first_line(error)}", file=sys.stderr)
        return 2
    return 0


def format_profile(profiled: ProfiledRun) -> str:
    """The per-mockup table (MB are 2^20 bytes) with what heap and RSS each mean."""
    s = profiled.summary
    lines = [
        f"{s.mode}, {s.workers} worker(s), release_memory={s.release_memory}: "
        f"{s.wall_seconds:.2f} s, heap peak {s.heap_peak_bytes / MIB:.1f} MB"
        + ("" if s.heap_peak_exact else " (summed over processes)")
        + f", peak RSS {s.peak_rss_bytes / MIB:.1f} MB, RSS after {s.rss_after_bytes / MIB:.1f} MB",
        f"{'#':>3}  {'template':<16} {'s':>6} {'heap peak':>9} {'allocated':>9} "
        f"{'held at end':>11} {'RSS before':>10} {'RSS peak':>9} {'RSS after':>9}",
    ]
    for m in profiled.mockups:
        lines.append(
            f"{m.index:>3}  {m.template:<16} {m.seconds:>6.2f} {m.heap_peak_bytes / MIB:>9.1f} "
            f"{m.allocated_bytes / MIB:>9.1f} {m.leaked_bytes / MIB:>11.2f} "
            f"{m.rss_before_bytes / MIB:>10.1f} {m.rss_peak_bytes / MIB:>9.1f} "
            f"{m.rss_after_bytes / MIB:>9.1f}" + ("" if m.rss_exact else " (RSS shared)")
        )
    leaks = [s for s in profiled.site_rows if s.kind == "leaked" and s.bytes >= REPORTED_LEAK_BYTES]
    for site in sorted(leaks, key=lambda site: -site.bytes)[:5]:
        lines.append(
            f"still held at the end of mockup {site.index}: {site.bytes / MIB:.2f} MB at "
            f"{site.location} ({site.function})"
        )
    lines.append(HEAP_VERSUS_RSS)
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
