"""Earlier runs read back: two profiled runs side by side, and a stored mode comparison."""

from __future__ import annotations

import json
from pathlib import Path

import pandas

from profiling.compare import COMPARE_FILE, ModeComparison
from profiling.profile_folder import load_run

COMPARED = ("heap_peak_bytes", "leaked_bytes", "allocated_bytes", "seconds")


def compare_runs(before: Path | str, after: Path | str) -> pandas.DataFrame:
    """Per mockup (matched by index and template): each figure before, after and the change.

    A mockup present in one run only has empty cells on the other side.
    """
    key = ["index", "template"]
    left = load_run(before).frame[[*key, *COMPARED]]
    right = load_run(after).frame[[*key, *COMPARED]]
    joined = left.merge(right, on=key, how="outer", suffixes=(" before", " after"))
    for column in COMPARED:
        joined[f"{column} change"] = joined[f"{column} after"] - joined[f"{column} before"]
    ordered = [f"{c} {side}" for c in COMPARED for side in ("before", "after", "change")]
    return joined[[*key, *ordered]].sort_values(key).reset_index(drop=True)


def load_comparison(out_dir: Path | str) -> list[ModeComparison] | None:
    """The rows `compare_modes` wrote into `out_dir`, or None if it holds no comparison."""
    path = Path(out_dir) / COMPARE_FILE
    if not path.is_file():
        return None
    return [ModeComparison(**row) for row in json.loads(path.read_text())]
