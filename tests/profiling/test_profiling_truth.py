"""The profiler tells the truth: a planted leak, known buffer sizes, one-time allocations.

These profile in this process with the engine's render step wrapped by the test, so the
planted behaviour is ours and its size is known.
"""

import importlib
import mmap
import sys
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

import mockups.render.run
from mockups.memory import MIB
from mockups.options import RenderOptions
from mockups.render.helpers import helper_thread
from mockups.render.mockup import Mockup
from mockups.templates.library import load_library
from profiling import load_run, profile_in_process
from profiling.demo import leak_on, planting_location
from profiling.replay import PYTHON_ARENA_BYTES
from tests.conftest import gradient_artwork

PLANTED_ON = "framed-wall"
TEMPLATES = ["poster", "greeting-card", PLANTED_ON]
CLEAN_LEAK_BYTES = 1 * MIB


@pytest.fixture(scope="module")
def artwork(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("art") / "art.jpg"
    gradient_artwork((1200, 1500)).save(path, quality=90)
    return path


@pytest.fixture
def leaking_render():
    with leak_on(PLANTED_ON) as kept:
        yield kept


@pytest.mark.parametrize("mode", ["sequential", "threads"])
def test_a_planted_leak_shows_on_its_mockup_alone_at_the_planting_line(
    artwork, tmp_path, leaking_render, mode
):
    profiled = profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=TEMPLATES, mode=mode, workers=2)
    )
    frame = profiled.frame.set_index("index")
    kept = leaking_render[0]
    canvas_bytes = kept.width * kept.height * 4
    assert frame.loc[3, "leaked_bytes"] == pytest.approx(canvas_bytes, rel=0.02)
    assert (frame.loc[[1, 2], "leaked_bytes"] < CLEAN_LEAK_BYTES).all()
    leaked = profiled.sites.query("index == 3 and kind == 'leaked'")
    top = leaked.sort_values("bytes", ascending=False).iloc[0]
    assert top["location"] == planting_location()
    assert top["function"] == "render_keeping_a_copy"
    assert top["stack"][0].startswith("copy ")  # the whole stack, from Pillow's frame outwards
    assert any("mockups/render/run.py:" in frame for frame in top["stack"])  # down to the engine
    assert profiled.sites.query("index != 3 and kind == 'leaked'")["bytes"].sum() < (
        CLEAN_LEAK_BYTES
    )


def test_a_profile_reads_back_from_disk_as_it_was_written(artwork, tmp_path, leaking_render):
    profiled = profile_in_process(artwork, tmp_path, options=RenderOptions(templates=TEMPLATES))
    loaded = load_run(tmp_path)
    assert loaded.summary == profiled.summary
    assert loaded.frame.equals(profiled.frame)
    assert loaded.timeline.equals(profiled.timeline)
    assert loaded.sites.equals(profiled.sites)


def known_buffers_render(artwork, template, *_):
    """A render whose buffers are known: the RGB canvas (4 bytes a pixel) and an L layer (1)."""
    canvas = blank_canvas(template)
    layer = Image.new("L", template.size, 128)
    canvas.paste((200, 30, 30), (0, 0, 64, 64), layer.crop((0, 0, 64, 64)))
    del layer
    return Mockup.whole(canvas)


def blank_canvas(template):
    return Image.new("RGB", template.size, (240, 240, 240))


@pytest.mark.parametrize("mode", ["sequential", "threads"])
def test_heap_peaks_agree_with_the_known_sizes_of_the_buffers_within_ten_percent(
    artwork, tmp_path, monkeypatch, mode
):
    monkeypatch.setattr(mockups.render.run, "render_mockup", known_buffers_render)
    profiled = profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=TEMPLATES, mode=mode, workers=3)
    )
    for mockup in profiled.mockups:
        width, height = load_library()[mockup.template].size
        known = width * height * 4 + width * height  # canvas and layer, alive together
        assert mockup.heap_peak_bytes == pytest.approx(known, rel=0.10), mockup.template
        assert mockup.heap_exact
        assert mockup.rss_exact == (mode == "sequential")
    peak_sites = profiled.sites.query("kind == 'peak'")
    assert set(peak_sites["function"]) >= {"blank_canvas", "known_buffers_render"}


