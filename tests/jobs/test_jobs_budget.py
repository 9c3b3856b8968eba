"""The memory budget: estimates from headers follow intake, and over-budget jobs are refused."""

from __future__ import annotations

import sys

import pytest
import pyvips
from PIL import Image

from mockups.artwork.intake import load_artwork, read_header
from mockups.errors import MockupLabError
from mockups.jobs import JobRefused, RenderJob, budget_bytes, check_budget, estimate_peak
from mockups.memory import MIB
from mockups.options import RenderOptions
from mockups.render import budget
from mockups.render.budget import DEFAULT_BUDGET_MB, decoded_size
from mockups.render.plan import check_budget as check_render_budget
from mockups.render.plan import plan_render
from mockups.render.selection import required_artwork_size
from mockups.templates.library import load_library, select_templates
from tests.conftest import gradient_artwork
from tests.peak_rss import measured

BUILT_IN_TEN = tuple(load_library())[:10]


@pytest.fixture(scope="module")
def large_jpeg(tmp_path_factory):
    path = tmp_path_factory.mktemp("budget") / "large.jpg"
    gradient_artwork((4000, 5000)).save(path, quality=80)
    return path


def test_the_budget_is_read_from_the_environment_in_mb(monkeypatch):
    monkeypatch.delenv("MOCKUPLAB_JOB_BUDGET_MB", raising=False)
    assert budget_bytes() == DEFAULT_BUDGET_MB * MIB
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "300")
    assert budget_bytes() == 300 * MIB
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "lots")
    with pytest.raises(MockupLabError, match="MOCKUPLAB_JOB_BUDGET_MB must be a number"):
        budget_bytes()


@pytest.mark.parametrize(
    ("size", "image_format", "templates"),
    [
        ((4000, 5000), "JPEG", ["poster"]),  # JPEG draft at 1/2
        ((4000, 5000), "JPEG", ["desk-frame"]),  # a small print: draft at 1/4
        ((1600, 2000), "JPEG", ["poster", "mug"]),
        ((1200, 900), "PNG", ["framed-wall"]),
        ((5000, 4000), "PNG", ["poster"]),  # over 16 MP: libvips shrinks while reading
    ],
)
def test_the_estimate_decodes_the_artwork_at_the_size_intake_does(
    tmp_path, size, image_format, templates
):
    path = tmp_path / f"art.{image_format.lower()}"
    Image.new("RGB", size, (120, 80, 40)).save(path, image_format, compress_level=1)
    chosen = select_templates(load_library(), templates)
    decoded = load_artwork(path, required_artwork_size(size, chosen)).image.size
    assert decoded_size(read_header(path), chosen) == decoded


def test_the_estimate_grows_with_the_artwork_and_with_parallel_workers(
    large_jpeg, artwork_jpeg, tmp_path
):
    def peak(artwork, **options) -> int:
        return estimate_peak(
            RenderJob(
                artwork=artwork,
                run_dir=tmp_path,
                options=RenderOptions(templates=["poster", "pillow"], **options),
            )
        ).peak_bytes

    assert peak(large_jpeg) > peak(artwork_jpeg)
    assert peak(large_jpeg, mode="threads", workers=2) > peak(large_jpeg)
    assert peak(large_jpeg, mode="processes", workers=2) > peak(
        large_jpeg, mode="threads", workers=2
    )


def test_every_built_in_template_fits_the_default_budget_in_sequence(
    large_jpeg, tmp_path, monkeypatch
):
    monkeypatch.delenv("MOCKUPLAB_JOB_BUDGET_MB", raising=False)
    estimate = check_budget(
        RenderJob(artwork=large_jpeg, run_dir=tmp_path, options=RenderOptions(templates="all"))
    )
    assert estimate.mockups == len(load_library())


def test_a_job_over_the_budget_is_refused_with_one_line_saying_why(
    large_jpeg, tmp_path, monkeypatch
):
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "100")
    with pytest.raises(JobRefused) as refused:
        check_budget(
            RenderJob(
                artwork=large_jpeg,
                run_dir=tmp_path,
                options=RenderOptions(templates=["poster"] * 3, mode="threads", workers=3),
            )
        )
    message = str(refused.value)
    assert "\n" not in message
    assert "4000x5000" in message and "threads x 3" in message and "budget is 100 MB" in message


