"""What the Memory page says about a run, in plain words: pure functions of its figures, so each
sentence is tested without a page."""

from __future__ import annotations

from collections.abc import Mapping

from dashboard.text import as_text
from mockups.memory import MIB
from mockups.runs.folder import RunResult
from profiling.leaks import NOISE_BYTES, THRESHOLD_BYTES, TIMES_MEDIAN, LeakSuspect
from profiling.results import ProfiledRun

NEAR_BUDGET = 0.8  # a peak above this share of the budget leaves no room for a larger artwork
SMALL_SITE_BYTES = MIB // 10  # sites holding less are listed only on "show all"

HEAP_AND_RSS = (
    "**Heap** is the memory the code holds right now, block by block as memray counts it: it "
    "falls as soon as a mockup lets go of its images. **RSS** is what the operating system has "
    "given the whole process: it stays up after the heap falls, because freed memory is kept "
    "for reuse."
)

STILL_HELD = (
    "**Still held at the end** is what a mockup allocated and had not freed when it finished. "
    "A few kB is normal (interpreter and library caches). It is red only when it stands out, "
    f"by the rule the notebooks use (`profiling/leaks.py`): {THRESHOLD_BYTES / MIB:g} MB or "
    f"more, or over {NOISE_BYTES // 1024} kB and at least {TIMES_MEDIAN:g} times what the "
    "run's median mockup still held."
)

ALLOCATED = (
    "**Allocated** is a running total: every byte a mockup asked for while it rendered, freed "
    "or not. It grows with every temporary copy, so it is above the heap peak, often far "
    "above, and is never memory held at one moment; it is in the table, not on the chart."
)

WHY_A_CHILD_IS_LOWER = (
    "**Why a profiled run shows a lower peak RSS than the same run without profiling.** RSS "
    "counts the whole process that rendered, not the render alone. The profiler renders in a "
    "Python process started for that run only (`mockups/render/child.py`): the interpreter, the "
    "engine and memray. A run rendered without profiling renders in a thread of the dashboard's "
    "server process (`mockups/jobs/local.py`), which already holds Streamlit, the pages' "
    "pandas and plotly, the uploaded file, every open session's cached tables, and any render "
    "in the other slot. With the same 3000 x 4000 JPEG and ten templates, the server held "
    "198 MB before its first mockup and peaked at 282 MB; the profiler's process held 74 MB "
    "and peaked at 146 MB: the mockups themselves added 84 MB and 72 MB. Besides, in `auto` "
    "mode the server renders two mockups at once in threads when the budget allows, while a "
    "profiled `auto` run renders one at a time (`profiling/session.py`). Profiling does not "
    "halve memory (memray adds a little): compare what each run added, its peak less its RSS "
    "before the first mockup."
)


def mockup_choice(index: int, template: str, names: Mapping[str, str]) -> str:
    """A mockup in a picker: its number and its template's name (`05 · Ceramic mug on a table`)."""
    return f"{index:02d} · {names.get(template, template)}"


def named_mockup(profiled: ProfiledRun, suspects: list[LeakSuspect]) -> int | None:
    """The mockup `next_step` sends the reader to: the worst standout leak, else the highest
    heap peak; None for a run without mockups."""
    if suspects:
        return suspects[0].index
    if not profiled.mockups:
        return None
    return max(profiled.mockups, key=lambda m: m.heap_peak_bytes).index


def next_step(
    profiled: ProfiledRun,
    budget_bytes: int | None,
    suspects: list[LeakSuspect],
    names: Mapping[str, str],
) -> str:
    """The one thing to do next with this run, from its figures (the page's second line, as
    markdown: template names in it are escaped)."""
    summary = profiled.summary
    peak = summary.peak_rss_bytes
    if suspects:
        worst = suspects[0]
        return (
            f"**Next:** mockup {worst.index:02d} ({_name(worst.template, names)}) "
            f"still held {_mb(worst.leaked_bytes)} at its end ({worst.reason}): choose it under "
            "*Where the memory was*, *still held at the end*, to see the line that keeps it."
        )
    if not profiled.mockups:
        return "**Next:** nothing to look at: the run has no mockups."
    biggest = max(profiled.mockups, key=lambda m: m.heap_peak_bytes)
    heaviest = (
        f"mockup {biggest.index:02d} ({_name(biggest.template, names)}, heap peak "
        f"{_mb(biggest.heap_peak_bytes)})"
    )
    if budget_bytes is not None and peak > budget_bytes:
        return (
            f"**Next:** the peak RSS, {_mb(peak)}, is over the {_mb(budget_bytes)} budget: render "
            f"sequentially, or with fewer threads, and look at {heaviest} below."
        )
    if budget_bytes is not None and peak > NEAR_BUDGET * budget_bytes:
        return (
            f"**Next:** the peak RSS, {_mb(peak)}, is within {_mb(budget_bytes - peak)} of the "
            f"{_mb(budget_bytes)} budget: a larger artwork or more threads would not fit; render "
            f"sequentially to keep room, and look at {heaviest} below."
        )
    room = "" if budget_bytes is None else f" of the {_mb(budget_bytes)} budget"
    return (
        f"**Next:** nothing needs fixing (peak RSS {_mb(peak)}{room}, no leak stands out). To "
        f"save memory, start with {heaviest} and its allocation sites below."
    )


def not_profiled(run: RunResult, artwork: str) -> str:
    """What the page says instead of silently showing another run: which run this is, that it
    has no heap figures, and what its peak RSS counted (markdown, the artwork's name escaped)."""
    started = run.started_at[:19].replace("T", " ")
    text = (
        f"The run you opened ({as_text(artwork)}, {started}) was not profiled, so it has no heap "
        "figures: tick *Profile memory* on the Render page and render again to see them."
    )
    if not run.mockups:
        return text
    before = min(m.rss_before_bytes for m in run.mockups)
    return text + (
        f" Its peak RSS, {_mb(run.peak_rss_bytes)}, counts the whole process that rendered it "
        "(the dashboard's server, unless a worker or the command line did): that process "
        f"already held {_mb(before)} before the first mockup started, so the mockups added "
        f"about {_mb(max(0, run.peak_rss_bytes - before))}."
    )


def own_process(profiled: ProfiledRun) -> str:
    """For a profiled run: its RSS is a process of its own's, and what the render added."""
    if not profiled.mockups:
        return ""
    before = min(m.rss_before_bytes for m in profiled.mockups)
    peak = profiled.summary.peak_rss_bytes
    return (
        f"This run rendered in a process of its own: {_mb(before)} before its first mockup, "
        f"{_mb(peak)} at its peak, so the mockups added about {_mb(max(0, peak - before))}."
    )


def _name(template: str, names: Mapping[str, str]) -> str:
    return as_text(names.get(template, template))


def _mb(size: float) -> str:
    return f"{size / MIB:.0f} MB" if size >= 10 * MIB else f"{size / MIB:.1f} MB"
