"""A template's layers are decoded once and kept in the cache: the layers a render reads
from it are exactly those decoded from the template's files, and a cache file that is
damaged, planted, stale or out of reach is made again or done without."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from mockups.geometry import Box
from mockups.render.compose import SceneImages, load_scene_images
from mockups.render.layer_cache import LAYER_DIR, cached_layer
from mockups.templates.library import load_library

TEMPLATE = load_library()["desk-frame"]  # a greyscale mask and a colour reflection


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def pixels(images: SceneImages) -> dict[str, np.ndarray]:
    layers = {"mask": images.mask, "reflection": images.front.reflection}
    return {name: np.asarray(layer) for name, layer in layers.items() if layer is not None}


def assert_same(first: dict[str, np.ndarray], second: dict[str, np.ndarray]) -> None:
    assert first.keys() == second.keys() == {"mask", "reflection"}
    for name in first:
        assert first[name].shape == second[name].shape and (first[name] == second[name]).all()


def kept(home) -> list:
    return sorted((home / "cache" / LAYER_DIR).glob("*.npy"))


@pytest.fixture(scope="module")
def decoded(tmp_path_factory):
    """The layers decoded from the template's files, with a cache that cannot be written."""
    blocked = tmp_path_factory.mktemp("blocked")
    (blocked / "cache").write_text("a file where the folder would be")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MOCKUPLAB_HOME", str(blocked))
        layers = pixels(load_scene_images(TEMPLATE))
    assert not list(blocked.glob("**/*.npy")) and not list(blocked.glob("**/*.part"))
    return layers


def test_the_first_render_keeps_the_layers_and_the_next_reads_the_same_pixels(decoded, home):
    assert_same(pixels(load_scene_images(TEMPLATE)), decoded)
    files = kept(home)
    assert len(files) == 2  # the mask, the reflection
    stamps = [file.stat().st_mtime_ns for file in files]
    images = load_scene_images(TEMPLATE)
    assert_same(pixels(images), decoded)
    assert images.front.reflection is not None and images.front.reflection.mode == "RGB"
    assert [file.stat().st_mtime_ns for file in files] == stamps  # read, not made again


@pytest.mark.parametrize(
    "planted",
    [b"not a numpy file", b"", np.zeros((4, 4), np.uint8), np.zeros((4, 4, 3), np.float32)],
    ids=["garbage", "empty", "shape", "dtype"],
)
def test_a_damaged_or_planted_file_is_made_again(decoded, home, planted):
    load_scene_images(TEMPLATE)
    for file in kept(home):
        if isinstance(planted, bytes):
            file.write_bytes(planted)
        else:
            np.save(file, planted)
    assert_same(pixels(load_scene_images(TEMPLATE)), decoded)
    assert all(np.load(file).shape[:2] != (4, 4) for file in kept(home))


def test_a_layer_changed_on_disk_is_decoded_again_and_its_earlier_copy_removed(home, tmp_path):
    layer = tmp_path / "mask.png"
    box = Box(10, 20, 50, 40)
    Image.new("L", (64, 48), 200).save(layer)
    first = cached_layer(layer, "L", box, lambda: Image.open(layer).crop(box.as_tuple()))
    Image.new("L", (64, 48), 90).save(layer)
    second = cached_layer(layer, "L", box, lambda: Image.open(layer).crop(box.as_tuple()))
    assert first.getextrema() == (200, 200) and second.getextrema() == (90, 90)
    assert len(kept(home)) == 1
    assert np.asarray(cached_layer(layer, "L", box, lambda: Image.new("L", box.size))).max() == 90


@pytest.mark.limit_memory("16 MB")
def test_a_large_layer_file_is_recognised_without_being_held_whole(tmp_path):
    layer = tmp_path / "mask.png"
    with layer.open("wb") as out:
        for _ in range(48):
            out.write(bytes(2**20))  # 48 MB: under the loader's 64 MB, over the limit here
    box = Box(0, 0, 8, 8)
    made = cached_layer(layer, "L", box, lambda: Image.new("L", box.size, 7))
    assert made.getextrema() == (7, 7)
