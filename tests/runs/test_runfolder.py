"""The run folder: one reader of run.json, atomic writes, and a folder that holds one run."""

import json
import os
import subprocess
import sys

import pytest

from mockups.options import RenderOptions
from mockups.render.run import render_run
from mockups.runs.catalogue import list_runs, zip_run
from mockups.runs.folder import (
    RunFolderError,
    atomic_file,
    mockup_path,
    read_run,
)
from tests.conftest import gradient_artwork

TEMPLATES = "poster,greeting-card"


@pytest.fixture
def run_dir(tmp_path):
    artwork = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(artwork)
    out = tmp_path / "run"
    render_run(artwork, out, options=RenderOptions(templates=TEMPLATES))
    return out


def rewrite_run_json(folder, change) -> None:
    data = json.loads((folder / "run.json").read_text())
    change(data)
    (folder / "run.json").write_text(json.dumps(data))


def test_read_run_gives_typed_results(run_dir):
    run = read_run(run_dir)
    assert [m.file for m in run.mockups] == ["01-poster.jpg", "02-greeting-card.jpg"]
    assert run.artwork.width == 300 and run.profiled is False


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["mockups"][1].update(file="../../etc/passwd"), "../../etc/passwd"),
        (lambda d: d["mockups"][0].update(file="/etc/passwd"), "/etc/passwd"),
        (lambda d: d["mockups"][0].update(width="wide"), "mockup 1: field 'width'"),
        (lambda d: d["mockups"][0].pop("index"), "mockup 1: field 'index' is missing"),
        (lambda d: d.update(mockups=[7]), "mockup 1 is not an object"),
        (lambda d: d["artwork"].update(height=1e400), "artwork: field 'height'"),
        (lambda d: d.update(workers=True), "field 'workers' is not a whole number"),
        (lambda d: d["mockups"][0].update(profile="lots"), "mockup 1: field 'profile'"),
        (lambda d: d["mockups"][1].update(profile={"sites": [1]}), "mockup 2: field 'profile'"),
    ],
)
def test_a_damaged_run_json_is_one_line_naming_the_field(run_dir, change, named):
    rewrite_run_json(run_dir, change)
    with pytest.raises(RunFolderError) as refused:
        read_run(run_dir)
    message = str(refused.value)
    assert named in message and "\n" not in message
    assert str(run_dir.parent) not in message  # no server paths in messages


# A profiled run.json as written before the profile's figures were one block: beside the
# engine's fields (a plain run wrote the same names, each null).
OLDER_FLAT_FIGURES = {
    "heap_peak_bytes": 61_000_000,
    "allocated_bytes": 250_000_000,
    "allocations": 1234,
    "leaked_bytes": 4096,
    "one_time_bytes": 0,
    "rss_peak_bytes": 99_000_000,
    "heap_exact": True,
    "rss_exact": False,
    "top_site": "mockups/render/compose.py:78",
    "top_site_function": "_load_rgb",
    "leak_reason": None,
}


def flat(figures: dict):
    def change(data: dict) -> None:
        for mockup in data["mockups"]:
            del mockup["profile"]
            mockup.update(figures)

    return change


def test_an_older_run_json_with_flat_profile_figures_reads_them_as_its_profile(run_dir):
    rewrite_run_json(run_dir, flat(OLDER_FLAT_FIGURES))
    run = read_run(run_dir)
    expected = {k: v for k, v in OLDER_FLAT_FIGURES.items() if v is not None}
    assert [m.profile for m in run.mockups] == [expected, expected]
    assert [s.path for s in list_runs(run_dir.parent)] == [run_dir], "History lists it"


def test_an_older_plain_run_json_reads_with_no_profile(run_dir):
    rewrite_run_json(run_dir, flat(dict.fromkeys(OLDER_FLAT_FIGURES)))
    assert [m.profile for m in read_run(run_dir).mockups] == [None, None]
    assert [s.path for s in list_runs(run_dir.parent)] == [run_dir]


def test_a_profile_block_is_carried_as_written(run_dir):
    block = {"heap_peak_bytes": 5, "any_figure": 0.5, "summary": "a profiler's line"}
    rewrite_run_json(run_dir, lambda d: d["mockups"][0].update(profile=block))
    assert read_run(run_dir).mockups[0].profile == block


