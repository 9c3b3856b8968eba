"""A profiled mockup's figures travel in the run record's `profile` block: written by the
profiler, carried by the engine as they are, read back typed."""

from dataclasses import replace

from mockups.runs.folder import MockupResult
from profiling.figures import MockupFigures
from profiling.sites import PROJECT_ROOT

PLAIN = MockupResult(
    index=3, template="mug", file="03-mug.jpg", thumbnail="thumbs/03-mug.jpg", width=30,
    height=20, bytes=1, seconds=0.2, started_unix=0.0, finished_unix=0.2,
    rss_before_bytes=1, rss_after_bytes=2, worker="1/main",
)  # fmt: skip
FIGURES = MockupFigures(
    heap_peak_bytes=3 * 2**20,
    leaked_bytes=2**20,
    top_site="mockups/render/compose.py:78",
    top_site_function="_load_rgb",
    leak_reason="ten times the median",
)


def test_figures_put_on_a_mockup_read_back_the_same_with_their_line():
    profiled = FIGURES.on(PLAIN)
    assert MockupFigures.of(profiled) == FIGURES
    assert profiled.profile is not None
    assert profiled.profile["summary"] == (
        "heap peak 3.0 MB, leaked 1.00 MB, top site mockups/render/compose.py:78 (_load_rgb); "
        "leak stands out: ten times the median"
    )
    assert "allocations" not in profiled.profile, "absent figures are left out, not null"


def test_a_plain_mockup_has_no_figures():
    assert MockupFigures.of(PLAIN) is None


def test_a_figure_of_the_wrong_type_reads_as_absent():
    damaged = FIGURES.on(PLAIN)
    assert damaged.profile is not None
    damaged.profile.update(leaked_bytes="lots", heap_exact=1)
    read = MockupFigures.of(damaged)
    assert read is not None and (read.leaked_bytes, read.heap_exact) == (None, None)
    damaged.profile["heap_peak_bytes"] = True
    assert MockupFigures.of(damaged) is None, "a heap peak that is no number is no profile"


def test_the_summary_names_the_top_site_relative_to_the_project_not_absolute():
    absolute = replace(FIGURES, top_site=f"{PROJECT_ROOT}mockups/render/compose.py:78")
    summary = absolute.on(PLAIN).profile["summary"]
    assert "top site mockups/render/compose.py:78 (_load_rgb)" in summary
    assert PROJECT_ROOT not in summary
