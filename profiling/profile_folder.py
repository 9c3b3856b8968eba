"""The on-disk profile of a run, beside its memray captures in DIR/profile/ (format 1).

    summary.json   RunProfile's fields, plus "format": 1 and "tables" (the file of each table)
    mockups.csv    one row per mockup: MockupProfile's fields, in that order
    timeline.csv   one row per memory snapshot: TimelinePoint's fields
    sites.csv      top allocation sites: AllocationSite's fields; `stack` is a JSON list of
                   "function path:line", innermost frame first
    run.bin        memray capture of the rendering process (the parent in processes mode)
    NN-<id>.bin    processes mode: memray capture of mockup NN, taken in its worker

Bytes are bytes, times are seconds since `started_unix`, booleans are True/False. Columns
may be added at the end of a table within format 1; none is renamed or removed.
Rendering with --profile also adds each mockup's heap figures to run.json, in its `profile`
block (`profiling.figures`), with the site holding the most at its peak and, when its leak
stands out (`profiling.leaks`), why.
"""

from __future__ import annotations

import csv
import json
import typing
from dataclasses import asdict, fields
from pathlib import Path

from mockups.errors import RenderError
from mockups.runs.folder import atomic_file, read_run, write_atomically, write_run
from profiling.figures import MockupFigures
from profiling.results import MockupProfile, ProfiledRun, RunProfile, TimelinePoint
from profiling.sites import AllocationSite

FORMAT = 1
PROFILE_DIR = "profile"
SUMMARY_FILE = "summary.json"
TABLES = {"mockups": "mockups.csv", "timeline": "timeline.csv", "sites": "sites.csv"}
RUN_JSON_FIELDS = (
    "heap_peak_bytes",
    "allocated_bytes",
    "allocations",
    "leaked_bytes",
    "one_time_bytes",
    "rss_peak_bytes",
    "heap_exact",
    "rss_exact",
)


def profile_dir(out_dir: Path | str) -> Path:
    return Path(out_dir) / PROFILE_DIR


def write_profile(out_dir: Path | str, profiled: ProfiledRun) -> None:
    folder = profile_dir(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _write_table(folder / TABLES["mockups"], profiled.mockups, MockupProfile)
    _write_table(folder / TABLES["timeline"], profiled.points, TimelinePoint)
    _write_table(folder / TABLES["sites"], profiled.site_rows, AllocationSite)
    summary = {"format": FORMAT, **asdict(profiled.summary), "tables": TABLES}
    write_atomically(folder / SUMMARY_FILE, json.dumps(summary, indent=2).encode())


def load_run(out_dir: Path | str) -> ProfiledRun:
    """A profiled run read back from disk, without rendering anything."""
    folder = profile_dir(out_dir)
    try:
        summary = json.loads((folder / SUMMARY_FILE).read_text())
    except FileNotFoundError:
        raise RenderError(f"{folder}: no {SUMMARY_FILE}; was the run profiled?") from None
    if summary.get("format") != FORMAT:
        raise RenderError(f"{folder / SUMMARY_FILE}: format {summary.get('format')}, not {FORMAT}")
    tables = summary["tables"]
    known = {f.name for f in fields(RunProfile)}
    return ProfiledRun(
        summary=RunProfile(**{k: v for k, v in summary.items() if k in known}),
        mockups=_read_table(folder / tables["mockups"], MockupProfile),
        points=_read_table(folder / tables["timeline"], TimelinePoint),
        site_rows=_read_table(folder / tables["sites"], AllocationSite),
    )


def add_heap_figures_to_run_json(out_dir: Path | str, profiled: ProfiledRun) -> None:
    from profiling.leaks import standout_leaks

    run = read_run(out_dir)
    by_index = {m.index: m for m in profiled.mockups}
    top_sites = {}
    for site in profiled.site_rows:
        if site.kind == "peak" and site.index not in top_sites:
            top_sites[site.index] = site
    reasons = {suspect.index: suspect.reason for suspect in standout_leaks(profiled)}
    run.mockups = [
        MockupFigures(
            **{name: getattr(by_index[entry.index], name) for name in RUN_JSON_FIELDS},
            top_site=_site_field(top_sites.get(entry.index), "location"),
            top_site_function=_site_field(top_sites.get(entry.index), "function"),
            leak_reason=reasons.get(entry.index),
        ).on(entry)
        for entry in run.mockups
    ]
    run.profile = f"{PROFILE_DIR}/{SUMMARY_FILE}"
    run.heap_peak_bytes = profiled.summary.heap_peak_bytes
    write_run(out_dir, run)


def _site_field(site: AllocationSite | None, name: str) -> str | None:
    return None if site is None else getattr(site, name)


def _write_table(path: Path, rows: list, row_type: type) -> None:
    names = [f.name for f in fields(row_type)]
    with atomic_file(path) as partial, partial.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(names)
        for row in rows:
            writer.writerow([_cell(getattr(row, name)) for name in names])


def _read_table(path: Path, row_type: type) -> list:
    types = typing.get_type_hints(row_type)
    with path.open(newline="") as file:
        return [
            row_type(**{name: _parse(record[name], kind) for name, kind in types.items()})
            for record in csv.DictReader(file)
        ]


def _cell(value: object) -> object:
    return json.dumps(list(value)) if isinstance(value, tuple) else value


def _parse(text: str, kind: object) -> object:
    if kind is bool:
        return text == "True"
    if kind in (int, float, str):
        return kind(text)
    return tuple(json.loads(text))
