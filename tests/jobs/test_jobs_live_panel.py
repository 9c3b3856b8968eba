"""The Render page follows a queued profiled job as it follows a local one: each landed
mockup's memray figures, a standout leak flagged with its Memory page link, and memray's heap
line beside RSS, all read from the job's status on a real redis-server.

The job's progress is written here by the worker's own `MetaProgress`, as a worker would
write it (tests/jobs/test_jobs_live_profile.py watches a real worker write it)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from rq.job import JobStatus
from streamlit.testing.v1 import AppTest

from dashboard.live import HEAP_PROFILED
from harness.redis_server import redis_server
from mockups.jobs import RenderQueue
from mockups.jobs.worker import MetaProgress
from mockups.memory import MIB
from mockups.runs.folder import MockupResult
from profiling.figures import MockupFigures
from tests.app_helpers import APP, png_bytes, submit_render
from tests.conftest import gradient_artwork

pytestmark = pytest.mark.slow

POSTER_FIGURES = MockupFigures(
    heap_peak_bytes=int(45.2 * MIB), allocated_bytes=int(98.6 * MIB), allocations=120,
    leaked_bytes=int(0.02 * MIB), one_time_bytes=0, heap_exact=True,
    top_site="/somewhere/mockups/render/compose.py:78", top_site_function="_load_rgb",
)  # fmt: skip
POSTER = POSTER_FIGURES.on(
    MockupResult(
        index=1, template="poster", file="01-poster.jpg", thumbnail="thumbs/01-poster.jpg",
        width=3000, height=2000, bytes=1, seconds=0.31, started_unix=0.0, finished_unix=0.3,
        rss_before_bytes=80 * MIB, rss_after_bytes=90 * MIB, worker="pid 7",
        heap_after_bytes=30 * MIB,
    )
)  # fmt: skip
MUG = POSTER_FIGURES.with_changes(
    leaked_bytes=23 * MIB, leak_reason="at least the 1 MB threshold"
).on(replace(POSTER, index=2, template="mug", file="02-mug.jpg"))
SAMPLES = [(0.2, 100 * MIB, None), (0.45, 105 * MIB, 40 * MIB), (0.7, 110 * MIB, 52 * MIB)]


@pytest.fixture
def following(tmp_path, monkeypatch):
    """The Render page following a queued profiled job of three mockups that has started."""
    # AppTest leaves its script as __main__: put this process's own back afterwards
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    (tmp_path / "redis").mkdir()
    with redis_server(tmp_path / "redis") as url:
        monkeypatch.setenv("REDIS_URL", url)
        at = AppTest.from_file(APP, default_timeout=120)
        at.run()
        artwork = png_bytes(gradient_artwork((300, 400)))
        submit_render(at, "art.png", artwork, ["poster", "mug", "tote"], profile=True)
        assert not at.exception and not at.error
        queue = RenderQueue.from_url(url)
        job = queue.queue.fetch_job(at.session_state["pending_render"]["job_id"])
        assert job.args[0]["renderer"] == "profiled"
        job.set_status(JobStatus.STARTED)
        yield at, MetaProgress(job), Path(job.args[0]["run_dir"])
        queue.connection.close()


def test_a_queued_jobs_memray_figures_and_leak_flag_show_as_each_mockup_lands(following):
    at, progress, run_dir = following
    progress(1, 3, POSTER)
    at.run()
    assert not at.exception
    rows = at.table[0].value
    assert list(rows["heap peak MB"]) == ["45.2"]
    assert rows["top site"][0].endswith("compose.py:78 (_load_rgb)")
    assert not at.warning

    progress(2, 3, MUG)
    at.run()
    rows = at.table[0].value
    assert list(rows["mockup"]) == ["01", "02"]
    assert list(rows["leaked MB"]) == ["0.02", "23.00"]
    assert list(rows["leak"]) == ["", "stands out"]
    (warning,) = at.warning
    assert "Mockup 02 (mug) leaked 23.00 MB: at least the 1 MB threshold" in warning.value
    links = [m.value for m in at.markdown if "mockup=" in m.value]
    assert links == [f"[Open mockup 02's leak in its profile](memory?run={run_dir.name}&mockup=2)"]
    assert "pending_render" in at.session_state, "still followed while it renders"


def test_a_queued_jobs_heap_line_is_memrays_heap_beside_rss(following):
    at, progress, _ = following
    for sample in SAMPLES:
        progress.sample(*sample)
    progress(1, 3, POSTER)  # a landing writes the samples kept so far with it
    at.run()
    assert not at.exception
    line = f"0.7 s · {HEAP_PROFILED} 52.0 MB · RSS 110.0 MB"
    assert any(line in c.value for c in at.caption), [c.value for c in at.caption]
    (chart,) = at.get("plotly_chart")
    rss, heap = json.loads(chart.proto.spec)["data"]
    assert heap["name"] == "heap in use (memray)"
    assert heap["x"] == rss["x"] == [0.2, 0.45, 0.7]
    assert heap["y"] == [None, 40.0, 52.0] and rss["y"] == [100.0, 105.0, 110.0]
