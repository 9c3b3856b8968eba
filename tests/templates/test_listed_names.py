"""`python -m mockups templates` shows each template on one line, whatever its folder and
manifest hold."""

from __future__ import annotations

import json

from PIL import Image

from tests.cli_helpers import run_cli
from tests.conftest import write_template


def test_names_and_reasons_from_template_folders_are_listed_printable(tmp_path):
    home = tmp_path / "home"
    forged = "Shop\nerror: forged \x1b]0;title\x07"
    folder = write_template(home / "templates", "forged-name")
    manifest = json.loads((folder / "template.json").read_text())
    (folder / "template.json").write_text(json.dumps({**manifest, "name": forged}))
    write_template(home / "templates", "broken-one", mask="missing\n\x1b[2J.png")
    done = run_cli("templates", home=home)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if not line.startswith(" ")]
    listed = [line for line in lines if "forged-name" in line or "broken-one" in line]
    assert len(listed) == 2
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert any("Shop\\nerror: forged \\x1b]0;title\\x07" in line for line in listed)
    assert any("broken: " in line and "missing\\n\\x1b[2J.png" in line for line in listed)


def test_an_unknown_template_is_one_line_whatever_the_ids_beside_it_hold(tmp_path):
    home = tmp_path / "home"
    write_template(home / "templates", "shop\nerror: forged \x1b[2J")
    artwork = tmp_path / "art.png"
    Image.new("RGB", (800, 1000), (200, 40, 30)).save(artwork)
    done = run_cli(
        "render",
        str(artwork),
        "--out",
        str(tmp_path / "run"),
        "--templates",
        "nope\x1b]0;t\x07",
        home=home,
    )
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith("error: unknown template nope\\x1b]0;t\\x07; known: ")
    assert "shop\\nerror: forged \\x1b[2J" in line and "\x1b" not in done.stderr
