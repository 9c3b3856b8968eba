"""A zip of artworks is hostile input: nothing lands outside the collection's folder, and a
bomb, a link or a path out of the archive is refused with one line."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

import pytest

from mockups.collections import CollectionError, create_collection, read_collection
from mockups.collections.build import collections_root
from mockups.collections.record import COLLECTION_FILE
from tests.conftest import gradient_artwork


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    gradient_artwork((64, 80)).save(buffer, "JPEG")
    return buffer.getvalue()


def make_zip(path: Path, members: dict[str, bytes], **infos: zipfile.ZipInfo) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(infos.get(name) or name, data)
    return path


def collect(tmp_path: Path, zip_path: Path):
    return create_collection(collections_root() / "collection", zip_path, ["poster"])


def test_a_zip_member_naming_a_path_outside_is_refused_and_nothing_lands_outside(tmp_path):
    source = make_zip(tmp_path / "in.zip", {"ok.jpg": jpeg_bytes(), "../../escape.jpg": b"x"})

    with pytest.raises(CollectionError, match="names a path outside its folder"):
        collect(tmp_path, source)

    assert not list(tmp_path.rglob("escape.jpg"))
    assert not (collections_root() / "collection" / COLLECTION_FILE).exists()


def test_a_zip_bomb_is_refused_with_one_line_before_it_is_unpacked(tmp_path):
    source = make_zip(tmp_path / "bomb.zip", {"huge.png": bytes(150 * 2**20)})

    with pytest.raises(CollectionError, match=r"inflates \d+ times \(a zip bomb\?\)") as caught:
        collect(tmp_path, source)

    assert "\n" not in str(caught.value)
    assert not list((collections_root() / "collection").rglob("*.png"))


def test_a_link_in_a_zip_is_refused(tmp_path):
    link = zipfile.ZipInfo("secret.jpg")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    source = make_zip(tmp_path / "link.zip", {"secret.jpg": b"/etc/passwd"}, **{"secret.jpg": link})

    with pytest.raises(CollectionError, match="holds a link"):
        collect(tmp_path, source)


def test_images_are_taken_by_their_own_names_from_any_folder_of_the_zip(tmp_path):
    art = jpeg_bytes()
    source = make_zip(
        tmp_path / "season.zip",
        {
            "season/a.jpg": art,
            "season/more/b.JPG": art,
            "__MACOSX/season/._a.jpg": b"resource fork",
            "season/readme.txt": b"hello",
        },
    )

    collection = collect(tmp_path, source)

    assert [(a.name, a.file) for a in collection.artworks] == [
        ("a.jpg", "artworks/001-a.jpg"),
        ("b.JPG", "artworks/002-b.jpg"),
    ]
    assert (collections_root() / "collection" / "artworks" / "001-a.jpg").read_bytes() == art
    assert read_collection(collections_root() / "collection").artworks == collection.artworks


def test_a_collection_json_naming_a_file_outside_its_folder_is_refused(tmp_path):
    source = make_zip(tmp_path / "in.zip", {"a.jpg": jpeg_bytes()})
    collect(tmp_path, source)
    path = collections_root() / "collection" / COLLECTION_FILE
    record = json.loads(path.read_text())
    record["artworks"][0]["run"] = "runs/../../elsewhere"
    path.write_text(json.dumps(record))

    with pytest.raises(CollectionError, match="damaged .*not a file of the collection"):
        read_collection(collections_root() / "collection")


def test_collection_json_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    source = make_zip(tmp_path / "in.zip", {"a.jpg": jpeg_bytes()})
    collection = collect(tmp_path, source)
    path = collections_root() / "collection" / COLLECTION_FILE
    before = path.read_bytes()

    def full_disk(self, data):
        Path.write_text(self, "{half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    collection.name = "renamed"
    with pytest.raises(OSError):
        from mockups.collections.record import write_collection

        write_collection(collection)

    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.suffix == ".part"] == []


class Unseekable(io.RawIOBase):
    """A download's socket as zipfile sees it: bytes go out, nothing is read back or sought."""

    def __init__(self) -> None:
        self.sent = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.sent += bytes(data)
        return len(data)


def test_the_collections_zip_streams_each_finished_artworks_mockups(tmp_path):
    from mockups.collections import render_here, write_zip
    from mockups.options import RenderOptions

    source = make_zip(tmp_path / "in.zip", {"a.jpg": jpeg_bytes(), "b.jpg": b"not an image"})
    collection = create_collection(collections_root() / "collection", source, ["poster", "mug"])
    render_here(collection, RenderOptions(mode="sequential"))
    out = Unseekable()

    assert write_zip(collection, out) == 2

    names = zipfile.ZipFile(io.BytesIO(bytes(out.sent))).namelist()
    assert names == ["001-a/01-poster.jpg", "001-a/02-mug.jpg", COLLECTION_FILE]
