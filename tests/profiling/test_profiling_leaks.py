"""Standout leaks: which mockups' leaked bytes stand out, and the sites and stacks behind them."""

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from mockups.memory import MIB
from mockups.options import RenderOptions
from profiling import MockupProfile, ProfiledRun, RunProfile, profile_in_process
from profiling.demo import leak_on, planting_location
from profiling.leaks import describe_suspects, short_location, standout_leaks, suspects_table
from profiling.notebook_charts import QUIET_COLOUR, STANDOUT_COLOUR, leaked_by_mockup
from profiling.sites import AllocationSite
from tests.conftest import gradient_artwork

KB = 1024
PLANTED_ON = "greeting-card"

MOCKUP = MockupProfile(
    index=1, template="poster", seconds=0.1, heap_peak_bytes=40 * MIB,
    allocated_bytes=80 * MIB, allocations=100, leaked_bytes=0, one_time_bytes=0,
    rss_before_bytes=50 * MIB, rss_peak_bytes=90 * MIB, rss_after_bytes=60 * MIB,
    started_seconds=0.0, finished_seconds=0.1, worker="1/MainThread", capture="run.bin",
    heap_exact=True, rss_exact=True,
)  # fmt: skip
SUMMARY = RunProfile(
    mode="sequential", workers=1, release_memory=False, out_dir="run", started_unix=0.0,
    wall_seconds=1.0, peak_rss_bytes=90 * MIB, heap_peak_bytes=40 * MIB, heap_peak_exact=True,
    allocated_bytes=80 * MIB, allocations=100, rss_after_bytes=60 * MIB,
)  # fmt: skip


def run_leaking(leaks: list[int], sites: Sequence[AllocationSite] = ()) -> ProfiledRun:
    profiles = [
        replace(MOCKUP, index=index, template=f"t{index}", leaked_bytes=leaked)
        for index, leaked in enumerate(leaks, start=1)
    ]
    return ProfiledRun(summary=SUMMARY, mockups=profiles, points=[], site_rows=list(sites))


def site(index: int, kind: str, size: int, line: int) -> AllocationSite:
    return AllocationSite(
        index=index, kind=kind, location=f"/src/code.py:{line}", function=f"f{line}",
        bytes=size, allocations=1, stack=(f"f{line} /src/code.py:{line}", "render_run x.py:1"),
    )  # fmt: skip


def indexes(suspects) -> list[int]:
    return [suspect.index for suspect in suspects]


def test_a_leak_over_the_threshold_stands_out_and_the_usual_few_kilobytes_do_not():
    suspects = standout_leaks(run_leaking([2 * KB, 0, 3 * KB, 5 * MIB, 18 * KB]))
    assert indexes(suspects) == [4]
    assert suspects[0].template == "t4"
    assert "threshold" in suspects[0].reason


def test_a_leak_far_above_the_median_stands_out_under_the_threshold_but_not_under_the_noise():
    run = run_leaking([2 * KB, 2 * KB, 2 * KB, 300 * KB, 40 * KB])
    suspects = standout_leaks(run)
    assert indexes(suspects) == [4]  # 40 kB is 20 times the median, but below 64 kB
    assert suspects[0].times_median == pytest.approx(150)
    assert "150 times the median" in suspects[0].reason
    assert indexes(standout_leaks(run, noise_bytes=16 * KB)) == [4, 5]
    assert indexes(standout_leaks(run, times_median=200)) == []


def test_every_mockup_stands_out_when_every_one_leaks_over_the_threshold():
    suspects = standout_leaks(run_leaking([3 * MIB, 2 * MIB, 4 * MIB]))
    assert indexes(suspects) == [3, 1, 2]  # the largest leak first


def test_a_leak_stands_out_when_the_median_mockup_leaked_nothing():
    suspects = standout_leaks(run_leaking([0, 0, 200 * KB]))
    assert indexes(suspects) == [3]
    assert "leaked nothing" in suspects[0].reason


def test_a_run_without_mockups_has_no_suspects():
    assert standout_leaks(run_leaking([])) == []
    assert describe_suspects([]) == "No mockup's leak stands out."


def test_a_suspect_carries_its_own_leaked_sites_largest_first_and_no_others():
    sites = [
        site(2, "leaked", 1 * MIB, 10),
        site(2, "peak", 9 * MIB, 11),
        site(2, "leaked", 3 * MIB, 12),
        site(1, "leaked", 8 * MIB, 13),
        site(2, "leaked", 1 * KB, 14),
    ]
    (suspect,) = standout_leaks(run_leaking([0, 4 * MIB], sites), site_limit=2)
    assert [s.location for s in suspect.sites] == ["/src/code.py:12", "/src/code.py:10"]
    table = suspects_table([suspect])
    assert table.loc[0, "top_site"] == "/src/code.py:12 (f12)"
    text = describe_suspects([suspect])
    assert "mockup 2 (t2): 4.00 MB leaked" in text
    assert "3.00 MB in 1 block(s) at /src/code.py:12 (f12)" in text
    assert "      render_run x.py:1" in text


def test_paths_are_shown_relative_to_the_project_or_to_site_packages():
    root = Path(__file__).resolve().parents[2]
    frame = "load /x/.venv/lib/python3.11/site-packages/PIL/ImageFile.py:370"
    assert short_location(frame) == "load PIL/ImageFile.py:370"
    assert short_location(f"{root}/mockups/render/run.py:12") == "mockups/render/run.py:12"


def test_the_leak_chart_colours_the_standouts():
    run = run_leaking([2 * KB, 5 * MIB, 0])
    figure = leaked_by_mockup(run, standout_leaks(run))
    bars = figure.data[0]
    assert list(bars.marker.color) == [QUIET_COLOUR, STANDOUT_COLOUR, QUIET_COLOUR]
    assert bars.y[1] == pytest.approx(5)


@pytest.fixture
def leaking_render():
    with leak_on(PLANTED_ON) as kept:
        yield kept


def test_a_planted_leak_in_a_real_run_stands_out_with_its_line_and_stack(tmp_path, leaking_render):
    artwork = tmp_path / "art.jpg"
    gradient_artwork((600, 750)).save(artwork, quality=90)
    templates = ["desk-frame", PLANTED_ON, "desk-frame"]
    profiled = profile_in_process(
        artwork, tmp_path / "run", options=RenderOptions(templates=templates)
    )
    (suspect,) = standout_leaks(profiled)
    assert (suspect.index, suspect.template) == (2, PLANTED_ON)
    kept = leaking_render[0]
    assert suspect.leaked_bytes == pytest.approx(kept.width * kept.height * 4, rel=0.02)
    top = suspect.sites[0]
    assert top.location == planting_location()
    assert any("mockups/render/run.py:" in frame for frame in top.stack)
    planting_line = planting_location().rpartition(":")[2]
    assert f"profiling/demo.py:{planting_line} (render_keeping_a_copy)" in describe_suspects(
        [suspect]
    )
