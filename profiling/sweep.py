"""The mode comparison over several artworks and worker counts, as one tidy table.

Each artwork gets its own `compare_modes` (DIR/<artwork stem>/compare.json and its runs), so
the dashboard's comparison view opens any of them; `load_sweep` reads them all back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy
import pandas

from mockups.options import CONCRETE_MODES
from mockups.runs.folder import read_run
from profiling.compare import compare_modes, run_label
from profiling.history import load_comparison

# What the team's first version did: `Promise.all` over the ten mockups of a listing.
ALL_AT_ONCE = 10
SWEEP_COLUMNS = [
    "artwork",
    "artwork_pixels",
    "mode",
    "workers",
    "run",
    "wall_seconds",
    "peak_rss_bytes",
    "heap_peak_bytes",
    "heap_peak_exact",
    "allocated_bytes",
    "rss_after_bytes",
    "identical_outputs",
    "out_dir",
]


def sweep_modes(
    artworks: Sequence[Path | str],
    out_dir: Path | str,
    workers: Sequence[int] = (1, 2, 4),
    templates: str | list[str] = "all",
    modes: Sequence[str] = CONCRETE_MODES,
    started: Callable[[str], None] | None = None,
) -> pandas.DataFrame:
    """Profile every mode on every artwork (sequential once, the others per worker count).

    One row per profiled run, columns `SWEEP_COLUMNS`; `artwork` is the artwork's "WxH".
    """
    stems = [Path(artwork).stem for artwork in artworks]
    if len(set(stems)) != len(stems):
        raise ValueError(f"artworks need distinct file names, not {', '.join(stems)}")
    out = Path(out_dir)
    for artwork, stem in zip(artworks, stems, strict=True):

        def announce(label: str, stem: str = stem) -> None:
            if started is not None:
                started(f"{stem} {label}")

        compare_modes(artwork, out / stem, modes, workers, templates, started=announce)
    return load_sweep(out)


def load_sweep(out_dir: Path | str) -> pandas.DataFrame:
    """The table `sweep_modes` returned, read back from its folder; smallest artwork first."""
    rows = []
    for folder in sorted(Path(out_dir).iterdir()):
        comparison = load_comparison(folder) if folder.is_dir() else None
        for row in comparison or []:
            width, height = _decoded_size(Path(row.out_dir))
            rows.append(
                {
                    **asdict(row),
                    "artwork": f"{width}x{height}",
                    "artwork_pixels": width * height,
                    "run": run_label(row.mode, row.workers, row.release_memory),
                }
            )
    frame = pandas.DataFrame(rows, columns=SWEEP_COLUMNS)
    frame = frame.sort_values(["artwork_pixels", "mode", "workers"], key=_mode_order)
    return frame.reset_index(drop=True)


def memory_growth(frame: pandas.DataFrame, at_once: int = ALL_AT_ONCE) -> pandas.DataFrame:
    """How peak RSS grows with the worker count, per artwork and mode, and where it would be
    with `at_once` mockups rendering together.

    A straight line fitted through each (workers, peak RSS) series of two or more worker
    counts: `base_bytes` + `bytes_per_worker` x workers. Sequential has one worker only.
    """
    rows = []
    for (artwork, mode), runs in frame.groupby(["artwork", "mode"], sort=False):
        if runs["workers"].nunique() < 2:
            continue
        slope, intercept = numpy.polyfit(runs["workers"], runs["peak_rss_bytes"], deg=1)
        rows.append(
            {
                "artwork": artwork,
                "mode": mode,
                "base_bytes": int(intercept),
                "bytes_per_worker": int(slope),
                "at_once": at_once,
                "projected_peak_bytes": int(intercept + slope * at_once),
            }
        )
    columns = [
        "artwork", "mode", "base_bytes", "bytes_per_worker", "at_once", "projected_peak_bytes",
    ]  # fmt: skip
    return pandas.DataFrame(rows, columns=columns)


def _decoded_size(run_dir: Path) -> tuple[int, int]:
    artwork = read_run(run_dir).artwork
    return artwork.width, artwork.height


def _mode_order(column: pandas.Series) -> pandas.Series:
    if column.name == "mode":
        return column.map({mode: position for position, mode in enumerate(CONCRETE_MODES)})
    return column
