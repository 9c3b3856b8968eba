"""A reduced print map is scaled and bordered once and kept in the cache: a print placed
from the cache is exactly the print placed from the map's PNG, and a cache file that is
damaged, planted, stale or out of reach is made again or done without."""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from mockups.artwork.pixels import Pixels
from mockups.geometry import bounding_box
from mockups.render.compose import place_mapped
from mockups.templates.library import load_library
from mockups.templates.uvmap import PRINT_MAP_DIR, UVMap, reduction
from tests.conftest import gradient_artwork

ARTWORK = Pixels.of(gradient_artwork((600, 750)))


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="module")
def template():
    chosen = load_library()["tote"]
    assert chosen.uvmap is not None
    box = bounding_box(chosen.quad, chosen.size)
    with Image.open(chosen.uvmap.path) as stored:
        assert reduction(box.size, stored.size) not in (None, 1), "a reduced map is cached"
    return chosen


def placed(template) -> bytes:
    return bytes(place_mapped(ARTWORK, template, bounding_box(template.quad, template.size)).data)


def cached_files(home):
    return sorted((home / "cache" / PRINT_MAP_DIR).glob("*.npy"))


@pytest.fixture(scope="module")
def uncached(template, tmp_path_factory):
    """The print placed with a cache that cannot be written: made from the PNG alone."""
    blocked = tmp_path_factory.mktemp("blocked")
    (blocked / "cache").write_text("a file where the folder would be")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOCKUPLAB_HOME", str(blocked))
        made = placed(template)
    assert not list(blocked.glob("**/*.npy")) and not list(blocked.glob("**/*.part"))
    return made


def test_the_first_print_keeps_the_map_and_the_next_reads_the_same_print(template, uncached, home):
    assert placed(template) == uncached
    (kept,) = cached_files(home)
    stamp = kept.stat().st_mtime_ns
    assert placed(template) == uncached
    assert kept.stat().st_mtime_ns == stamp  # read, not made again


@pytest.mark.parametrize(
    "planted",
    [b"not a numpy file", b"", np.zeros((4, 4, 2), np.float32), np.zeros((4, 4), np.float64)],
    ids=["garbage", "empty", "shape", "dtype"],
)
def test_a_damaged_or_planted_file_is_made_again(template, uncached, home, planted):
    placed(template)
    (kept,) = cached_files(home)
    if isinstance(planted, bytes):
        kept.write_bytes(planted)
    else:
        np.save(kept, planted)
    assert placed(template) == uncached
    assert np.load(kept).shape[:2] != (4, 4)


def test_a_map_changed_on_disk_is_read_again_and_its_earlier_copy_removed(template, home, tmp_path):
    placed(template)
    assert template.uvmap is not None
    changed = tmp_path / "uvmap.png"
    shutil.copy(template.uvmap.path, changed)
    moved = UVMap(changed, template.uvmap.box, template.uvmap.print_size)
    elsewhere = replace(template, uvmap=moved)
    placed(elsewhere)
    assert len(cached_files(home)) == 2  # a map in another file is a source of its own
    before = set(cached_files(home))
    with changed.open("ab") as tail:
        tail.write(b"\0")  # the same pixels, other bytes: made again all the same
    placed(elsewhere)
    after = set(cached_files(home))
    assert len(after) == 2 and len(after - before) == 1  # the stale copy is gone