def test_run_json_that_is_not_json_or_deeply_nested_is_one_line(run_dir):
    (run_dir / "run.json").write_text("[" * 100_000)
    with pytest.raises(RunFolderError, match="cannot be read"):
        read_run(run_dir)
    (run_dir / "run.json").unlink()
    with pytest.raises(RunFolderError, match="not a finished run"):
        read_run(run_dir)


def test_a_mockup_path_never_leads_out_of_the_run(run_dir, tmp_path):
    assert mockup_path(run_dir, "01-poster.jpg") == run_dir / "01-poster.jpg"
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"not yours")
    (run_dir / "03-link.jpg").symlink_to(secret)
    for name in ("../secret.jpg", "/etc/passwd", "03-link.jpg", "thumbs/../../secret.jpg"):
        with pytest.raises(RunFolderError):
            mockup_path(run_dir, name)


def test_the_zip_holds_only_the_files_run_json_names(run_dir):
    (run_dir / "07-left-by-a-dead-run.jpg").write_bytes(b"old")
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(zip_run(run_dir))).namelist()
    assert names == ["01-poster.jpg", "02-greeting-card.jpg", "run.json"]


def test_a_new_run_clears_what_a_killed_run_left_and_nothing_else(run_dir, tmp_path):
    (run_dir / "run.json").unlink()  # killed before it finished
    (run_dir / "05-tote.jpg").write_bytes(b"from the dead run")
    (run_dir / "thumbs" / "05-tote.jpg").write_bytes(b"from the dead run")
    (run_dir / "06-mug.jpg.part").write_bytes(b"half")
    (run_dir / "notes.txt").write_text("the user's own file")
    render_run(run_dir / "artwork.png", run_dir, options=RenderOptions(templates="poster"))
    files = sorted(p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*") if p.is_file())
    assert files == [
        "01-poster.jpg",
        "artwork.png",
        "notes.txt",
        "run.json",
        "thumbs/01-poster.jpg",
    ]


def test_a_failed_atomic_write_leaves_no_partial_file(tmp_path):
    target = tmp_path / "image.jpg"
    with pytest.raises(OSError), atomic_file(target) as partial:
        partial.write_bytes(b"half")
        raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []


def render_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mockups", "render", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_full_disk_while_writing_the_working_copy_fails_the_run_in_one_line(tmp_path):
    artwork = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(artwork)
    out = tmp_path / "out"
    out.mkdir()
    # every byte written to the working copy's temporary file hits a full disk
    (out / "artwork.png.part").symlink_to("/dev/full")
    result = render_cli(str(artwork), "--out", str(out), "--templates", "poster")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: artwork.png: cannot be written (No space left on device)"
    ]
    assert not (out / "run.json").exists()
    assert not list(out.rglob("*.part"))


def test_out_that_is_a_file_or_unwritable_is_one_line(tmp_path):
    artwork = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(artwork)
    a_file = tmp_path / "taken"
    a_file.write_text("x")
    result = render_cli(str(artwork), "--out", str(a_file))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: --out taken: is a file, not a folder"
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root writes anywhere: use a place no one can write
            locked = "/proc/mockups"
        result = render_cli(str(artwork), "--out", str(locked))
    finally:
        os.chmod(tmp_path / "locked", 0o700)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot be written" in result.stderr


def test_sheet_out_that_is_a_folder_is_one_line(tmp_path):
    artwork = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(artwork)
    result = subprocess.run(
        [sys.executable, "-m", "mockups", "sheet", str(artwork), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: --out {tmp_path.name}: is a folder; give the sheet's file name"
    ]


@pytest.mark.parametrize(
    "mode", ["sequential", "threads", pytest.param("processes", marks=pytest.mark.slow)]
)
def test_workers_out_of_range_are_refused_in_every_mode(tmp_path, mode):
    artwork = tmp_path / "art.png"
    gradient_artwork((300, 400)).save(artwork)
    result = render_cli(
        str(artwork), "--out", str(tmp_path / "o"), "--mode", mode, "--workers", "99"
    )
    assert result.returncode == 2
    assert result.stderr.strip() == "error: workers must be between 1 and 8, not 99"
