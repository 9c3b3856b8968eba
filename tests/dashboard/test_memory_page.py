"""The Memory page's words, tables and charts from fabricated profiles: each sentence and
rule tested without a page or a capture."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from dashboard.memory_tables import STANDOUT_STYLE, mockup_table, site_list
from dashboard.memory_text import next_step, not_profiled
from dashboard.text import template_names
from mockups.artwork.intake import ArtworkInfo
from mockups.memory import MIB
from mockups.runs.folder import MockupResult, RunResult
from mockups.templates.library import load_library
from profiling.charts import mockup_bars, spans_overlap, timeline
from profiling.leaks import standout_leaks
from profiling.sites import display_location, library_dirs
from tests.profiling.test_profiling_leaks import run_leaking, site

KB = 1024
ROOT = Path(__file__).resolve().parents[2]
NAMES = {f"t{i}": f"Template {i}" for i in range(1, 5)}


def one_after_another(count: int):
    run = run_leaking([2 * KB] * count)
    run.mockups = [
        replace(m, started_seconds=i * 1.0, finished_seconds=i * 1.0 + 0.9)
        for i, m in enumerate(run.mockups)
    ]
    return run


def test_a_standout_leak_is_the_next_step_named_by_its_template():
    run = run_leaking([2 * KB, 5 * MIB, 3 * KB])
    text = next_step(run, 256 * MIB, standout_leaks(run), NAMES)
    assert text.startswith("**Next:** mockup 02 (Template 2) still held 5.0 MB at its end")


def test_a_peak_over_or_near_the_budget_says_to_render_fewer_at_once():
    run = run_leaking([2 * KB, 3 * KB])
    assert run.summary.peak_rss_bytes == 90 * MIB
    over = next_step(run, 80 * MIB, [], NAMES)
    assert "over the 80 MB budget" in over and "sequentially" in over
    near = next_step(run, 100 * MIB, [], NAMES)
    assert "within 10 MB of the 100 MB budget" in near


def test_with_room_to_spare_the_next_step_points_at_the_biggest_heap():
    run = run_leaking([0, 0])
    run.mockups[1] = replace(run.mockups[1], heap_peak_bytes=70 * MIB)
    text = next_step(run, 256 * MIB, [], NAMES)
    assert "nothing needs fixing" in text and "mockup 02 (Template 2, heap peak 70 MB)" in text


def test_a_user_templates_name_in_the_next_step_is_escaped():
    run = run_leaking([0, 5 * MIB])
    text = next_step(run, None, standout_leaks(run), {"t2": "*bold* [link](x)"})
    assert r"\*bold\* \[link\]\(x\)" in text


def test_templates_are_named_as_people_read_them_with_their_colour():
    names = template_names(["mug", "tshirt@navy", "gone"], load_library())
    assert names == {
        "mug": "Ceramic mug on a table",
        "tshirt@navy": "T-shirt, flat lay (navy)",
        "gone": "gone",
    }


def test_an_unprofiled_run_says_what_its_peak_counted():
    run = _plain_run(peak=265 * MIB, before=[130 * MIB, 180 * MIB])
    text = not_profiled(run, "my art.jpg")
    assert "my art\u2060\\.jpg" in text and "was not profiled" in text
    assert "peak RSS, 265 MB" in text and "already held 130 MB" in text
    assert "added about 135 MB" in text


def test_still_held_is_red_only_where_the_leak_stands_out():
    run = run_leaking([2 * KB, 5 * MIB, 3 * KB])
    styled = mockup_table(run, NAMES, {s.index for s in standout_leaks(run)})
    html = styled.to_html()
    assert html.count(STANDOUT_STYLE.split(";")[0]) == 1
    assert list(styled.data["still held at the end"]) == ["2.0 kB", "5.00 MB", "3.0 kB"]
    assert list(styled.data["mockup"]) == ["01 · Template 1", "02 · Template 2", "03 · Template 3"]


def test_sites_under_a_tenth_of_a_megabyte_are_kept_for_show_all():
    sites = [site(1, "peak", 3 * MIB, 10), site(1, "peak", 50 * KB, 11), site(2, "peak", MIB, 12)]
    listed = site_list(sites, 1, "peak")
    assert [row.size for row in listed.shown] == ["3.00 MB"]
    assert [row.size for row in listed.small] == ["50.0 kB"]


def test_paths_are_shown_relative_to_the_project_the_libraries_or_cut_short():
    site_packages = next(d for d in library_dirs() if d.endswith("site-packages/"))
    assert display_location(f"{ROOT}/mockups/render/run.py:12") == "mockups/render/run.py:12"
    assert display_location(f"load {site_packages}PIL/Image.py:370") == "load PIL/Image.py:370"
    assert display_location("f /srv/secret/place/code.py:3") == "f place/code.py:3"


def test_the_peak_chart_has_no_running_total_and_reds_only_the_standout():
    run = run_leaking([2 * KB, 5 * MIB, 3 * KB])
    figure = mockup_bars(run, standout={2})
    assert [trace.name for trace in figure.data] == ["peak heap", "still held at the end"]
    colours = list(figure.data[1].marker.color)
    assert colours.count("#d62728") == 1 and colours.index("#d62728") == 1


def test_a_normal_few_kilobytes_still_held_sit_low_on_an_axis_of_at_least_a_megabyte():
    figure = mockup_bars(run_leaking([28 * KB, 30 * KB]), standout=set())
    held = figure.data[1]
    assert list(held.y) == [28 * KB / MIB, 30 * KB / MIB]
    assert figure.layout.yaxis2.title.text == "MB" and figure.layout.yaxis2.range[1] >= 1.0
    assert list(held.hovertext) == ["28.0 kB", "30.0 kB"]


def test_the_budget_label_sits_under_its_line_at_the_right_clear_of_the_mockups_numbers():
    figure = timeline(one_after_another(3), budget_bytes=256 * MIB)
    (label,) = [a for a in figure.layout.annotations if a.text == "budget 256 MB"]
    numbers = [a for a in figure.layout.annotations if a.text in ("1", "2", "3")]
    assert (label.x, label.xref, label.xanchor) == (1, "x domain", "right")
    assert (label.y, label.yanchor) == (256, "top"), "under the line"
    assert all(n.yref == "y domain" and n.y == 1 for n in numbers), "the numbers along the top"
    # the axis reaches well above the line, so the numbers' row is clear of it and its label
    assert figure.layout.yaxis.autorangeoptions.include[0] >= 1.1 * 256


def test_mockups_one_after_another_are_shaded_spans_and_overlapping_ones_get_lanes():
    sequential = one_after_another(3)
    assert not spans_overlap(sequential.mockups)
    figure = timeline(sequential, budget_bytes=256 * MIB)
    assert not [t for t in figure.data if t.orientation == "h"]
    assert any(s.y0 == s.y1 == 256 for s in figure.layout.shapes), "the budget line"

    threads = one_after_another(3)
    threads.mockups[1] = replace(threads.mockups[1], started_seconds=0.5)
    assert spans_overlap(threads.mockups)
    (lanes,) = [t for t in timeline(threads).data if t.orientation == "h"]
    assert list(lanes.y) == ["01 t1", "02 t2", "03 t3"]
    assert list(lanes.base) == [0.0, 0.5, 2.0]


def _plain_run(peak: int, before: list[int]) -> RunResult:
    artwork = ArtworkInfo(
        path="artwork.png", format="PNG", width=10, height=10, mode="RGB", working_width=10,
        working_height=10, decoder="pillow",
    )  # fmt: skip
    results = [
        MockupResult(
            index=i,
            template="poster",
            file=f"0{i}-poster.jpg",
            thumbnail="thumbs/x.jpg",
            width=1,
            height=1,
            bytes=1,
            seconds=0.1,
            started_unix=0.0,
            finished_unix=0.1,
            rss_before_bytes=rss,
            rss_after_bytes=rss,
            worker="1/MainThread",
        )
        for i, rss in enumerate(before, start=1)
    ]
    return RunResult(
        artwork=artwork, mode="auto", workers=2, out_dir="run", started_at="2026-11-30T10:00:00",
        peak_rss_bytes=peak, mockups=results,
    )  # fmt: skip
