"""The History page's choices: which run a click shows, which two runs it compares by default,
and which per-mockup figures it marks as worse."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas

from dashboard.history_view import (
    changes,
    compared_figures,
    default_pair,
    runs_table,
    selected_run,
    signed,
    worse_summary,
)
from mockups.memory import MIB
from mockups.runs.catalogue import RunSummary


def summary(name: str, profiled: bool = True, seconds: float = 3.456, peak_mb: float = 150.4):
    return RunSummary(
        path=Path("/runs") / name,
        artwork=f"{name}.jpg",
        started_at="2026-11-30T14:05:09.123+00:00",
        mode="threads",
        workers=2,
        mockups=10,
        wall_seconds=seconds,
        peak_rss_bytes=int(peak_mb * MIB),
        profiled=profiled,
    )


RUNS = [summary("newest"), summary("plain", profiled=False), summary("middle"), summary("oldest")]
PROFILED = [r for r in RUNS if r.profiled]


def test_the_runs_table_is_rounded_and_names_the_mode_plainly():
    row = runs_table([summary("a")])[0]
    assert row["Started"] == "2026-11-30 14:05"
    assert row["Mode"] == "Threads x2"
    assert row["Time (s)"] == 3.5 and row["Peak memory (MB)"] == 150
    assert row["Artwork"] == "a.jpg"


def test_the_clicked_row_is_the_run_shown():
    assert selected_run([2], RUNS, None).path.name == "middle"


def test_without_a_clicked_row_the_sessions_run_is_shown_else_the_newest():
    assert selected_run([], RUNS, Path("/runs/oldest")).path.name == "oldest"
    assert selected_run([], RUNS, None).path.name == "newest"
    assert selected_run([9], RUNS, None).path.name == "newest", "a row gone after a delete"


def test_before_and_after_default_to_the_chosen_run_and_the_one_before_it():
    assert default_pair(PROFILED, Path("/runs/middle")) == (
        Path("/runs/oldest"),
        Path("/runs/middle"),
    )
    assert default_pair(PROFILED, Path("/runs/newest")) == (
        Path("/runs/middle"),
        Path("/runs/newest"),
    )


def test_before_and_after_are_two_runs_the_older_first():
    for chosen in [*(r.path for r in RUNS), Path("/runs/gone")]:
        before, after = default_pair(PROFILED, chosen)
        order = [r.path for r in PROFILED]
        assert order.index(before) > order.index(after)
    assert default_pair(PROFILED, Path("/runs/oldest")) == (
        Path("/runs/oldest"),
        Path("/runs/middle"),
    ), "Before is always the older run"
    assert default_pair(PROFILED, Path("/runs/plain"))[1] == Path("/runs/newest")


def compared(**after: list[float]) -> pandas.DataFrame:
    """compare_runs' table for two mockups, before all 100 MB / 1 s, after as given."""
    before = {"heap_peak_bytes": 100 * MIB, "leaked_bytes": 10 * MIB, "allocated_bytes": 900 * MIB}
    table = {"index": [1, 2], "template": ["mug", "poster"]}
    for figure in ("heap_peak_bytes", "leaked_bytes", "allocated_bytes", "seconds"):
        first = before.get(figure, 1.0)
        later = after.get(figure, [first, first])
        table[f"{figure} before"] = [first, first]
        table[f"{figure} after"] = later
        table[f"{figure} change"] = [value - first for value in later]
    return pandas.DataFrame(table)


def test_figures_are_shown_in_mb_and_seconds_rounded():
    shown = compared_figures(compared(heap_peak_bytes=[100.04 * MIB, 123.456 * MIB]))
    assert list(shown["heap peak MB after"]) == [100.0, 123.5]
    assert list(shown["heap peak MB change"]) == [0.0, 23.5]
    assert list(shown["time s before"]) == [1.0, 1.0]
    assert list(shown["Template"]) == ["mug", "poster"]


def test_a_figure_that_grew_past_five_percent_is_worse_and_one_that_shrank_is_better():
    shown = compared_figures(compared(heap_peak_bytes=[104 * MIB, 112 * MIB], seconds=[0.8, 1.03]))
    worse, better = changes(shown, 1), changes(shown, -1)
    assert list(worse["heap peak MB change"]) == [False, True], "+4 % is noise, +12 % is worse"
    assert list(better["time s change"]) == [True, False]
    assert not worse["time s change"].any()
    assert not worse["Template"].any() and not worse["heap peak MB after"].any()


