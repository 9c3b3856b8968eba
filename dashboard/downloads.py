"""A collection's zip streamed from disk by a route of the dashboard's own server.

Streamlit's download button holds what it serves in the web process's memory; a collection
of a hundred artworks zips to hundreds of MB. So the page links to `/downloads/<token>`
instead, a route `server.py` mounts beside Streamlit: the zip is written (or found fresh) on
disk when the link is followed and sent from there in chunks. A token is unguessable, names
one collection folder inside the collections folder, and lasts TOKEN_SECONDS.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from dashboard.collection_actions import current, zip_file
from mockups.collections.build import collections_root
from mockups.errors import MockupLabError
from mockups.home import child

PREFIX = "/downloads"
TOKEN_SECONDS = 3600.0


@dataclass(frozen=True)
class Offer:
    folder: Path
    expires: float


_offers: dict[str, Offer] = {}
_lock = threading.Lock()


def collection_zip_url(folder: Path) -> str:
    """The link to `folder`'s zip (a collection directly in the collections folder, else
    `OutsideHome`); one token per collection, its time renewed each time it is offered."""
    folder = child(collections_root(), folder, "collection")
    now = time.monotonic()
    with _lock:
        for token, offer in list(_offers.items()):
            if offer.expires <= now:
                del _offers[token]
        same = (token for token, offer in _offers.items() if offer.folder == folder)
        token = next(same, None) or secrets.token_urlsafe(24)
        _offers[token] = Offer(folder, now + TOKEN_SECONDS)
    return f"{PREFIX}/{token}"


def offered_folder(token: str) -> Path | None:
    with _lock:
        offer = _offers.get(token)
    if offer is None or offer.expires <= time.monotonic():
        return None
    return offer.folder


async def serve_collection_zip(request: Request) -> Response:
    folder = offered_folder(request.path_params["token"])
    if folder is None:
        return PlainTextResponse(
            "This download link has expired: open the collection again for a new one.", 404
        )
    try:
        path = await run_in_threadpool(zip_file, child(collections_root(), folder, "collection"))
        name = (await run_in_threadpool(current, folder)).name or "collection"
    except (MockupLabError, OSError) as error:
        return PlainTextResponse(f"The collection's zip could not be made: {error}", 410)
    return FileResponse(path, media_type="application/zip", filename=f"{name}.zip")


ROUTES = [Route(f"{PREFIX}/{{token}}", serve_collection_zip, methods=["GET"])]
