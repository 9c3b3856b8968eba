"""Whole runs: files on disk, run.json, determinism and identical bytes across modes."""

import functools
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from mockups.artwork.intake import load_artwork
from mockups.errors import RenderError
from mockups.geometry import fit_scale
from mockups.options import MODES, RenderOptions
from mockups.render.compose import render_mockup
from mockups.render.run import render_run
from mockups.render.selection import required_artwork_size
from mockups.templates.library import load_library
from tests.conftest import gradient_artwork

ROOT = Path(__file__).resolve().parents[2]
BUILT_IN = ["framed-wall", "poster", "greeting-card"]


def digests(folder) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*.jpg"))
    }


@pytest.fixture(scope="module")
def sequential_run(tmp_path_factory):

    root = tmp_path_factory.mktemp("run")
    artwork = root / "art.jpg"
    gradient_artwork((1600, 2000)).save(artwork, quality=92)
    run = render_run(artwork, root / "sequential", options=RenderOptions(templates=BUILT_IN))
    return artwork, root / "sequential", run


def test_a_run_writes_numbered_mockups_thumbnails_and_run_json(sequential_run):
    _, out, run = sequential_run
    names = [f"{i:02d}-{t}.jpg" for i, t in enumerate(BUILT_IN, start=1)]
    assert sorted(p.name for p in out.glob("*.jpg")) == names
    assert sorted(p.name for p in (out / "thumbs").glob("*.jpg")) == names
    assert not list(out.rglob("*.part"))
    recorded = json.loads((out / "run.json").read_text())
    assert recorded["mode"] == "sequential" and recorded["workers"] == 1
    assert recorded["artwork"]["width"] == 1600 and recorded["artwork"]["format"] == "JPEG"
    assert recorded["wall_seconds"] > 0 and recorded["peak_rss_bytes"] > 0
    for index, (entry, name) in enumerate(zip(recorded["mockups"], names, strict=True), start=1):
        assert entry["index"] == index and entry["file"] == name
        assert entry["bytes"] == (out / name).stat().st_size
        for key in ("template", "width", "height", "seconds"):
            assert key in entry
        assert entry["started_unix"] <= entry["finished_unix"]
        assert entry["rss_before_bytes"] > 0 and entry["rss_after_bytes"] > 0
    assert recorded == json.loads(run.to_json())


def test_mockups_are_srgb_jpegs_at_etsy_full_size_under_10_mb(sequential_run):
    _, out, run = sequential_run
    for result in run.mockups:
        with Image.open(out / result.file) as mockup:
            assert mockup.format == "JPEG" and mockup.mode == "RGB"
            assert max(mockup.size) == 3000 and min(mockup.size) >= 2000
            profile = ImageCms.ImageCmsProfile(io.BytesIO(mockup.info["icc_profile"]))
            assert "sRGB" in ImageCms.getProfileDescription(profile)
            assert (result.width, result.height) == mockup.size
        assert result.bytes < 10 * 1024 * 1024
        with Image.open(out / result.thumbnail) as thumbnail:
            assert max(thumbnail.size) <= 600


def test_the_same_input_renders_the_same_bytes(sequential_run, tmp_path):
    artwork, out, _ = sequential_run
    render_run(artwork, tmp_path, options=RenderOptions(templates=BUILT_IN))
    assert digests(tmp_path) == digests(out)


@pytest.mark.parametrize("mode", ["threads", pytest.param("processes", marks=pytest.mark.slow)])
def test_parallel_modes_write_byte_identical_files(sequential_run, tmp_path, mode):
    artwork, out, _ = sequential_run
    run = render_run(
        artwork, tmp_path, options=RenderOptions(templates=BUILT_IN, mode=mode, workers=2)
    )
    assert run.mode == mode and run.workers == 2
    assert [m.index for m in run.mockups] == [1, 2, 3]
    assert digests(tmp_path) == digests(out)


def test_progress_is_reported_once_per_mockup_in_the_callers_thread(sequential_run, tmp_path):
    import threading

    artwork, _, _ = sequential_run
    calls = []
    caller = threading.current_thread()
    render_run(
        artwork,
        tmp_path,
        options=RenderOptions(templates=BUILT_IN, mode="threads"),
        progress=lambda done, total, result: calls.append(
            (done, total, result.template, threading.current_thread() is caller)
        ),
    )
    assert [(done, total) for done, total, _, _ in calls] == [(1, 3), (2, 3), (3, 3)]
    assert sorted(name for _, _, name, _ in calls) == sorted(BUILT_IN)
    assert all(in_caller for *_, in_caller in calls)


