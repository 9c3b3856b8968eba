"""What pages read from disk, cached per server (`st.cache_data`) and keyed on each file's path
and modification time: a rerun reads nothing again, a changed file is read afresh.

Only small, plain results are cached (run records, tables of figures), never images or bytes.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pandas
import streamlit as st

from dashboard.text import shown_message
from mockups.runs.base import StoreError
from mockups.runs.catalogue import RunSummary, list_runs, refresh_runs, runs_dir
from mockups.runs.folder import RUN_FILE, RunResult, read_run
from profiling.compare import COMPARE_FILE, ModeComparison
from profiling.history import compare_runs, load_comparison
from profiling.profile_folder import SUMMARY_FILE, load_run, profile_dir
from profiling.results import ProfiledRun

ENTRIES = 64
LOG = logging.getLogger("mockuplab.dashboard")

Stamp = int | None


def run_result(folder: Path | str) -> RunResult:
    """`read_run(folder)`, read once per change of its run.json."""
    return _run_result(str(folder), _stamp(Path(folder) / RUN_FILE))


def run_summaries() -> list[RunSummary]:
    """`list_runs()`, read again only when a run is added, removed or rewritten (in the runs
    store first: its finished runs are copied into the local runs folder). A store out of
    reach is one warning; the runs copied here before are still listed."""
    try:
        refresh_runs()
    except StoreError as error:
        LOG.warning("cannot read the runs store: %s", error)
        st.warning(f"Showing the runs copied here before: {shown_message(str(error))}")
    root = runs_dir()
    return _run_summaries(str(root), _runs_signature(root))


def profiled_run(folder: Path | str) -> ProfiledRun:
    """The run's memory profile (`profiling.load_run`), read once per change of its summary."""
    return _profiled_run(str(folder), _stamp(profile_dir(folder) / SUMMARY_FILE))


def comparison(folder: Path | str) -> list[ModeComparison] | None:
    """The mode comparison stored in `folder`, if any."""
    return _comparison(str(folder), _stamp(Path(folder) / COMPARE_FILE))


def runs_compared(before: Path | str, after: Path | str) -> pandas.DataFrame:
    """Two profiled runs side by side per mockup (`profiling.history.compare_runs`)."""
    stamps = (_stamp(profile_dir(before) / SUMMARY_FILE), _stamp(profile_dir(after) / SUMMARY_FILE))
    return _runs_compared(str(before), str(after), stamps)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def _run_result(folder: str, stamp: Stamp) -> RunResult:
    return read_run(folder)


@st.cache_data(max_entries=8, show_spinner=False)
def _run_summaries(root: str, signature: tuple) -> list[RunSummary]:
    return list_runs(Path(root))


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def _profiled_run(folder: str, stamp: Stamp) -> ProfiledRun:
    return load_run(folder)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def _comparison(folder: str, stamp: Stamp) -> list[ModeComparison] | None:
    return load_comparison(folder)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def _runs_compared(before: str, after: str, stamps: tuple) -> pandas.DataFrame:
    return compare_runs(before, after)


def _stamp(path: Path) -> Stamp:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _runs_signature(root: Path) -> tuple:
    """Each run folder's name and its run.json's change time: what the run list depends on."""
    try:
        folders = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError:
        return ()
    return tuple((entry.name, _stamp(Path(entry.path) / RUN_FILE)) for entry in folders)