def render_with_a_helper_buffer(artwork, template, *_):
    """The known canvas, and a known buffer (2 bytes a pixel) made and dropped on the engine's
    helper thread while the canvas is alive."""
    canvas = blank_canvas(template)
    with helper_thread() as beside:
        beside.submit(lambda: len(bytearray(template.size[0] * template.size[1] * 2))).result()
    return Mockup.whole(canvas)


def test_what_the_engines_helper_thread_allocates_counts_to_the_mockup_it_helps(
    artwork, tmp_path, monkeypatch
):
    monkeypatch.setattr(mockups.render.run, "render_mockup", render_with_a_helper_buffer)
    profiled = profile_in_process(artwork, tmp_path, options=RenderOptions(templates=TEMPLATES))
    for mockup in profiled.mockups:
        width, height = load_library()[mockup.template].size
        known = width * height * 4 + width * height * 2
        assert mockup.heap_peak_bytes == pytest.approx(known, rel=0.10), mockup.template
        assert mockup.leaked_bytes < CLEAN_LEAK_BYTES


@cache
def one_time_buffer() -> bytearray:
    return bytearray(8 * MIB)


def test_one_time_allocations_are_not_reported_as_the_first_mockups_leak(
    artwork, tmp_path, monkeypatch
):
    real_render = mockups.render.run.render_mockup

    def render_with_a_cache_filled_on_first_use(artwork, template, *rest):
        one_time_buffer()
        return real_render(artwork, template, *rest)

    one_time_buffer.cache_clear()
    monkeypatch.setattr(
        mockups.render.run, "render_mockup", render_with_a_cache_filled_on_first_use
    )
    profiled = profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=["poster", "poster"])
    )
    assert (profiled.frame["leaked_bytes"] < CLEAN_LEAK_BYTES).all()
    one_time_buffer.cache_clear()


def test_what_a_lazy_import_leaves_behind_is_one_time_not_a_leak(artwork, tmp_path, monkeypatch):
    module = f"lazily_imported_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{module}.py").write_text("TABLE = bytearray(4 * 1024 * 1024)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    real_render = mockups.render.run.render_mockup

    def render_importing_on_first_use(artwork, template, *rest):
        if template.key == "poster":  # a real template's path, which the warm-up does not take
            importlib.import_module(module)
        return real_render(artwork, template, *rest)

    monkeypatch.setattr(mockups.render.run, "render_mockup", render_importing_on_first_use)
    profiled = profile_in_process(
        artwork, tmp_path / "out", options=RenderOptions(templates=["poster", "poster"])
    )
    first, second = profiled.mockups
    assert first.one_time_bytes == pytest.approx(4 * MIB, rel=0.05)
    assert first.leaked_bytes < CLEAN_LEAK_BYTES and second.leaked_bytes < CLEAN_LEAK_BYTES
    assert second.one_time_bytes == 0
    one_time = profiled.sites.query("kind == 'one-time'").iloc[0]
    assert one_time["location"] == f"{tmp_path / module}.py:1"
    sys.modules.pop(module)


def test_an_arena_by_which_python_grew_its_object_pool_is_one_time_not_a_leak(
    artwork, tmp_path, monkeypatch
):
    """CPython maps its object pool 1 MiB at a time and keeps the arenas: the mockup during
    which the pool grew did not leak them. A region of any other size is still a leak."""
    kept: list[mmap.mmap] = []
    real_render = mockups.render.run.render_mockup

    def render_mapping(artwork, template, *rest):
        if template.key == "poster":  # not the warm-up's tiny templates
            size = PYTHON_ARENA_BYTES if not kept else 2 * PYTHON_ARENA_BYTES
            kept.append(mmap.mmap(-1, size))  # anonymous, as obmalloc maps its arenas
            kept[-1].write(b"\1" * size)
        return real_render(artwork, template, *rest)

    monkeypatch.setattr(mockups.render.run, "render_mockup", render_mapping)
    profiled = profile_in_process(
        artwork, tmp_path, options=RenderOptions(templates=["poster", "poster"])
    )
    arena, other = profiled.mockups
    assert arena.one_time_bytes >= PYTHON_ARENA_BYTES
    assert arena.leaked_bytes < CLEAN_LEAK_BYTES
    assert other.leaked_bytes >= 2 * PYTHON_ARENA_BYTES
    for region in kept:
        region.close()