@pytest.mark.parametrize("mode, alone", [("sequential", True), ("threads", False)])
def test_a_mockup_rendered_alone_decodes_its_scene_and_writes_its_thumbnail_beside_its_own_work(
    sequential_run, tmp_path, monkeypatch, mode, alone
):
    import mockups.render.compose
    from mockups.render.helpers import HELPER_THREAD_PREFIX
    from mockups.render.mockup import Mockup

    artwork, first, _ = sequential_run
    zoom = "zoom-canvas-corner"  # a print over SCENE_BESIDE_PRINT_PIXELS
    on_helper: dict[tuple[str, str], bool] = {}

    def recorded(step, real):
        def call(*args, **kwargs):
            key = args[0].key if step == "scene" else str(args[0].size)
            on_helper[step, key] = threading.current_thread().name.startswith(HELPER_THREAD_PREFIX)
            return real(*args, **kwargs)

        return call

    compose = mockups.render.compose
    monkeypatch.setattr(compose, "load_scene", recorded("scene", compose.load_scene))
    monkeypatch.setattr(Mockup, "thumbnail", recorded("thumbnail", Mockup.thumbnail))
    options = RenderOptions(templates=[*BUILT_IN, zoom], mode=mode, workers=2)
    render_run(artwork, tmp_path, options=options)
    scenes = {key: helper for (step, key), helper in on_helper.items() if step == "scene"}
    assert scenes == {**dict.fromkeys(BUILT_IN, alone), zoom: False}
    thumbnails = {helper for (step, _), helper in on_helper.items() if step == "thumbnail"}
    assert thumbnails == {alone}
    written = digests(tmp_path)
    assert {name: written[name] for name in digests(first)} == digests(first)


def test_worker_counts_are_bounded_the_same_in_every_mode():
    assert RenderOptions(mode="sequential", workers=4).concurrency(10) == 1
    assert 1 <= RenderOptions(mode="threads").concurrency(10) <= 8
    for mode in MODES:
        with pytest.raises(RenderError, match="between 1 and 8"):
            RenderOptions(mode=mode, workers=99)
    with pytest.raises(RenderError, match="unknown mode"):
        RenderOptions(mode="gpu")


def test_the_artwork_is_decoded_only_as_large_as_the_largest_print_needs():
    library = load_library()
    templates = [library[t] for t in BUILT_IN]
    needed = required_artwork_size((4000, 5000), templates)
    scales = [fit_scale(needed, t.print_size, t.fit) for t in templates]
    assert all(scale <= 1.0 for scale in scales), "every print is a reduction"
    assert max(scales) > 0.99, "and no larger than the largest print needs"
    assert needed[0] < 4000


@pytest.mark.limit_memory("150 MB")
def test_one_mockup_stays_within_its_memory_ceiling(sequential_run):
    """A 3000 px mockup needs ~30 MB of canvas: 150 MB leaves a wide margin, not ten canvases."""
    artwork_path, _, _ = sequential_run
    template = load_library()["framed-wall"]
    artwork = load_artwork(artwork_path, template.print_size)
    mockup = render_mockup(artwork.image, template)
    assert mockup.size == template.size


@contextmanager
def record_in_marker_file(folder, index, template_id):
    """An instrument that leaves a file naming the process and thread that rendered the mockup."""
    marker = Path(folder) / f"{index:02d}.entered"
    marker.write_text(f"{os.getpid()} {threading.current_thread().name} {template_id}")
    yield
    (Path(folder) / f"{index:02d}.left").touch()


@pytest.mark.parametrize(
    "mode", ["sequential", "threads", pytest.param("processes", marks=pytest.mark.slow)]
)
def test_the_instrument_wraps_each_mockup_where_it_is_rendered(sequential_run, tmp_path, mode):
    artwork, _, _ = sequential_run
    markers = tmp_path / "markers"
    markers.mkdir()
    instrument = functools.partial(record_in_marker_file, markers)
    render_run(
        artwork,
        tmp_path / "out",
        options=RenderOptions(templates=BUILT_IN, mode=mode),
        instrument=instrument,
    )
    entered = sorted(markers.glob("*.entered"))
    assert [p.stem for p in entered] == ["01", "02", "03"]
    assert len(list(markers.glob("*.left"))) == 3
    pids = {p.read_text().split()[0] for p in entered}
    threads = {p.read_text().split()[1] for p in entered}
    if mode == "processes":
        assert str(os.getpid()) not in pids
    else:
        assert pids == {str(os.getpid())}
    if mode == "threads":
        assert all(name.startswith("mockup") for name in threads)


