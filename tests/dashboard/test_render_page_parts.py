"""The Render page's pure parts: the budget's advice per mode, tiles of one shape, the
summary line, and the dashboard's configuration."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from PIL import Image

from dashboard.budget_advice import advise
from dashboard.widgets import BOX_SIZE, boxed_image, summary_line
from mockups.options import RenderOptions
from mockups.render.run import render_run
from mockups.templates.library import load_library
from tests.conftest import gradient_artwork

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_artwork(tmp_path) -> Path:
    path = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(path)
    return path


def estimate_mb(artwork: Path, templates: tuple[str, ...], **options) -> float:
    from mockups.render.plan import plan_render

    chosen = RenderOptions(templates=templates, **options)
    return plan_render(artwork, chosen, load_library()).estimate.peak_mb


def test_a_mode_over_the_budget_is_refused_with_the_modes_and_workers_that_fit(
    small_artwork, monkeypatch
):
    pair = ("poster", "pillow")
    sequential = estimate_mb(small_artwork, pair, mode="sequential")
    threads = estimate_mb(small_artwork, pair, mode="threads", workers=2)
    budget = round((sequential + threads) / 2)
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", str(budget))
    advice = advise(small_artwork, pair, 2, load_library())
    assert advice is not None
    assert not advice.refused("sequential") and not advice.refused("auto")
    assert advice.refused("threads") and advice.refused("processes")
    assert advice.fits["threads"].fitting_workers == 1
    assert advice.suggestion("sequential") is None
    suggestion = advice.suggestion("threads") or ""
    assert suggestion.startswith(
        f"threads needs about {threads:.0f} MB, over the {budget} MB budget: choose "
        "sequential, or threads with 1 worker; or untick "
    ), suggestion


def test_the_advice_names_the_template_that_needs_the_most_and_says_contain_fits(
    tmp_path, monkeypatch
):
    from mockups.render.plan import plan_render

    camera = tmp_path / "camera.jpg"
    gradient_artwork((6000, 4000)).save(camera, quality=80)
    ten = tuple(load_library())[:10]
    heaviest = plan_render(camera, RenderOptions(templates=ten), load_library()).heaviest()
    assert heaviest is not None
    cover = estimate_mb(camera, ten, mode="sequential")
    contain = estimate_mb(camera, ten, mode="sequential", fit="contain")
    without = estimate_mb(camera, tuple(t for t in ten if t != heaviest.key), mode="sequential")
    assert contain < without < cover
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", f"{(without + cover) / 2:.1f}")
    advice = advise(camera, ten, 2, load_library())
    assert advice is not None and advice.refused("sequential")
    suggestion = advice.suggestion("sequential") or ""
    assert f"untick {heaviest.name}" in suggestion
    assert f"({heaviest.key}), which needs the most (about {without:.0f} MB without it)" in (
        suggestion
    )
    assert f"use fit contain (about {contain:.0f} MB)" in suggestion
    assert advise(camera, ten, 2, load_library(), fit="contain").fits["sequential"].fits, (
        "the advice follows the fit chosen"
    )


def test_when_no_mode_fits_the_advice_says_to_render_less(small_artwork, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "10")
    advice = advise(small_artwork, ("poster",), 2, load_library())
    assert advice is not None and all(advice.refused(mode) for mode in advice.fits)
    assert "no mode fits: tick fewer templates or use a smaller artwork" in (
        advice.suggestion("sequential") or ""
    )


@pytest.mark.parametrize("workers", [2, 8])
def test_the_advice_reads_the_header_once_and_resolves_the_templates_once(
    small_artwork, monkeypatch, workers
):
    from mockups.render import plan

    templates = ("poster", "mug", "tote")
    two_threads = RenderOptions(templates=templates, mode="threads", workers=2)
    threads_mb = plan.plan_render(small_artwork, two_threads).estimate.peak_mb
    calls = {"read_header": 0, "resolve_templates": 0}

    def counted(name):
        real = getattr(plan, name)

        def call(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(plan, name, call)

    counted("read_header")
    counted("resolve_templates")
    # threads refused, with any number of workers: fewer are tried too
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", str(threads_mb - 1))
    advice = advise(small_artwork, templates, workers, load_library())
    assert advice is not None and advice.refused("threads")
    assert calls == {"read_header": 1, "resolve_templates": 1}


def test_an_artwork_that_cannot_be_estimated_gets_no_advice(tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG not really")
    assert advise(broken, ("poster",), 2, load_library()) is None


@pytest.mark.parametrize("size", [(600, 450), (450, 600), (600, 150), (40, 30)])
def test_every_tile_has_the_same_shape_whatever_the_images(tmp_path, size):
    path = tmp_path / f"{size[0]}x{size[1]}.jpg"
    Image.new("RGB", size, (200, 30, 30)).save(path)
    with Image.open(io.BytesIO(boxed_image(str(path)))) as tile:
        assert tile.size == BOX_SIZE
        red, _, _ = tile.convert("RGB").getpixel((BOX_SIZE[0] // 2, BOX_SIZE[1] // 2))
    assert red > 150, "the image sits in the middle of its tile"


def test_the_summary_line_counts_times_and_weighs_the_run_by_the_users_name(
    small_artwork, tmp_path
):
    options = RenderOptions(templates=["poster", "mug"], artwork_name="*Bold* name.png")
    run = render_run(small_artwork, tmp_path / "run", options=options)
    line = summary_line(run)
    assert line.startswith("**2 mockups** of \\*Bold\\* name\u2060\\.png in ")
    assert f"in {run.wall_seconds:.1f} s, peak {run.peak_rss_bytes / 2**20:.0f} MB" in line


def test_the_deploy_button_and_developer_menu_are_hidden():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["toolbarMode"] == "minimal"
