"""Earlier runs read back: two profiled runs side by side, and a stored mode comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pandas

from profiling.compare import COMPARE_FILE, ModeComparison
from profiling.profile_folder import load_run

COMPARED = ("heap_peak_bytes", "leaked_bytes", "allocated_bytes", "seconds")


def compare_runs(before: Path | str, after: Path | str) -> pandas.DataFrame:
    """Per mockup, matched by template (a template's second mockup with its second, and so
    on), not by position: a run with one template more or less pairs the rest all the same.
    Each figure before, after and the change; `index` is the mockup's number in After, or in
    Before for one After lacks. A mockup present in one run only has empty cells (NaN) on the
    other side, and no change.
    """
    joined = _numbered(load_run(before).frame).merge(
        _numbered(load_run(after).frame),
        on=["template", "repeat"],
        how="outer",
        suffixes=(" before", " after"),
    )
    for column in COMPARED:
        joined[f"{column} change"] = joined[f"{column} after"] - joined[f"{column} before"]
    joined["index"] = joined["index after"].fillna(joined["index before"]).astype(int)
    joined["only before"] = joined["index after"].isna()
    ordered = [f"{c} {side}" for c in COMPARED for side in ("before", "after", "change")]
    joined = joined.sort_values(["index", "only before"], kind="stable")
    return joined[["index", "template", *ordered]].reset_index(drop=True)


def _numbered(frame: pandas.DataFrame) -> pandas.DataFrame:
    """The run's mockups with `repeat`: 0 for a template's first mockup, 1 for its second..."""
    mockups = frame[["index", "template", *COMPARED]].copy()
    mockups["repeat"] = mockups.groupby("template").cumcount()
    return mockups


def load_comparison(out_dir: Path | str) -> list[ModeComparison] | None:
    """The rows `compare_modes` wrote into `out_dir`, or None if it holds no comparison."""
    path = Path(out_dir) / COMPARE_FILE
    if not path.is_file():
        return None
    return [ModeComparison(**row) for row in json.loads(path.read_text())]