def test_the_summary_names_what_got_worse_and_the_worst_mockup():
    shown = compared_figures(
        compared(heap_peak_bytes=[120 * MIB, 112 * MIB], leaked_bytes=[10 * MIB, 25 * MIB])
    )
    assert worse_summary(shown) == [
        "heap peak on 2 mockups, most mug (+20.0 MB)",
        "held at end on 1 mockup, most poster (+15.0 MB)",
    ]
    assert worse_summary(compared_figures(compared())) == []


def test_a_mockup_in_one_run_only_is_neither_worse_nor_better():
    table = compared(heap_peak_bytes=[200 * MIB, 200 * MIB])
    table.loc[1, ["heap_peak_bytes after", "heap_peak_bytes change"]] = [None, None]
    shown = compared_figures(table)
    assert list(changes(shown, 1)["heap peak MB change"]) == [True, False]


def test_a_change_rounded_to_nothing_is_not_shown_as_minus_zero():
    shown = compared_figures(compared(heap_peak_bytes=[99.99 * MIB, 100 * MIB]))
    assert [str(value) for value in shown["heap peak MB change"]] == ["0.0", "0.0"]


def test_timing_noise_of_a_few_hundredths_of_a_second_is_not_worse():
    shown = compared_figures(compared(seconds=[1.07, 1.2]))
    assert list(changes(shown, 1)["time s change"]) == [False, True]


def test_a_change_shows_its_sign_and_no_change_shows_none():
    assert [signed(1)(value) for value in (1.5, -0.2, 0.0)] == ["+1.5", "-0.2", "0.0"]


def profiled(*templates: str, heap_mb: dict[str, float] | None = None):
    from profiling import ProfiledRun
    from tests.profiling.test_profiling_leaks import MOCKUP, SUMMARY

    heap_mb = heap_mb or {}
    mockups = [
        replace(
            MOCKUP,
            index=index,
            template=template,
            heap_peak_bytes=int(heap_mb.get(template, 40) * MIB),
        )
        for index, template in enumerate(templates, start=1)
    ]
    return ProfiledRun(summary=SUMMARY, mockups=mockups, points=[], site_rows=[])


def test_two_runs_are_paired_by_template_not_by_position(monkeypatch):
    from profiling import history

    runs = {
        "before": profiled("poster", "tote", "mug", "pillow", heap_mb={"pillow": 50}),
        "after": profiled("poster", "mug", "pillow", heap_mb={"pillow": 55}),
    }
    monkeypatch.setattr(history, "load_run", lambda folder: runs[str(folder)])
    table = history.compare_runs("before", "after")
    assert list(table["template"]) == ["poster", "mug", "tote", "pillow"]
    pillow = table.set_index("template").loc["pillow"]
    assert pillow["heap_peak_bytes before"] == 50 * MIB
    assert pillow["heap_peak_bytes change"] == 5 * MIB and pillow["index"] == 3
    tote = table.set_index("template").loc["tote"]
    assert pandas.isna(tote["heap_peak_bytes after"]) and pandas.isna(
        tote["heap_peak_bytes change"]
    )
    shown = compared_figures(table, {"pillow": "Throw pillow on a sofa"})
    assert list(shown["Template"]) == ["poster", "mug", "tote", "Throw pillow on a sofa"]
    assert list(shown["#"]) == [1, 2, 2, 3]


def test_a_template_twice_in_a_run_pairs_its_first_with_the_first_and_second_with_the_second(
    monkeypatch,
):
    from profiling import history

    runs = {
        "before": profiled("mug", "poster", "mug", heap_mb={"mug": 30}),
        "after": profiled("poster", "mug", "mug", heap_mb={"mug": 30}),
    }
    monkeypatch.setattr(history, "load_run", lambda folder: runs[str(folder)])
    table = history.compare_runs("before", "after")
    assert len(table) == 3 and not table["heap_peak_bytes change"].isna().any()
