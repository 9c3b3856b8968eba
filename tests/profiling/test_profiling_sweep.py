"""The mode sweep: every mode, worker count and artwork as one tidy table, and its growth line."""

from pathlib import Path

import pandas
import pytest
from PIL import Image

from mockups.memory import MIB
from profiling import load_run
from profiling.artworks import photo_like_artwork, photo_like_artworks
from profiling.compare import COMPARE_FILE
from profiling.notebook_charts import memory_by_workers, sweep_peak_memory, sweep_wall_time
from profiling.sweep import SWEEP_COLUMNS, load_sweep, memory_growth, sweep_modes

SMALL, LARGER = (300, 400), (600, 800)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> tuple[pandas.DataFrame, Path, list[str]]:
    folder = tmp_path_factory.mktemp("sweep")
    artworks = photo_like_artworks(folder / "art", [LARGER, SMALL])
    started: list[str] = []
    frame = sweep_modes(
        artworks, folder / "runs", workers=(1, 2), templates="desk-frame,desk-frame",
        modes=("sequential", "threads"), started=started.append,
    )  # fmt: skip
    return frame, folder / "runs", started


def test_a_sweep_has_one_row_per_run_smallest_artwork_first_sequential_once(sweep):
    frame, _, started = sweep
    assert list(frame.columns) == SWEEP_COLUMNS
    runs = list(zip(frame["artwork"], frame["mode"], frame["workers"], strict=True))
    assert runs == [
        ("300x400", "sequential", 1),
        ("300x400", "threads", 1),
        ("300x400", "threads", 2),
        ("600x800", "sequential", 1),
        ("600x800", "threads", 1),
        ("600x800", "threads", 2),
    ]
    assert list(frame["run"][:3]) == ["sequential-w1", "threads-w1", "threads-w2"]
    assert list(frame["artwork_pixels"][::3]) == [300 * 400, 600 * 800]
    assert started[0] == "photo-600x800 sequential-w1" and len(started) == 6


def test_a_sweep_holds_each_runs_real_measurements(sweep):
    frame, _, _ = sweep
    for row in frame.itertuples():
        summary = load_run(row.out_dir).summary
        assert (summary.mode, summary.workers) == (row.mode, row.workers)
        assert row.wall_seconds == summary.wall_seconds > 0
        assert row.peak_rss_bytes == summary.peak_rss_bytes > row.heap_peak_bytes > 0
    assert frame["identical_outputs"].all()


def test_a_sweep_reads_back_from_its_folder_as_it_was_returned(sweep):
    frame, folder, _ = sweep
    assert (folder / "photo-300x400" / COMPARE_FILE).is_file()
    pandas.testing.assert_frame_equal(load_sweep(folder), frame)


def test_artworks_with_the_same_file_name_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with pytest.raises(ValueError, match="distinct file names"):
        sweep_modes([tmp_path / "a" / "art.jpg", tmp_path / "b" / "art.jpg"], tmp_path / "out")


def growth_frame() -> pandas.DataFrame:
    rows = [("1x1", "sequential", 1, 80 * MIB)]
    rows += [("1x1", "threads", n, (60 + 30 * n) * MIB) for n in (1, 2, 4)]
    rows += [("1x1", "processes", n, (100 + 70 * n) * MIB) for n in (1, 2, 4)]
    rows += [("2x2", "threads", n, (70 + 40 * n) * MIB) for n in (1, 2, 4)]
    return pandas.DataFrame(rows, columns=["artwork", "mode", "workers", "peak_rss_bytes"])


def test_memory_growth_fits_a_line_per_artwork_and_mode_and_projects_ten_at_once():
    growth = memory_growth(growth_frame()).set_index(["artwork", "mode"])
    assert list(growth.index) == [("1x1", "threads"), ("1x1", "processes"), ("2x2", "threads")]
    threads = growth.loc[("1x1", "threads")]
    assert threads["base_bytes"] == pytest.approx(60 * MIB, abs=16)
    assert threads["bytes_per_worker"] == pytest.approx(30 * MIB, abs=16)
    assert threads["at_once"] == 10
    assert threads["projected_peak_bytes"] == pytest.approx(360 * MIB, abs=64)
    assert growth.loc[("2x2", "threads"), "bytes_per_worker"] == pytest.approx(40 * MIB, abs=16)
    assert memory_growth(growth_frame(), at_once=8).loc[1, "projected_peak_bytes"] == (
        pytest.approx(660 * MIB, abs=64)
    )


def test_the_workers_chart_draws_measured_lines_their_extension_and_the_server_limit():
    frame = growth_frame()
    growth = memory_growth(frame)
    figure = memory_by_workers(frame, growth, limit_bytes=512 * MIB)
    assert [a.text for a in figure.layout.annotations[:2]] == ["artwork 1x1", "artwork 2x2"]
    dotted = [trace for trace in figure.data if trace.line.dash == "dot"]
    assert len(dotted) == len(growth)
    threads = next(t for t in dotted if t.name == "threads, extended" and t.xaxis == "x")
    assert list(threads.x) == [1, 10]
    assert list(threads.y) == pytest.approx([90, 360], abs=0.01)
    assert {shape.y0 for shape in figure.layout.shapes} == {512}


@pytest.mark.parametrize(("configured", "budget_mb"), [(None, 256), ("300", 300)])
def test_the_workers_chart_draws_the_dashboards_budget(monkeypatch, configured, budget_mb):
    if configured is None:
        monkeypatch.delenv("MOCKUPLAB_JOB_BUDGET_MB", raising=False)
    else:
        monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", configured)
    frame = growth_frame()
    figure = memory_by_workers(frame, memory_growth(frame))
    assert {shape.y0 for shape in figure.layout.shapes} == {budget_mb}
    assert f"{budget_mb} MB budget" in [a.text for a in figure.layout.annotations]


def test_the_sweep_bar_charts_show_one_series_per_artwork_in_seconds_and_megabytes(sweep):
    frame, _, _ = sweep
    wall, memory = sweep_wall_time(frame), sweep_peak_memory(frame)
    assert [trace.name for trace in memory.data] == ["artwork 300x400", "artwork 600x800"]
    assert list(memory.data[0].y) == pytest.approx(list(frame["peak_rss_bytes"][:3] / MIB))
    assert list(wall.data[1].y) == pytest.approx(list(frame["wall_seconds"][3:]))
    assert list(wall.data[1].x) == ["sequential-w1", "threads-w1", "threads-w2"]


def test_a_photo_like_artwork_has_its_size_and_is_written_once(tmp_path):
    path = photo_like_artwork(tmp_path, (320, 240))
    with Image.open(path) as image:
        assert (image.format, image.size) == ("JPEG", (320, 240))
    written = path.stat().st_mtime_ns
    assert photo_like_artwork(tmp_path, (320, 240)) == path
    assert path.stat().st_mtime_ns == written
    assert list(tmp_path.iterdir()) == [path]
    with pytest.raises(ValueError, match="positive size"):
        photo_like_artwork(tmp_path, (0, 240))
