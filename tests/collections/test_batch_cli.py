"""`python -m mockups batch` as an operator runs it: a line per artwork, a summary, and a
collection that a killed run resumes without rendering what was finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mockups.collections.build import collections_root
from tests.cli_helpers import ROOT, run_cli
from tests.conftest import gradient_artwork

TEMPLATES = "poster,mug"


def artworks(folder: Path, count: int = 5) -> Path:
    folder.mkdir()
    for n in range(count):
        gradient_artwork((1200 + 40 * n, 1500)).save(folder / f"design-{n}.jpg", quality=90)
    return folder


def finished_runs(out: Path) -> dict[str, int]:
    return {p.parent.name: p.stat().st_mtime_ns for p in (out / "runs").glob("*/run.json")}


def test_a_batch_killed_after_two_of_five_renders_only_the_other_three_when_run_again(
    tmp_path, home
):
    source, out = artworks(tmp_path / "designs"), home / "collections" / "autumn"
    command = [sys.executable, "-m", "mockups", "batch", str(source), "--out", "autumn"]
    batch = subprocess.Popen(
        [*command, "--templates", TEMPLATES],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"MOCKUPLAB_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert batch.stdout is not None
    done_lines = []
    for line in batch.stdout:
        if line.startswith("done"):
            done_lines.append(line)
        if len(done_lines) == 2:
            os.kill(batch.pid, signal.SIGKILL)
            break
    batch.wait(timeout=60)
    before = finished_runs(out)
    assert len(before) == 2, (done_lines, batch.stderr.read() if batch.stderr else "")

    again = run_cli("batch", str(source), "--out", str(out), home=home)  # its folder, this time

    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert len([line for line in lines if line.startswith("skip")]) == 2
    assert len([line for line in lines if line.startswith("done")]) == 3
    assert lines[-1].startswith("5 artworks: 5 done (2 finished earlier), 0 failed")
    after = finished_runs(out)
    assert len(after) == 5
    assert {name: after[name] for name in before} == before  # the first two were not rendered again
    record = json.loads((out / "collection.json").read_text())
    assert [a["state"] for a in record["artworks"]] == ["done"] * 5
    assert record["templates"] == ["poster", "mug"]
    assert record["name"] == "autumn"


def test_a_corrupt_artwork_and_bad_csv_rows_fail_alone_with_one_line_each(tmp_path, home):
    source = artworks(tmp_path / "designs", count=2)
    (source / "broken.jpg").write_bytes(b"\xff\xd8\xff not a jpeg")
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "file,title,price,tags\n"
        'design-0.jpg,Sunset print,24.50,"sunset, wall art"\n'
        "design-1.jpg,Free print,0,\n"
        "missing.jpg,Ghost,10,\n"
    )
    out = collections_root() / "collection"

    result = run_cli(
        "batch", str(source), "--out", str(out), "--templates", TEMPLATES, "--csv", str(rows),
        home=home,
    )  # fmt: skip

    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    failed = sorted(line for line in lines if line.startswith("failed"))
    assert len(failed) == 3
    assert "broken.jpg: broken.jpg is not an image file" in failed[0]
    assert "design-1.jpg: CSV row 3: the price must be above 0, not 0" in failed[1]
    assert "missing.jpg: CSV row 4 names missing.jpg, which is not among the artworks" in failed[2]
    (done,) = [line for line in lines if line.startswith("done")]
    assert done.startswith("done    002 design-0.jpg: 2 mockups in ")
    assert finished_runs(out).keys() == {"002-design-0"}
    assert lines[-1].startswith("4 artworks: 1 done, 3 failed")
    record = json.loads((out / "collection.json").read_text())
    first = record["artworks"][1]["listing"]
    assert (first["title"], first["price"], first["tags"]) == (
        "Sunset print", "24.50", ["sunset", "wall art"],
    )  # fmt: skip
    assert result.stderr == ""


def test_a_batch_into_a_folder_of_other_files_is_refused_with_one_line(tmp_path, home):
    source = artworks(tmp_path / "designs", count=1)
    out = collections_root() / "elsewhere"
    out.mkdir(parents=True)
    (out / "notes.txt").write_text("mine")

    result = run_cli("batch", str(source), "--out", str(out), home=home)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "choose a new one" in result.stderr
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("out", ["{tmp}/outside", "{home}/runs/autumn", "{home}/collections"])
def test_a_batch_out_of_the_collections_folder_is_refused_with_one_line(tmp_path, home, out):
    source = artworks(tmp_path / "designs", count=1)
    out = out.format(tmp=tmp_path, home=home)

    result = run_cli("batch", str(source), "--out", out, home=home)

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"a collection lives in {home / 'collections'}; give its name" in result.stderr
    assert not Path(out).exists() or not any(Path(out).rglob("*.jpg"))
