"""The collection's zip through the server's download route: a real uvicorn server on a
loopback port, the route `server.py` mounts; a link works only for the collection it was
made for, inside the collections folder, until it expires."""

from __future__ import annotations

import io
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator

import pytest
import uvicorn
from starlette.applications import Starlette

from dashboard import downloads
from harness.browser import free_port
from mockups.collections import create_collection, render_here
from mockups.collections.build import collections_root
from mockups.home import OutsideHome
from mockups.options import RenderOptions
from tests.collections.test_zip_intake import jpeg_bytes, make_zip


@pytest.fixture
def server() -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(
        Starlette(routes=downloads.ROUTES), host="127.0.0.1", port=port, log_level="warning"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_link_streams_its_collections_zip_written_on_disk(tmp_path, server):
    source = make_zip(tmp_path / "in.zip", {"a.jpg": jpeg_bytes()})
    collection = create_collection(collections_root() / "autumn", source, ["poster"])
    render_here(collection, RenderOptions(mode="sequential"))

    status, headers, body = fetch(server + downloads.collection_zip_url(collection.folder))

    assert status == 200 and headers["content-type"] == "application/zip"
    assert f'filename="{collection.name}.zip"' in headers["content-disposition"]
    assert zipfile.ZipFile(io.BytesIO(body)).namelist()[0] == "001-a/01-poster.jpg"
    assert (collection.folder / "collection.zip").read_bytes() == body


def test_an_unknown_or_expired_link_says_so_and_serves_nothing(tmp_path, server, monkeypatch):
    source = make_zip(tmp_path / "in.zip", {"a.jpg": jpeg_bytes()})
    collection = create_collection(collections_root() / "autumn", source, ["poster"])
    monkeypatch.setattr(downloads, "TOKEN_SECONDS", 0.0)
    expired = downloads.collection_zip_url(collection.folder)

    for url in (expired, f"{downloads.PREFIX}/not-a-token"):
        status, _, body = fetch(server + url)
        assert status == 404 and b"expired" in body
    assert not (collection.folder / "collection.zip").exists()


def test_a_link_is_made_only_for_a_collection_directly_in_the_collections_folder(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    for folder in (outside, collections_root() / ".." / "runs", collections_root()):
        with pytest.raises(OutsideHome):
            downloads.collection_zip_url(folder)


def test_a_collection_keeps_one_link_while_it_is_offered(tmp_path):
    source = make_zip(tmp_path / "in.zip", {"a.jpg": jpeg_bytes()})
    collection = create_collection(collections_root() / "autumn", source, ["poster"])
    first = downloads.collection_zip_url(collection.folder)
    assert downloads.collection_zip_url(collection.folder) == first
    assert len(first.rsplit("/", 1)[1]) >= 32, "unguessable"
