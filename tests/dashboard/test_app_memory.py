"""The Memory page through Streamlit's AppTest, on a real profiled run (threads, a planted leak
on the mug) and a plain one: what it says, names, hides and draws."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from profiling.report import INLINE_SUFFIX
from tests.app_helpers import APP
from tests.memory_runs import PLANTED_INDEX, MemoryRuns, make_runs

NAMES = [
    "01 · Poster taped to a wall",
    "02 · Ceramic mug on a table",
    "03 · Stretched canvas, wrapped edges",
    "04 · Tote bag hanging on a peg",
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> MemoryRuns:
    scratch = tmp_path_factory.mktemp("memory-runs")
    return make_runs(scratch / "home", scratch)


@pytest.fixture
def memory_page(runs, monkeypatch):
    """Opens the Memory page, at `run` (a link's ?run=) or the session's current run."""
    monkeypatch.setenv("MOCKUPLAB_HOME", str(runs.home))

    def opened(
        run: Path | None = None, mockup: int | None = None, current: Path | None = None
    ) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        if current is not None:
            at.session_state["current_run"] = str(current)
        at.switch_page("pages/memory.py")
        if run is not None:
            at.query_params["run"] = run.name
        if mockup is not None:
            at.query_params["mockup"] = str(mockup)
        at.run()
        assert not at.exception and not at.error
        return at

    return opened


def selectbox(at: AppTest, label: str):
    return next(box for box in at.selectbox if box.label == label)


def chart_spec(at: AppTest, position: int) -> dict:
    return json.loads(at.get("plotly_chart")[position].proto.spec)


def test_the_sessions_unprofiled_run_is_said_to_be_one_and_no_other_run_shown(memory_page, runs):
    at = memory_page(current=runs.plain)
    (notice,) = at.warning
    assert "was not profiled" in notice.value
    assert "before the first mockup started" in notice.value
    picker = selectbox(at, "Profiled run")
    assert picker.value is None, "nothing chosen in its place"
    assert len(picker.options) == 1, "the profiled run is there to choose"
    assert not at.metric, "no profiled run's figures in its place"
    (chart,) = at.get("plotly_chart")  # its own RSS after each mockup, from run.json
    rss, heap = json.loads(chart.proto.spec)["data"]
    assert rss["name"] == "RSS" and heap["name"] == "heap in use (glibc)"
    assert len(rss["y"]) == 4 and at.table[0].value.shape[0] == 4


def test_a_linked_unprofiled_run_is_said_to_be_one_too(memory_page, runs):
    at = memory_page(run=runs.plain)
    assert "was not profiled" in at.warning[0].value
    assert selectbox(at, "Profiled run").value is None


def test_with_no_run_opened_the_newest_profiled_run_is_shown_without_a_notice(memory_page, runs):
    at = memory_page()
    assert not at.warning
    assert selectbox(at, "Profiled run").value == runs.profiled
    assert len(at.get("plotly_chart")) == 2


def test_the_page_explains_heap_and_rss_in_two_lines_and_names_the_leak_to_look_at(
    memory_page, runs
):
    at = memory_page(run=runs.profiled)
    first, second = (m.value for m in at.markdown[:2])
    assert first.startswith("**Heap** is the memory the code holds right now")
    assert "**RSS**" in first
    assert second.startswith("**Next:** mockup 02 (Ceramic mug on a table) still held")
    (more,) = [e for e in at.expander if e.label.startswith("More")]
    deeper = " ".join(m.value for m in more.markdown)
    assert "dashboard's server process" in deeper and "one at a time" in deeper


def test_mockups_are_named_by_template_and_leaked_bytes_are_still_held_at_the_end(
    memory_page, runs
):
    at = memory_page(run=runs.profiled, mockup=PLANTED_INDEX)
    mockup = selectbox(at, "Mockup")
    assert mockup.options == NAMES
    assert mockup.value == PLANTED_INDEX
    at_radio = next(r for r in at.radio if r.label == "At")
    assert at_radio.options == ["at its peak", "still held at the end"]
    assert at_radio.value == "leaked"
    table = at.dataframe[0].value
    assert list(table["mockup"]) == NAMES
    assert "still held at the end" in table.columns and "leaked_bytes" not in table.columns


def test_the_peak_chart_holds_no_running_total_and_only_the_standout_is_red(memory_page, runs):
    at = memory_page(run=runs.profiled)
    bars = chart_spec(at, 0)["data"]
    assert [trace["name"] for trace in bars] == ["peak heap", "still held at the end"]
    colours = bars[1]["marker"]["color"]
    red = [i for i, colour in enumerate(colours, start=1) if colour == "#d62728"]
    assert red == [PLANTED_INDEX]


def test_threads_mockups_get_lanes_of_their_own_under_a_budget_line(memory_page, runs, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "300")
    at = memory_page(run=runs.profiled)
    spec = chart_spec(at, 1)
    (lanes,) = [trace for trace in spec["data"] if trace.get("orientation") == "h"]
    assert lanes["y"] == [name.replace(" · ", " ") for name in NAMES], "one lane each"
    budget = [s for s in spec["layout"]["shapes"] if s["y0"] == s["y1"] == 300]
    assert len(budget) == 1


def test_the_detail_opens_on_the_mockup_the_next_line_names(memory_page, runs):
    at = memory_page(run=runs.profiled)
    next_line = next(m.value for m in at.markdown if m.value.startswith("**Next:**"))
    assert next_line.startswith(f"**Next:** mockup {PLANTED_INDEX:02d} ")
    assert selectbox(at, "Mockup").value == PLANTED_INDEX
    assert next(r for r in at.radio if r.label == "At").value == "leaked"


def test_sites_show_project_paths_and_hide_those_under_a_tenth_of_a_megabyte(memory_page, runs):
    """At the peak and among what was held at the end; which of them has sites under 0.1 MB
    (strips, tables, caches) depends on when each mockup's heap peaked, so both are looked at."""
    at = memory_page(run=runs.profiled)
    root = str(Path(APP).parent)
    hiding = None  # a view whose sites under 0.1 MB are hidden until asked for
    for kind in ("peak", "leaked"):
        next(r for r in at.radio if r.label == "At").set_value(kind).run()
        for index in range(1, len(NAMES) + 1):
            selectbox(at, "Mockup").set_value(index).run()
            sites = _site_labels(at)
            assert all(root not in label and "site-packages" not in label for label in sites)
            assert all(_megabytes(label) >= 0.1 for label in sites)
            if kind == "peak":
                assert any("mockups/" in label for label in sites), "our files, to the project"
            toggles = [t for t in at.toggle if t.label.startswith("Show all")]
            if toggles and hiding is None:
                hiding = (kind, index, len(sites))
                toggles[0].set_value(True).run()
                every = _site_labels(at)
                assert len(every) > len(sites) and any(_megabytes(label) < 0.1 for label in every)
                assert all(root not in label for label in every)
                toggles[0].set_value(False).run()
    assert hiding is not None, "some mockup has sites under 0.1 MB, hidden at first"


def _site_labels(at: AppTest) -> list[str]:
    return [_unescaped(e.label) for e in at.expander if " · " in e.label]


def test_a_flame_graph_is_written_once_on_demand_and_shown_in_the_page(memory_page, runs):
    at = memory_page(run=runs.profiled, mockup=PLANTED_INDEX)
    folder = runs.profiled / "profile"
    for old in folder.glob(f"*{INLINE_SUFFIX}"):
        old.unlink()
    assert not at.get("iframe"), "nothing written or sent before it is asked for"
    at.toggle(key="show-flame-graph").set_value(True).run()
    assert not at.exception and not at.error
    (written,) = folder.glob(f"*{INLINE_SUFFIX}")
    assert written.name == "memray-flamegraph-02-mug.inline.html"
    html = at.get("iframe")[0].proto.srcdoc
    assert "memray" in html and "cdn.jsdelivr.net" not in html, "works without the internet"
    stamp = written.stat().st_mtime_ns
    at.run()
    assert written.stat().st_mtime_ns == stamp, "read from disk the second time"


def _unescaped(label: str) -> str:
    """A label as the page shows it (without as_text's escapes and word joiners)."""
    return label.replace("\u2060", "").replace("\\", "")


def _megabytes(label: str) -> float:
    size, unit = label.split(" · ")[0].split()
    return float(size) / (1 if unit == "MB" else 1024)


def test_a_kept_flame_graph_is_written_again_only_after_the_run_is_profiled_again(runs):
    def written() -> Path:
        command = [sys.executable, "-m", "profiling.report", str(runs.profiled), "3"]
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        return Path(done.stdout.strip())

    first = written()
    assert first.name == "memray-flamegraph-03-canvas.inline.html"
    stamp = first.stat().st_mtime_ns
    assert written().stat().st_mtime_ns == stamp, "a new server reads the kept file"
    summary = runs.profiled / "profile" / "summary.json"
    kept = summary.stat()
    os.utime(summary, ns=(kept.st_atime_ns, stamp + 1_000_000_000))
    try:
        assert written().stat().st_mtime_ns > stamp, "a profile newer than the graph"
    finally:
        os.utime(summary, ns=(kept.st_atime_ns, kept.st_mtime_ns))


def test_a_mockup_the_profile_does_not_have_is_one_line_and_exit_status_2(runs):
    command = [sys.executable, "-m", "profiling.report", str(runs.profiled), "9"]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr == "error: the profile has no mockup 9\n"
