"""Arrays kept in `$MOCKUPLAB_HOME/cache` as .npy files: only ever a copy of what a render
can make again, so a file that is not exactly the type and shape asked for is not used, and
a cache that cannot be written is done without."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from mockups.home import CACHE, home
from mockups.runs.folder import atomic_file


def cache_file(folder: str, version: int, origin: Path, recipe: str) -> Path:
    """Where the array made from the file `origin` as `recipe` says is kept, in the cache's
    `folder`: named by the version of the making, the file's path and the recipe, then the
    file's bytes. A file changed in any way gets a new name; `keep_replacing` removes the
    old one."""
    made = f"{origin.resolve()}|{recipe}".encode()
    source = hashlib.blake2b(made, digest_size=8).hexdigest()
    return home(CACHE) / folder / f"v{version}-{source}-{file_digest(origin)}.npy"


def read_array(path: Path, dtype: type, shape: tuple[int, ...]) -> np.ndarray | None:
    """The array at `path`, read-only, checked by the file's header before a byte of it is
    copied: a header declaring anything else (a planted shape of gigabytes) is refused
    without reading it. None when it is missing or not the array asked for."""
    try:
        mapped = np.load(path, mmap_mode="r", allow_pickle=False)
        if mapped.dtype != dtype or mapped.shape != shape:
            return None
        array = np.array(mapped, order="C")  # a copy: the file may change under a map
    except (OSError, ValueError, EOFError):
        return None
    array.setflags(write=False)
    return array


def file_digest(path: Path) -> str:
    """The blake2b digest of a file's bytes, read a block at a time: a template's file (up to
    64 MB) is never held whole to be recognised."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def keep_replacing(path: Path, array: np.ndarray) -> None:
    """`keep_array` at a `cache_file` path, then remove the other files of the same file and
    recipe (an earlier version of either): a cache holds one file a source however often
    the source changes."""
    keep_array(path, array)
    _, source, _ = path.name.split("-", 2)
    try:
        for old in path.parent.glob(f"v*-{source}-*.npy"):
            if old.name != path.name:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # left for the next time the source changes


def keep_array(path: Path, array: np.ndarray) -> None:
    """Written through a partial file and renamed (`atomic_file`). Two processes keeping the
    same array at once write the same bytes; a file cut short by their race fails
    `read_array`'s check and is made again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_file(path) as partial, partial.open("wb") as out:
            np.save(out, array, allow_pickle=False)
    except OSError:
        pass  # a cache that cannot be written is done without
