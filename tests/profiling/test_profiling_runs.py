"""Profiled runs as the dashboard, the CLI and the analysts use them: child, files, commands."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import profiling.__main__ as profiling_cli
from mockups.cli import main as mockups_main
from mockups.options import RenderOptions
from mockups.templates.library import listing_ids, load_library, select_templates
from profiling import load_run, profile_run
from profiling.profile_folder import RUN_JSON_FIELDS
from tests.conftest import gradient_artwork

TWO_TEMPLATES = "poster,greeting-card"


@pytest.fixture(scope="module")
def artwork(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("art") / "art.jpg"
    gradient_artwork((1200, 1500)).save(path, quality=90)
    return path


@pytest.fixture(scope="module")
def cli_profiled(artwork, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "run"
    status = mockups_main(
        ["render", str(artwork), "--out", str(out), "--templates", TWO_TEMPLATES, "--profile"]
    )
    assert status == 0
    return out


def test_render_with_profile_adds_heap_figures_to_run_json_and_keeps_the_captures(cli_profiled):
    run = json.loads((cli_profiled / "run.json").read_text())
    profiled = load_run(cli_profiled)
    for entry, mockup in zip(run["mockups"], profiled.mockups, strict=True):
        block = entry["profile"]  # the profiler's figures, in one block the engine carries
        assert {name: block[name] for name in RUN_JSON_FIELDS} == {
            name: getattr(mockup, name) for name in RUN_JSON_FIELDS
        }
        assert block["heap_peak_bytes"] > entry["width"] * entry["height"] * 4  # its canvas
        assert block["allocated_bytes"] >= block["heap_peak_bytes"]
        assert not set(RUN_JSON_FIELDS) & set(entry), "none of them beside the engine's"
    assert run["profile"] == "profile/summary.json"
    assert (cli_profiled / "profile" / "run.bin").stat().st_size > 0
    for table in ("mockups.csv", "timeline.csv", "sites.csv"):
        assert (cli_profiled / "profile" / table).exists()


def test_the_engine_its_command_line_and_a_server_calling_profile_run_do_not_import_memray():
    check = (
        "import sys, mockups, mockups.cli; from profiling import profile_run, load_run; "
        "assert 'memray' not in sys.modules, 'memray imported'"
    )
    subprocess.run([sys.executable, "-c", check], check=True)


def test_the_timeline_covers_the_run_with_each_mockup_marked(cli_profiled):
    profiled = load_run(cli_profiled)
    timeline, frame = profiled.timeline, profiled.frame
    assert timeline["seconds"].is_monotonic_increasing
    assert (timeline["rss_bytes"] > 0).all()
    assert 0 < timeline["heap_bytes"].max() <= profiled.summary.heap_peak_bytes
    for mockup in frame.itertuples():
        seconds = timeline["seconds"]
        start, end = mockup.started_seconds + 0.002, mockup.finished_seconds - 0.002
        inside = timeline[(seconds > start) & (seconds < end)]
        assert len(inside) > 0 and (inside["index"] == mockup.index).all()
        assert mockup.rss_before_bytes <= mockup.rss_peak_bytes >= mockup.rss_after_bytes


def test_report_writes_memray_flame_graphs_per_mockup_and_for_the_run(cli_profiled, capsys):
    assert profiling_cli.main(["report", str(cli_profiled)]) == 0
    printed = capsys.readouterr().out
    folder = cli_profiled / "profile"
    names = ["01-poster", "02-greeting-card", "run"]
    for name in names:
        page = (folder / f"memray-flamegraph-{name}.html").read_text()
        assert "memray" in page.lower() and "flamegraph" in page.lower()
    poster_page = (folder / "memray-flamegraph-01-poster.html").read_text()
    top_function = load_run(cli_profiled).sites.query("index == 1").iloc[0]["function"]
    assert top_function in poster_page
    assert "RSS" in printed and "poster" in printed


@pytest.mark.slow
def test_profile_run_renders_in_a_child_with_one_capture_per_worker_task(artwork, tmp_path):
    calls = []
    profiled = profile_run(
        artwork,
        tmp_path,
        options=RenderOptions(templates=TWO_TEMPLATES, mode="processes", workers=2),
        progress=lambda done, total, result: calls.append((done, total, result.template)),
    )
    assert [call[:2] for call in calls] == [(1, 2), (2, 2)]
    assert sorted(call[2] for call in calls) == ["greeting-card", "poster"]
    frame = profiled.frame
    assert list(frame["capture"]) == ["01-poster.bin", "02-greeting-card.bin"]
    assert frame["heap_exact"].all() and frame["rss_exact"].all()
    assert not profiled.summary.heap_peak_exact
    assert len(set(frame["worker"].str.split("/").str[0])) == 2
    for capture in frame["capture"]:
        assert (tmp_path / "profile" / capture).exists()
    assert set(profiled.timeline["capture"]) == {"run.bin", *frame["capture"]}
    assert profiled.summary.heap_peak_bytes >= frame["heap_peak_bytes"].max()
    assert set(profiled.sites.query("kind == 'peak'")["index"]) == {1, 2}


def test_profile_run_raises_the_engines_error_for_bad_input(tmp_path):
    from mockups.errors import ArtworkError, TemplateError

    artwork = tmp_path / "art.png"
    gradient_artwork((400, 500)).save(artwork)
    with pytest.raises(TemplateError, match="no-such-template"):
        profile_run(artwork, tmp_path / "out", options=RenderOptions(templates="no-such-template"))
    with pytest.raises(ArtworkError):
        profile_run(
            tmp_path / "missing.png", tmp_path / "out", options=RenderOptions(templates="poster")
        )


def test_compare_renders_each_mode_and_measures_the_release_step(artwork, tmp_path, capsys):
    status = profiling_cli.main(
        [
            "compare",
            str(artwork),
            "--out",
            str(tmp_path),
            "--modes",
            "sequential,threads",
            "--workers",
            "2",
            "--templates",
            TWO_TEMPLATES,
            "--release",
        ]
    )
    assert status == 0
    rows = json.loads((tmp_path / "compare.json").read_text())
    assert [(r["mode"], r["workers"], r["release_memory"]) for r in rows] == [
        ("sequential", 1, False),
        ("sequential", 1, True),
        ("threads", 2, False),
        ("threads", 2, True),
    ]
    for row in rows:
        assert row["identical_outputs"] is True
        assert row["heap_peak_exact"] is True
        for key in ("wall_seconds", "peak_rss_bytes", "heap_peak_bytes", "allocated_bytes"):
            assert row[key] > 0
    kept, released = rows[0]["rss_after_bytes"], rows[1]["rss_after_bytes"]
    # Every run now hands large freed blocks straight back (render_run's mmap threshold), so
    # the release step has little left to return; it must never leave more behind.
    assert released <= kept + 4 * 2**20
    out = capsys.readouterr().out
    assert "byte-identical across runs: yes" in out
    assert out.splitlines()[-1].startswith("Fastest within the 256 MB budget: ")


def test_compare_applies_the_render_budget_and_leaves_out_what_it_refuses_by_default(
    artwork, tmp_path, capsys, monkeypatch
):
    from profiling.compare import plan_comparison

    sequential, threads = plan_comparison(artwork, ["sequential", "threads"], [2], "poster,mug", 0)
    between = (sequential.peak_bytes + threads.peak_bytes) / 2 / 2**20
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", f"{between:.1f}")
    asked = ["compare", str(artwork), "--templates", "poster,mug", "--modes", "sequential,threads"]
    assert profiling_cli.main([*asked, "--out", str(tmp_path / "asked")]) == 2
    refused = capsys.readouterr().err
    assert "refused before rendering: Threads x2 needs about" in refused
    assert not (tmp_path / "asked").exists()

    assert profiling_cli.main([*asked[:4], "--out", str(tmp_path / "fitting")]) == 0
    printed = capsys.readouterr()
    assert "left out: Threads x2 needs about" in printed.err
    assert "left out: Processes x2 needs about" in printed.err
    rows = json.loads((tmp_path / "fitting" / "compare.json").read_text())
    assert [row["mode"] for row in rows] == ["sequential"]
    assert printed.out.splitlines()[-1].startswith(
        f"Fastest within the {between:.0f} MB budget: Sequential, "
    )


def test_compare_renders_the_templates_the_dashboard_ticks_by_default():
    args = profiling_cli._parser().parse_args(["compare", "art.jpg", "--out", "out"])
    library = load_library()
    chosen = [template.key for template in select_templates(library, args.templates)]
    assert chosen == listing_ids(library) and len(chosen) == 10


def test_compare_refuses_an_unknown_mode(artwork, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        profiling_cli.main(["compare", str(artwork), "--out", str(tmp_path), "--modes", "gpu"])
    assert exit_info.value.code == 2