def test_releasing_memory_after_each_mockup_changes_no_output(sequential_run, tmp_path):
    artwork, out, _ = sequential_run
    render_run(artwork, tmp_path, options=RenderOptions(templates=BUILT_IN, release_memory=True))
    assert digests(tmp_path) == digests(out)


def test_large_freed_blocks_go_back_to_the_system_at_once(tmp_path):
    """Images made and freed in a new thread each time (as Streamlit runs each rerun) must not
    pile up in thread arenas once the allocator is told to map large blocks on their own."""
    script = tmp_path / "churn.py"
    script.write_text(
        "import threading, psutil\n"
        "from PIL import Image\n"
        "from mockups.memory import return_large_blocks_at_once\n"
        "assert return_large_blocks_at_once()\n"
        "process = psutil.Process()\n"
        "before = process.memory_info().rss\n"
        "def churn():\n"
        "    images = [Image.new('RGB', (3000, 2250), (i, 0, 0)) for i in range(8)]\n"
        "    del images\n"
        "for _ in range(6):\n"
        "    thread = threading.Thread(target=churn)\n"
        "    thread.start()\n"
        "    thread.join()\n"
        "print((process.memory_info().rss - before) // 2**20)\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=environment, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) < 12, f"{done.stdout} MB still held after the images were freed"


def test_heap_in_use_rises_with_an_image_and_falls_when_it_is_freed():
    from mockups.memory import heap_in_use_bytes

    before = heap_in_use_bytes()
    canvas = Image.new("RGB", (3000, 2000))
    held = heap_in_use_bytes()
    del canvas
    after = heap_in_use_bytes()
    assert held - before == pytest.approx(3000 * 2000 * 4, rel=0.1), "4 bytes a pixel"
    assert after - before < 2 * 2**20


def test_each_mockup_records_the_heap_it_left_in_use(sequential_run):
    _, out, _ = sequential_run
    recorded = json.loads((out / "run.json").read_text())["mockups"]
    assert all(0 < entry["heap_after_bytes"] < entry["rss_after_bytes"] for entry in recorded)


def test_rendering_again_into_a_folder_replaces_the_earlier_run_and_nothing_else(
    sequential_run, tmp_path
):
    artwork, _, _ = sequential_run
    render_run(artwork, tmp_path, options=RenderOptions(templates=BUILT_IN))
    (tmp_path / "notes.txt").write_text("the seller's own file")
    render_run(artwork, tmp_path, options=RenderOptions(templates="poster"))
    assert sorted(p.name for p in tmp_path.glob("*.jpg")) == ["01-poster.jpg"]
    assert sorted(p.name for p in (tmp_path / "thumbs").glob("*.jpg")) == ["01-poster.jpg"]
    assert (tmp_path / "notes.txt").read_text() == "the seller's own file"
    assert [m["file"] for m in json.loads((tmp_path / "run.json").read_text())["mockups"]] == [
        "01-poster.jpg"
    ]


def test_auto_mode_records_the_mode_it_chose_and_writes_what_sequential_writes(
    sequential_run, tmp_path, monkeypatch
):
    artwork, sequential, _ = sequential_run
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "4096")
    options = RenderOptions(templates=BUILT_IN, mode="auto", workers=2)
    auto = render_run(artwork, tmp_path / "auto", options=options)
    assert (auto.mode, auto.workers) == ("threads", 2)
    assert digests(tmp_path / "auto") == digests(sequential)


def test_a_draft_decode_far_larger_than_the_prints_need_is_shrunk_before_rendering(tmp_path):
    artwork = tmp_path / "square.jpg"
    gradient_artwork((3000, 3000)).save(artwork, quality=90)
    templates = [load_library()["mug"]]
    needed = required_artwork_size((3000, 3000), templates)
    run = render_run(artwork, tmp_path / "out", options=RenderOptions(templates=["mug"]))
    assert run.artwork.decoder == "pillow-draft-1/2", "the JPEG draft alone gives 1500 px"
    assert (run.artwork.working_width, run.artwork.working_height) == needed
    with Image.open(tmp_path / "out" / "artwork.png") as working:
        assert working.size == needed


def test_a_process_that_imports_the_engine_starts_no_blas_threads():
    """numpy's OpenBLAS would start a thread per core as numpy is imported; a render calls
    no BLAS routine, so a render process (and every child it starts) runs without them."""
    environment = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    count = "import mockups, numpy, os; print(len(os.listdir('/proc/self/task')))"
    threads = subprocess.run(
        [sys.executable, "-c", count], env=environment, capture_output=True, text=True, check=True
    )
    assert threads.stdout.strip() == "1"
