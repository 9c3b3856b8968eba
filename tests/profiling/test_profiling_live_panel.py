"""The live panel (dashboard/live.py) fed by hand, through Streamlit's AppTest: rows with
memray's figures, the memory line, and a standout leak flagged with its Memory page link, in a
box kept open and running; a plain run's line is RSS and glibc's heap, never memray's."""

import json
import sys

from streamlit.testing.v1 import AppTest


def panel_script() -> None:
    from dataclasses import replace
    from pathlib import Path

    from dashboard.live import LiveView, draw_live
    from mockups.runs.folder import MockupResult
    from profiling.figures import MockupFigures

    mib = 2**20
    plain = MockupResult(
        index=1, template="poster", file="01-poster.jpg", thumbnail="thumbs/01-poster.jpg",
        width=3000, height=2000, bytes=1, seconds=0.31, started_unix=0.0, finished_unix=0.3,
        rss_before_bytes=80 * mib, rss_after_bytes=90 * mib, worker="1/main",
    )  # fmt: skip
    figures = MockupFigures(
        heap_peak_bytes=int(45.2 * mib),
        allocated_bytes=int(98.6 * mib),
        allocations=120,
        leaked_bytes=int(0.02 * mib),
        top_site="/somewhere/mockups/render/compose.py:78",
        top_site_function="_load_rgb",
    )
    profiled = figures.on(plain)
    leaking = figures.with_changes(
        leaked_bytes=23 * mib, leak_reason="at least the 1 MB threshold"
    ).on(replace(plain, index=2, template="mug"))
    view = LiveView(
        10,
        landed=[profiled, leaking],
        samples=[(0.25, 100 * mib, 40 * mib), (0.5, 110 * mib, 52 * mib)],
        run_dir=Path("/runs/20261130-run"),
    )
    draw_live(view, "job")


def plain_script() -> None:
    from dashboard.live import LiveView, draw_live
    from mockups.runs.folder import MockupResult

    mib = 2**20
    landed = [
        MockupResult(
            index=n,
            template="poster",
            file="",
            thumbnail="",
            width=1,
            height=1,
            bytes=1,
            seconds=0.3,
            started_unix=100.0 + n,
            finished_unix=100.5 + n,
            rss_before_bytes=80 * mib,
            rss_after_bytes=(90 + n) * mib,
            worker="1/main",
            heap_after_bytes=30 * mib,
        )
        for n in (1, 2, 3)
    ]
    view = LiveView(
        10, landed=landed, started_unix=100.0, now_seconds=4.0, now_rss=120 * mib, now_heap=None
    )
    draw_live(view, "job")


def test_the_panel_shows_memray_figures_per_mockup_and_flags_a_standout_leak(monkeypatch):
    # AppTest leaves its script as __main__, which forkserver workers started later in this
    # process would run: put this process's own back afterwards
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    at = AppTest.from_function(panel_script, default_timeout=60)
    at.run()
    assert not at.exception
    (box,) = at.status
    assert box.proto.expanded and box.state == "running", "open, and no check mark yet"
    assert at.get("progress")[0].proto.text == "2/10: mug"
    rows = box.table[0].value
    assert list(rows["mockup"]) == ["01", "02"]
    assert list(rows["heap peak MB"]) == ["45.2", "45.2"]
    assert list(rows["leaked MB"]) == ["0.02", "23.00"]
    assert rows["top site"][0].endswith("compose.py:78 (_load_rgb)")
    assert list(rows["leak"]) == ["", "stands out"]
    assert "heap in use (memray) 52.0 MB · RSS 110.0 MB" in box.caption[0].value
    (chart,) = box.get("plotly_chart")
    assert '"heap in use (memray)"' in chart.proto.spec
    (warning,) = at.warning
    assert "Mockup 02 (mug) leaked 23.00 MB: at least the 1 MB threshold" in warning.value
    links = [m.value for m in at.markdown if "mockup=" in m.value]
    assert links == ["[Open mockup 02's leak in its profile](memory?run=20261130-run&mockup=2)"]


def test_a_plain_runs_line_is_rss_and_glibcs_heap_after_each_mockup_and_now(monkeypatch):
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])
    at = AppTest.from_function(plain_script, default_timeout=60)
    at.run()
    assert not at.exception
    (box,) = at.status
    assert box.proto.expanded and box.state == "running"
    spec = json.loads(box.get("plotly_chart")[0].proto.spec)
    rss, heap = spec["data"]
    assert rss["name"] == "RSS" and heap["name"] == "heap in use (glibc)"
    assert rss["x"] == [1.5, 2.5, 3.5, 4.0]  # after each mockup, and now
    assert rss["y"] == [91.0, 92.0, 93.0, 120.0]
    assert "memray" not in box.get("plotly_chart")[0].proto.spec
    assert list(box.table[0].value["RSS after MB"]) == ["91.0", "92.0", "93.0"]
