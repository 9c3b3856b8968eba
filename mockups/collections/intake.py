"""Artworks into a collection's folder, from a folder or a zip; a zip is hostile input.

A zip may claim anything in its headers: each member is copied in chunks while its bytes are
counted, so a member that inflates past what it declared, past an artwork's size limit, or far
past its compressed size (a zip bomb) stops the intake with one line. Only plain image files
are taken, by their own file name: a member naming a path out of the archive (`../`, an
absolute path), a link, or an encrypted member refuses the whole zip. Folders, hidden files
and other files are skipped.
"""

from __future__ import annotations

import re
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from mockups.artwork.intake import MAX_FILE_BYTES
from mockups.collections.record import ARTWORKS_DIR, CollectionError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".gif")
MAX_ARTWORKS = 500
MAX_MEMBERS = 2000
MAX_TOTAL_BYTES = 8 * 2**30
MAX_ZIP_BYTES = 4 * 2**30
MAX_RATIO = 100  # images hardly compress: a member that inflates 100x is a bomb
RATIO_FLOOR_BYTES = 10 * 2**20  # below this, a high ratio (a flat test image) is harmless
CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Intake:
    """An artwork copied into the collection: the user's name, the stored file (relative)."""

    name: str
    file: str


def stored_name(index: int, name: str) -> str:
    """`NNN-<name>`: the artwork's name made plain, numbered so names never collide."""
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    plain = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:60] or "artwork"
    return f"{index:03d}-{plain}{suffix}"


def is_image_name(name: str) -> bool:
    plain = PurePosixPath(name).name
    return not plain.startswith(".") and Path(plain).suffix.lower() in IMAGE_SUFFIXES


def from_folder(source: Path, folder: Path) -> list[Intake]:
    """The image files directly inside `source`, by name, copied into `folder/artworks`."""
    files = sorted(p for p in source.iterdir() if p.is_file() and is_image_name(p.name))
    if not files:
        raise CollectionError(f"{source.name} holds no JPEG, PNG, WebP, TIFF or GIF file")
    _check_count(len(files), source.name)
    taken = []
    for index, path in enumerate(files, start=1):
        relative = f"{ARTWORKS_DIR}/{stored_name(index, path.name)}"
        with path.open("rb") as data:
            copy_bounded(data, folder / relative, path.name, MAX_FILE_BYTES)
        taken.append(Intake(path.name, relative))
    return taken


def from_files(files: Iterable[tuple[str, IO[bytes]]], folder: Path) -> list[Intake]:
    """Uploaded files, each `(its name, its bytes)`: images taken by name, zips unpacked."""
    taken: list[Intake] = []
    for name, data in files:
        plain = PurePosixPath(name.replace("\\", "/")).name
        if plain.lower().endswith(".zip"):
            staged = folder / "upload.zip.part"
            try:
                copy_bounded(data, staged, plain, MAX_ZIP_BYTES)
                taken += from_zip(staged, folder, start=len(taken) + 1, shown=plain)
            finally:
                staged.unlink(missing_ok=True)
        elif is_image_name(plain):
            relative = f"{ARTWORKS_DIR}/{stored_name(len(taken) + 1, plain)}"
            copy_bounded(data, folder / relative, plain, MAX_FILE_BYTES)
            taken.append(Intake(plain, relative))
        else:
            raise CollectionError(f"{plain} is neither an image nor a zip of images")
        _check_count(len(taken), "the collection")
    if not taken:
        raise CollectionError("no artworks: add images or a zip of them")
    return taken


def from_zip(source: Path, folder: Path, start: int = 1, shown: str | None = None) -> list[Intake]:
    """The zip's image members, by their own names, copied into `folder/artworks` and numbered
    from `start`; `shown` is the zip's name in messages (its file's name by default)."""
    zip_name = shown or source.name
    try:
        with zipfile.ZipFile(source) as archive:
            members = list(_image_members(archive, zip_name))
            taken, total = [], 0
            for index, member in enumerate(members, start=start):
                name = PurePosixPath(member.filename).name
                relative = f"{ARTWORKS_DIR}/{stored_name(index, name)}"
                limit = min(member.file_size, MAX_FILE_BYTES, MAX_TOTAL_BYTES - total)
                with archive.open(member) as data:
                    total += copy_bounded(data, folder / relative, name, limit)
                taken.append(Intake(name, relative))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as error:
        raise CollectionError(f"{zip_name} is not a usable zip ({error})") from None
    return taken


def _image_members(archive: zipfile.ZipFile, zip_name: str) -> Iterator[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise CollectionError(f"{zip_name} holds {len(members)} entries; at most {MAX_MEMBERS}")
    images = []
    for member in members:
        _check_member(member, zip_name)
        if member.is_dir() or not is_image_name(member.filename):
            continue
        if any(part.startswith(".") or part == "__MACOSX" for part in member.filename.split("/")):
            continue
        images.append(member)
    if not images:
        raise CollectionError(f"{zip_name} holds no JPEG, PNG, WebP, TIFF or GIF file")
    _check_count(len(images), zip_name)
    declared = sum(m.file_size for m in images)
    if declared > MAX_TOTAL_BYTES:
        raise CollectionError(
            f"{zip_name} unpacks to {declared / 2**30:.1f} GB; "
            f"at most {MAX_TOTAL_BYTES // 2**30} GB"
        )
    yield from images


def _check_member(member: zipfile.ZipInfo, zip_name: str) -> None:
    name = member.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
        raise CollectionError(f"{zip_name} names a path outside its folder ({name[:80]!r})")
    if stat.S_ISLNK(member.external_attr >> 16):
        raise CollectionError(f"{zip_name} holds a link ({name[:80]!r}); links are not taken")
    if member.flag_bits & 0x1:
        raise CollectionError(f"{zip_name} is encrypted ({name[:80]!r}); zip it without a password")
    if member.file_size > MAX_FILE_BYTES:
        raise CollectionError(
            f"{zip_name}: {PurePosixPath(name).name[:80]} is {member.file_size / 2**20:.0f} MB; "
            f"an artwork is at most {MAX_FILE_BYTES // 2**20} MB"
        )
    if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(
        member.compress_size, 1
    ):
        raise CollectionError(
            f"{zip_name}: {PurePosixPath(name).name[:80]} inflates "
            f"{member.file_size // max(member.compress_size, 1)} times (a zip bomb?); refused"
        )


def _check_count(count: int, where: str) -> None:
    if count > MAX_ARTWORKS:
        raise CollectionError(f"{where} holds {count} artworks; a collection takes {MAX_ARTWORKS}")


def copy_bounded(data: IO[bytes], target: Path, name: str, limit: int) -> int:
    """Copy `data` to `target` in chunks, refusing it once it passes `limit` bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with target.open("wb") as out:
        while chunk := data.read(CHUNK_BYTES):
            written += len(chunk)
            if written > limit:
                out.close()
                target.unlink(missing_ok=True)
                raise CollectionError(
                    f"{name} is larger than it may be ({limit / 2**20:.0f} MB, or what its "
                    "zip declared): refused"
                )
            out.write(chunk)
    return written