def striped_png(path, width: int, height: int, interlace: bool = False):
    """An RGBA PNG without an eXIf chunk, written by libvips without holding it in memory."""
    x, y = pyvips.Image.xyz(width, height)
    image = (x % 256).cast("uchar").bandjoin([(y % 256).cast("uchar"), 128, 200])
    image.pngsave(str(path), compression=1, keep="none", interlace=interlace)
    return path


@pytest.fixture(scope="module")
def big_rgba_png(tmp_path_factory):
    return striped_png(tmp_path_factory.mktemp("budget-png") / "big-rgba.png", 9000, 9000)


@pytest.mark.limit_memory("40 MB")
def test_estimating_a_big_png_decodes_none_of_it(big_rgba_png, tmp_path):
    estimate = estimate_peak(
        RenderJob(
            artwork=big_rgba_png, run_dir=tmp_path, options=RenderOptions(templates=["poster"])
        )
    )
    assert estimate.artwork_size == (9000, 9000)


@pytest.fixture(scope="module")
def wide_rgba_png(tmp_path_factory):
    """Wide enough that libvips's row buffers, not the mockups, set the peak."""
    return striped_png(tmp_path_factory.mktemp("budget-wide") / "wide-rgba.png", 10000, 1500)


@pytest.mark.parametrize("artwork", ["big_rgba_png", "wide_rgba_png"])
def test_the_estimate_is_not_below_the_measured_peak_rss_of_a_streamed_png(
    request, artwork, tmp_path
):
    path = request.getfixturevalue(artwork)
    command = [sys.executable, "-m", "mockups", "render", str(path), "--out"]
    rendered = measured([*command, str(tmp_path / "out"), "--templates", "poster"], tmp_path)
    assert rendered.returncode == 0, rendered.stderr_lines
    estimate = estimate_peak(
        RenderJob(artwork=path, run_dir=tmp_path, options=RenderOptions(templates=["poster"]))
    )
    assert estimate.peak_mb >= rendered.peak_rss_mb


def test_an_interlaced_png_too_large_to_decode_whole_is_refused_by_the_budget(tmp_path):
    path = striped_png(tmp_path / "interlaced.png", 5000, 4000, interlace=True)
    with pytest.raises(MockupLabError, match="interlaced PNG .* re-save it without interlacing"):
        check_budget(
            RenderJob(artwork=path, run_dir=tmp_path, options=RenderOptions(templates=["poster"]))
        )


def test_auto_renders_with_two_threads_when_their_estimate_fits_the_budget(large_jpeg, monkeypatch):
    options = RenderOptions(templates=BUILT_IN_TEN, mode="auto", workers=2)
    threads = plan_render(large_jpeg, options.with_changes(mode="threads")).estimate
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", str(threads.peak_mb + 1))
    chosen = plan_render(large_jpeg, options).options
    assert (chosen.mode, chosen.workers) == ("threads", 2)
    assert chosen.templates == options.templates


def test_auto_falls_back_to_sequential_when_threads_would_overrun_the_budget(
    large_jpeg, monkeypatch
):
    options = RenderOptions(templates=BUILT_IN_TEN, mode="auto", workers=2)
    sequential = plan_render(large_jpeg, options.with_changes(mode="sequential")).estimate
    threads = plan_render(large_jpeg, options.with_changes(mode="threads")).estimate
    assert sequential.peak_bytes < threads.peak_bytes
    between = (sequential.peak_mb + threads.peak_mb) / 2
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", str(between))
    assert plan_render(large_jpeg, options).mode == "sequential"
    assert check_render_budget(large_jpeg, options).concurrency == 1


