"""The command line as an operator uses it: a real `python -m mockups` process."""

import json
import os
import subprocess
import sys

import pytest

from mockups.commandline import EXIT_READER_GONE, quiet_when_the_reader_leaves
from mockups.runs.catalogue import list_runs
from mockups.templates.library import LISTING_IMAGES, listing_ids, load_library
from tests.conftest import gradient_artwork


def mockups(*args: str, cwd=None, home=None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MOCKUPLAB_HOME": str(home)} if home else None
    return subprocess.run(
        [sys.executable, "-m", "mockups", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env=environment,
    )


def test_templates_json_lists_ids_names_products_and_sizes():
    listed = mockups("templates", "--json")
    assert listed.returncode == 0
    rows = json.loads(listed.stdout)
    assert {"framed-wall", "poster", "greeting-card"} <= {row["id"] for row in rows}
    for row in rows:
        assert {"id", "name", "product", "width", "height"} <= set(row)


def test_templates_prints_one_line_per_template_with_its_colours():
    listed = mockups("templates")
    assert listed.returncode == 0
    rows = json.loads(mockups("templates", "--json").stdout)
    lines = listed.stdout.splitlines()
    assert len(lines) == len(rows)
    for row, line in zip(rows, lines, strict=True):
        assert line.startswith(row["id"])
        if row["colours"]:
            assert line.endswith(f"(colours: {', '.join(row['colours'])})")
    assert any(row["colours"] for row in rows), "the built-in mug, tote and t-shirt have colours"


@pytest.mark.parametrize(
    "command",
    [
        ["mockups", "templates", "--json"],
        ["mockups", "--help"],
        ["profiling", "--help"],
        ["etsy_sync", "--help"],
        ["etsy_sync", "push", "--help"],
    ],
    ids=" ".join,
)
def test_output_into_a_reader_that_stops_reading_ends_quietly(command):
    """`templates --json | head`: here the reader is gone before anything is written."""
    listing = subprocess.Popen(
        [sys.executable, "-m", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert listing.stdout is not None and listing.stderr is not None
    listing.stdout.close()  # long before the interpreter has started
    errors = listing.stderr.read()
    assert listing.wait(timeout=120) == EXIT_READER_GONE
    assert errors == ""


def test_a_command_that_catches_every_exception_still_ends_quietly_when_the_reader_leaves():
    """etsy_sync's main reports any Exception as a failure: a gone reader is not one."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    stdout = sys.stdout
    with open(write_end, "w") as pipe:
        sys.stdout = pipe
        try:
            with pytest.raises(SystemExit) as ended, quiet_when_the_reader_leaves():
                try:
                    print("x" * 100_000, flush=True)
                except Exception:  # what a command's own error handling would catch
                    pytest.fail("a gone reader reached the command's error handling")
        finally:
            sys.stdout = stdout
    assert ended.value.code == EXIT_READER_GONE


def test_render_without_out_writes_a_new_run_of_the_listings_ten_where_history_lists_it(
    tmp_path,
):
    artwork = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(artwork)
    home = tmp_path / "home"
    done = mockups("render", str(artwork), cwd=tmp_path, home=home)
    assert done.returncode == 0, done.stderr
    (listed,) = list_runs(home / "runs")
    assert json.loads(done.stdout)["out_dir"] == str(listed.path.relative_to(tmp_path))
    run = json.loads((listed.path / "run.json").read_text())
    assert [m["template"] for m in run["mockups"]] == listing_ids(load_library())
    assert len(run["mockups"]) == LISTING_IMAGES


def test_render_writes_the_mockups_and_run_json(tmp_path):
    artwork = tmp_path / "art.png"
    gradient_artwork((900, 1200)).save(artwork)
    out = tmp_path / "out"
    done = mockups("render", str(artwork), "--out", str(out), "--templates", "poster,framed-wall")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.glob("*.jpg")) == ["01-poster.jpg", "02-framed-wall.jpg"]
    run = json.loads((out / "run.json").read_text())
    assert run["artwork"]["path"] == str(artwork)
    assert [m["template"] for m in run["mockups"]] == ["poster", "framed-wall"]
    assert json.loads(done.stdout)["mockups"] == 2


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["render", "{missing}", "--out", "{out}"], "no such file"),
        (["render", "{corrupt}", "--out", "{out}"], "not an image"),
        (["render", "{artwork}", "--out", "{out}", "--templates", "nope"], "unknown template"),
        (["render", "{artwork}", "--out", "{out}", "--mode", "gpu"], "invalid choice"),
        (
            ["render", "{artwork}", "--out", "{out}", "--mode", "threads", "--workers", "99"],
            "workers",
        ),
        (["render", "{artwork}", "--out", "{artwork}"], "not a folder"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path, arguments, expected):
    artwork = tmp_path / "art.png"
    gradient_artwork((64, 64)).save(artwork)
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"\xff\xd8 not really a jpeg")
    paths = {
        "missing": tmp_path / "missing.jpg",
        "corrupt": corrupt,
        "artwork": artwork,
        "out": tmp_path / "out",
    }
    done = mockups(*(a.format(**paths) for a in arguments))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert expected in done.stderr
    assert "Traceback" not in done.stderr


def test_render_goes_through_the_memory_budget_like_every_entry_point(tmp_path):
    artwork = tmp_path / "art.png"
    gradient_artwork((900, 1200)).save(artwork)
    refused = subprocess.run(
        [sys.executable, "-m", "mockups", "render", str(artwork), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "MOCKUPLAB_JOB_BUDGET_MB": "30"},
    )
    assert refused.returncode == 2
    (line,) = refused.stderr.strip().splitlines()
    assert "refused before rendering" in line and "the budget is 30 MB" in line
    assert not (tmp_path / "o").exists()


def test_a_tiny_or_wide_artwork_renders_with_a_warning_and_contain_keeps_it_whole(tmp_path):
    logo = tmp_path / "logo.png"
    gradient_artwork((4000, 1000)).save(logo)
    covered = mockups("render", str(logo), "--out", str(tmp_path / "c"), "--templates", "poster")
    assert covered.returncode == 0
    warnings = [line for line in covered.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings and "contain" in warnings[0]
    assert json.loads((tmp_path / "c" / "run.json").read_text())["warnings"] == [
        line.removeprefix("warning: ") for line in warnings
    ]
    contained = mockups(
        "render",
        str(logo),
        "--out",
        str(tmp_path / "k"),
        "--templates",
        "poster",
        "--fit",
        "contain",
    )
    assert contained.returncode == 0
    assert not [line for line in contained.stderr.splitlines() if line.startswith("warning: ")]
    assert json.loads((tmp_path / "k" / "run.json").read_text())["fit"] == "contain"


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["profiling", "--help"], "Profile Mockup Lab's renders with memray"),
        (["etsy_sync", "push", "--help"], "--listing ID the Etsy listing's id"),
        (["etsy_sync", "status", "--help"], "--listing ID the listing's id"),
    ],
    ids=" ".join,
)
def test_help_says_what_a_command_and_its_options_do(command, said):
    helped = subprocess.run(
        [sys.executable, "-m", *command],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert helped.returncode == 0
    assert helped.stdout.startswith(f"usage: python -m {command[0]}")
    assert said in " ".join(helped.stdout.split())
    assert "parse the arguments" not in helped.stdout, "not the module's docstring"


def test_render_reads_and_checks_the_templates_once(tmp_path, monkeypatch):
    """The budget's plan is the render's plan: the library is not loaded a second time."""
    from mockups import cli
    from mockups.render import selection

    loads = []

    def counted_load_library(*folders):
        loads.append(folders)
        return load_library(*folders)

    monkeypatch.setattr(selection, "load_library", counted_load_library)
    artwork = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(artwork)
    args = ["render", str(artwork), "--out", str(tmp_path / "out"), "--templates", "poster"]
    assert cli.main(args) == 0
    assert (tmp_path / "out" / "01-poster.jpg").is_file()
    assert len(loads) == 1


def test_the_command_line_loads_multiprocessing_only_for_a_processes_run():
    """Imported lazily: a sequential or threads render never pays for it."""
    script = "import sys, mockups.cli; print('multiprocessing' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert loaded.stdout.strip() == "False", loaded.stderr
