"""The grain planes a render reads from the cache are exactly those it would make; a cache
file that is damaged, planted or out of reach is made again or done without."""

from __future__ import annotations

import numpy as np
import pytest

from mockups.render.grain import grain_planes
from mockups.render.grain_cache import SHAPE, cached_grain_planes, grain_path
from mockups.templates.model import Grain

GRAIN = Grain(levels=1.2, seed=4242)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    return tmp_path


def test_the_first_render_keeps_the_planes_and_the_next_reads_the_same_bytes(home):
    made = cached_grain_planes(GRAIN)
    path = grain_path(GRAIN)
    assert path.is_file() and path.is_relative_to(home / "cache" / "grain")
    again = cached_grain_planes(GRAIN)
    assert np.array_equal(again, grain_planes(GRAIN)) and np.array_equal(made, again)
    assert not again.flags.writeable


def test_each_seed_and_level_has_its_own_file():
    names = {grain_path(Grain(levels, seed)).name for levels, seed in [(1.2, 1), (1.2, 2)]}
    names.add(grain_path(Grain(1.2000001, 1)).name)
    assert len(names) == 3


@pytest.mark.parametrize(
    "planted",
    [
        b"not a numpy file",
        b"",
        np.zeros((3, 8, 8), np.float32),  # the wrong shape
        np.zeros(SHAPE, np.float64),  # the wrong type
        np.array([{"a": 1}], dtype=object),  # a pickle: never loaded
    ],
    ids=["garbage", "empty", "shape", "dtype", "pickle"],
)
def test_a_damaged_or_planted_file_is_made_again(planted):
    path = grain_path(GRAIN)
    path.parent.mkdir(parents=True)
    if isinstance(planted, bytes):
        path.write_bytes(planted)
    else:
        np.save(path, planted, allow_pickle=True)
    assert np.array_equal(cached_grain_planes(GRAIN), grain_planes(GRAIN))
    assert np.array_equal(np.load(path, allow_pickle=False), grain_planes(GRAIN))


@pytest.mark.limit_memory("40 MB")
def test_a_header_declaring_gigabytes_is_refused_before_anything_is_read():
    path = grain_path(GRAIN)
    path.parent.mkdir(parents=True)
    with path.open("wb") as out:
        header = {"descr": "<f4", "fortran_order": False, "shape": (3, 100_000, 100_000)}
        np.lib.format.write_array_header_1_0(out, header)
        out.write(b"\0" * 1024)
    assert np.array_equal(cached_grain_planes(GRAIN), grain_planes(GRAIN))


def test_a_cache_that_cannot_be_written_is_done_without(home):
    (home / "cache").write_text("a file where the folder would be")
    assert np.array_equal(cached_grain_planes(GRAIN), grain_planes(GRAIN))
    assert not list(home.glob("**/*.part"))