def test_a_job_renders_in_auto_mode_unless_it_says_otherwise(artwork_jpeg):
    assert RenderJob(artwork="/a.jpg", run_dir="/run").options.mode == "auto"
    header, chosen = read_header(artwork_jpeg), select_templates(load_library(), ["poster"])
    assert budget.choose_mode(header, chosen, RenderOptions(mode="threads")).mode == "threads"


def test_a_plan_tries_other_modes_without_reading_the_artwork_again(large_jpeg, monkeypatch):
    plan = plan_render(large_jpeg, RenderOptions(templates=BUILT_IN_TEN))
    monkeypatch.setattr("mockups.render.plan.read_header", None)  # any read would fail
    threads = plan.replanned(mode="threads", workers=3)
    assert (threads.mode, threads.workers) == ("threads", 3)
    assert threads.estimate == plan_render_again(large_jpeg, mode="threads", workers=3).estimate
    assert threads.estimate.peak_bytes > plan.estimate.peak_bytes


def plan_render_again(artwork, **options):
    from mockups.artwork import intake

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("mockups.render.plan.read_header", intake.read_header)
        return plan_render(artwork, RenderOptions(templates=BUILT_IN_TEN, **options))


@pytest.fixture(scope="module")
def camera_jpeg(tmp_path_factory):
    """A 24 MP camera photo: the phone case's tall cover print needs it wider than its half
    (3017 x 2012), which no JPEG draft scale gives without decoding all of it."""
    path = tmp_path_factory.mktemp("camera") / "camera.jpg"
    gradient_artwork((6000, 4000)).save(path, quality=85)
    return path


def test_a_camera_photo_renders_on_the_ten_templates_within_the_default_budget(
    camera_jpeg, tmp_path, monkeypatch
):
    monkeypatch.delenv("MOCKUPLAB_JOB_BUDGET_MB", raising=False)
    plan = plan_render(camera_jpeg, RenderOptions(templates=BUILT_IN_TEN, mode="auto"))
    assert plan.check() is plan and plan.needed_size[0] > 6000 // 2, "more than a draft gives"
    assert plan.decoded_size == load_artwork(camera_jpeg, plan.needed_size).image.size
    command = [sys.executable, "-m", "mockups", "render", str(camera_jpeg), "--mode"]
    rendered = measured(
        [*command, "sequential", "--out", str(tmp_path / "out"), "--templates", "all"], tmp_path
    )
    assert rendered.returncode == 0, rendered.stderr_lines
    sequential = plan_render(camera_jpeg, RenderOptions(templates="all")).estimate
    assert rendered.peak_rss_mb < 190, "decoded whole by Pillow and copied, it peaked at 235 MB"
    assert rendered.peak_rss_mb <= sequential.peak_mb <= 1.15 * rendered.peak_rss_mb


def test_a_refusal_names_the_template_that_needs_the_most_and_what_fits_instead(
    camera_jpeg, monkeypatch
):
    plan = plan_render(camera_jpeg, RenderOptions(templates=BUILT_IN_TEN))
    peaks_without = {t.key: plan.without(t).estimate.peak_bytes for t in plan.templates}
    heaviest = plan.heaviest()
    assert heaviest is not None and peaks_without[heaviest.key] == min(peaks_without.values())
    without = plan.without(heaviest)
    contained = plan.replanned(fit="contain")
    assert contained.estimate.peak_bytes < without.estimate.peak_bytes < plan.estimate.peak_bytes
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", str(plan.estimate.peak_mb - 1))
    with pytest.raises(JobRefused) as refused:
        plan.check()
    message = str(refused.value)
    assert "\n" not in message and "render sequentially" not in message
    assert (
        f"leave out {heaviest.name} ({heaviest.key}), which needs the most (about "
        f"{without.estimate.peak_mb:.0f} MB without it); or use fit contain (about "
        f"{contained.estimate.peak_mb:.0f} MB)"
    ) in message
    threads = plan.replanned(mode="threads", workers=2)
    assert threads.estimate.peak_bytes > plan.estimate.peak_bytes
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", str(plan.estimate.peak_mb + 1))
    with pytest.raises(JobRefused, match=r"needs about \d+ MB; .*: render sequentially \(about"):
        threads.check()
