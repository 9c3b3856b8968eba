"""What pages do to a run beyond showing it: open its artwork, name its files, keep what a
comparison added, delete it; through the runs catalogue (and its store)."""

from __future__ import annotations

from pathlib import Path

from dashboard import cached
from mockups.runs.catalogue import delete_run, keep_run_files, run_artwork
from mockups.runs.folder import mockup_path
from profiling.compare import COMPARE_FILE

COMPARE_DIR = "compare"


def artwork_of(run_dir: Path) -> Path:
    """The run's artwork as a local file (fetched from the runs store if need be)."""
    return run_artwork(run_dir, cached.run_result(run_dir))


def file_of(run_dir: Path, name: str) -> Path:
    """A file the run wrote (a mockup, a thumbnail); refuses a name leading out of the run."""
    return mockup_path(run_dir, name)


def comparison_dir(run_dir: Path) -> Path:
    """Where the Compare page renders the run's artwork in each mode, and keeps the table."""
    return run_dir / COMPARE_DIR


def keep_comparison(run_dir: Path) -> None:
    """Store the mode comparison the Compare page just wrote into the run."""
    keep_run_files(run_dir, [f"{COMPARE_DIR}/{COMPARE_FILE}"])


def delete(run_dir: Path) -> None:
    """The run gone from the runs store and from disk, for good."""
    delete_run(run_dir)
