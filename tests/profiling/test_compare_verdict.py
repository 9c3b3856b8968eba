"""The Compare page's words: runs named as people say them, and which run to use within the
memory budget, by how much."""

from __future__ import annotations

from dashboard.compare_view import comparison_table, time_memory_chart
from mockups.memory import MIB
from profiling.compare import ModeComparison, plain_label, verdict

BUDGET = 256 * MIB


def run(mode: str, workers: int, seconds: float, peak_mb: float, release: bool = False):
    return ModeComparison(
        mode=mode,
        workers=workers,
        release_memory=release,
        wall_seconds=seconds,
        peak_rss_bytes=int(peak_mb * MIB),
        heap_peak_bytes=int(peak_mb * MIB * 0.6),
        heap_peak_exact=True,
        allocated_bytes=int(900 * MIB),
        rss_after_bytes=int(peak_mb * MIB * 0.8),
        identical_outputs=True,
        out_dir=f"/runs/x/compare/{mode}-w{workers}",
    )


def test_runs_are_named_in_plain_words_not_folder_names():
    assert plain_label("sequential", 1, False) == "Sequential"
    assert plain_label("threads", 2, True) == "Threads x2, memory released"
    assert plain_label("processes", 4, False) == "Processes x4"


def test_the_fastest_run_within_the_budget_wins_against_sequential():
    rows = [run("sequential", 1, 3.4, 150), run("threads", 2, 2.2, 207)]
    chosen = verdict(rows, BUDGET)
    assert chosen.fastest is rows[1] and chosen.baseline is rows[0]
    assert chosen.sentence() == (
        "Fastest within the 256 MB budget: Threads x2, 2.2 s at a 207 MB peak, "
        "1.2 s (35%) faster than Sequential (3.4 s)."
    )


def test_a_faster_run_over_the_budget_is_not_chosen_and_is_named_as_over_it():
    rows = [
        run("sequential", 1, 3.4, 150),
        run("threads", 2, 2.2, 207),
        run("processes", 2, 1.9, 310),
    ]
    chosen = verdict(rows, BUDGET)
    assert chosen.fastest is rows[1]
    assert chosen.sentence().endswith(
        " Processes x2 was faster (1.9 s) but peaked at 310 MB, over the budget."
    )


def test_when_sequential_wins_it_is_measured_against_the_next_fastest():
    rows = [run("sequential", 1, 3.0, 150), run("threads", 4, 3.9, 240)]
    sentence = verdict(rows, BUDGET).sentence()
    assert sentence.startswith("Fastest within the 256 MB budget: Sequential, 3.0 s")
    assert "0.9 s (23%) faster than Threads x4 (3.9 s)" in sentence


def test_a_difference_under_five_percent_is_called_a_tie():
    rows = [run("sequential", 1, 3.40, 150), run("threads", 2, 3.30, 200)]
    assert "about as fast as Sequential (3.4 s)" in verdict(rows, BUDGET).sentence()


def test_the_budget_is_the_one_given_not_a_fixed_figure():
    rows = [run("sequential", 1, 3.4, 150), run("threads", 2, 2.2, 207)]
    chosen = verdict(rows, 180 * MIB)
    assert chosen.fastest is rows[0]
    assert chosen.sentence().startswith("Fastest within the 180 MB budget: Sequential")
    assert "Threads x2 was faster (2.2 s) but peaked at 207 MB" in chosen.sentence()


def test_no_run_within_the_budget_says_so_and_names_the_smallest_peak():
    rows = [run("threads", 2, 2.2, 300), run("processes", 2, 1.9, 410)]
    chosen = verdict(rows, BUDGET)
    assert chosen.fastest is None
    assert chosen.sentence() == (
        "No run stayed within the 256 MB budget; the smallest peak was Threads x2's 300 MB."
    )


def test_the_table_rounds_and_marks_each_run_against_the_budget():
    rows = [run("sequential", 1, 3.4321, 150.44), run("threads", 2, 2.26, 300.6, release=True)]
    table = comparison_table(rows, BUDGET)
    assert [r["Run"] for r in table] == ["Sequential", "Threads x2, memory released"]
    assert [r["Time (s)"] for r in table] == [3.4, 2.3]
    assert [r["Peak memory (MB)"] for r in table] == [150, 301]
    assert [r["Within budget"] for r in table] == [True, False]


def test_the_chart_draws_the_budget_and_colours_the_chosen_run_apart():
    rows = [run("sequential", 1, 3.4, 150), run("threads", 2, 2.2, 207)]
    figure = time_memory_chart(rows, BUDGET, verdict(rows, BUDGET).fastest)
    points = figure.data[0]
    assert list(points.x) == [150, 207] and list(points.y) == [3.4, 2.2]
    assert list(points.text) == ["Sequential", "Threads x2"]
    colours = list(points.marker.color)
    assert colours[0] != colours[1]
    budget_lines = [s for s in figure.layout.shapes if s.type == "line"]
    assert [line.x0 for line in budget_lines] == [256]
    assert len(set(time_memory_chart(rows, BUDGET, None).data[0].marker.color)) == 1
