"""Runs in S3-compatible storage (AWS, R2, MinIO, Backblaze...) through MinIO's client.

The client is imported only here, so processes on the local store never load it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mockups.errors import first_line, scrub
from mockups.runs.base import (
    CACHE_MARK,
    RUN_NAME,
    MissingInStore,
    StoreError,
    StoreUnavailable,
    cache_stamp,
    files_of,
    is_cached_copy,
    is_small,
    relative_name,
    run_name,
)
from mockups.runs.folder import RUN_FILE, atomic_file, mockup_path

PRESIGNED_SECONDS = 3600
CHUNK_BYTES = 8 * 1024 * 1024  # an upload's part (S3's smallest is 5 MB)
READ_BYTES = 1024 * 1024  # a download's read
CONNECT_SECONDS = 5
READ_SECONDS = 60
RETRIES = 2


@dataclass(frozen=True)
class S3Settings:
    """Where the bucket is and who we are to it; the secrets stay out of `repr`."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = field(default=None, repr=False)
    secret_access_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)

    @property
    def location(self) -> str:
        """The store as messages and jobs name it: `s3://bucket/prefix`, no endpoint, no key."""
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    def secrets(self) -> list[str]:
        return [s for s in (self.secret_access_key, self.session_token) if s]


class S3RunStore:
    """Runs as objects `prefix/<run>/<file>` in one bucket; the local runs folder caches them.

    Uploads go in 8 MB parts one after another, downloads are read 1 MB at a time: a file of
    any size costs one part of memory."""

    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self.location = settings.location
        self.job_location: str | None = settings.location  # a job names the store
        self._client = _s3_client(settings)

    def __repr__(self) -> str:
        return f"S3RunStore({self.location})"

    def put_artwork(self, artwork: Path, run: str) -> str:
        key = f"{run_name(run)}/{artwork.name}"
        self._upload(artwork, self._key(run, artwork.name))
        return key

    def fetch_artwork(self, key: str, into: Path) -> Path:
        run, _, name = key.partition("/")
        run_name(run)
        if not name or "/" in name or name in (".", ".."):
            raise MissingInStore(f"{key} is not an artwork's key")
        destination = into / name
        self._download(self._key(run, name), destination)
        return destination

    def finished_runs(self) -> dict[str, str]:
        found = {}
        for item in self._list(""):
            run, _, rest = item.object_name.removeprefix(self._prefix).partition("/")
            if rest == RUN_FILE and RUN_NAME.fullmatch(run):
                found[run] = item.etag
        return found

    def sync_run(self, run: str, folder: Path, stamp: str | None = None) -> bool:
        """Copy run.json, thumbnails and profile tables into `folder`, run.json last; a run
        already copied at the same `stamp` (run.json's ETag) is not read again."""
        if stamp is not None and cache_stamp(folder) == stamp and (folder / RUN_FILE).is_file():
            return True
        objects = {
            item.object_name.removeprefix(self._key(run, "")): item for item in self._list(run)
        }
        if RUN_FILE not in objects:
            return False
        stamp = objects[RUN_FILE].etag
        if cache_stamp(folder) == stamp and (folder / RUN_FILE).is_file():
            return True
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RUN_FILE).unlink(missing_ok=True)
        for name in sorted(objects):
            if name != RUN_FILE and is_small(name):
                self._download(self._key(run, name), folder / name)
        self._download(self._key(run, RUN_FILE), folder / RUN_FILE)
        (folder / CACHE_MARK).write_text(json.dumps({"run": run, "stamp": stamp}))
        return True

    def refresh_copies(self, runs_folder: Path) -> None:
        finished = self.finished_runs()
        for name, stamp in finished.items():
            self.sync_run(name, runs_folder / name, stamp)
        if runs_folder.is_dir():
            for copy in runs_folder.iterdir():
                if copy.name not in finished and is_cached_copy(copy):
                    shutil.rmtree(copy, ignore_errors=True)

    def fetch(self, folder: Path, names: Iterable[str]) -> None:
        run = run_name(folder.name)
        for name in names:
            path = mockup_path(folder, name)  # refuses a name that leads out of the run
            if not path.is_file():
                self._download(self._key(run, name), path)

    def fetch_folder(self, folder: Path, sub: str) -> None:
        run = run_name(folder.name)
        inside = f"{relative_name(sub)}/"
        for item in self._list(run, inside):
            name = item.object_name.removeprefix(self._key(run, ""))
            if not (folder / name).is_file():
                self._download(item.object_name, folder / relative_name(name))

    def put(self, folder: Path, names: Iterable[str]) -> None:
        run = run_name(folder.name)
        for name in names:
            self._upload(folder / relative_name(name), self._key(run, name))

    def image_url(self, folder: Path, name: str) -> str | None:
        mockup_path(folder, name)
        key = self._key(run_name(folder.name), name)
        with self._talking(key):
            return self._client.presigned_get_object(
                self.settings.bucket, key, expires=timedelta(seconds=PRESIGNED_SECONDS)
            )

    def publish(self, folder: Path, run: str, keep: Iterable[str] = ()) -> None:
        """Upload the run, run.json last, after removing the stored run.json (so a run being
        replaced is never listed as the old one) and, before run.json, any file an earlier
        attempt left that this one did not write."""
        run = run_name(run)
        before = {item.object_name for item in self._list(run)}
        self._remove([self._key(run, RUN_FILE)])
        kept = {self._key(run, name) for name in keep}
        uploaded = set()
        for relative in sorted(files_of(folder)):
            key = self._key(run, relative)
            if key not in kept:
                self._upload(folder / relative, key)
                uploaded.add(key)
        self._remove(sorted(before - uploaded - kept - {self._key(run, RUN_FILE)}))
        self._upload(folder / RUN_FILE, self._key(run, RUN_FILE))

    def delete(self, run: str) -> None:
        """run.json first, so the run stops being listed before its files go."""
        keys = sorted(item.object_name for item in self._list(run_name(run)))
        first = self._key(run, RUN_FILE)
        self._remove([key for key in keys if key == first])
        self._remove([key for key in keys if key != first])

    @property
    def _prefix(self) -> str:
        return f"{self.settings.prefix}/" if self.settings.prefix else ""

    def _key(self, run: str, name: str) -> str:
        return f"{self._prefix}{run}/{name}"

    def _list(self, run: str, inside: str = "") -> list[Any]:
        where = self._key(run, inside) if run else self._prefix
        with self._talking(where or "/"):
            return list(
                self._client.list_objects(self.settings.bucket, prefix=where, recursive=True)
            )

    def _upload(self, path: Path, key: str) -> None:
        with self._talking(key):
            self._client.fput_object(
                self.settings.bucket,
                key,
                str(path),
                content_type=_content_type(path),
                part_size=CHUNK_BYTES,
                num_parallel_uploads=1,
            )

    def _download(self, key: str, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._talking(key), atomic_file(path) as partial:
            response = self._client.get_object(self.settings.bucket, key)
            try:
                with partial.open("wb") as out:
                    for chunk in response.stream(READ_BYTES):
                        out.write(chunk)
            finally:
                response.close()
                response.release_conn()

    def _remove(self, keys: list[str]) -> None:
        if not keys:
            return
        from minio.deleteobjects import DeleteObject

        with self._talking(keys[0]):
            errors = list(
                self._client.remove_objects(
                    self.settings.bucket, [DeleteObject(key) for key in keys]
                )
            )
        if errors:
            raise StoreUnavailable(
                f"the runs store {self.location} could not delete {errors[0].name} "
                f"({errors[0].code})"
            )

    def _talking(self, key: str) -> AbstractContextManager[None]:
        return _s3_errors(self.location, key, self.settings.secrets())


def _s3_client(settings: S3Settings) -> Any:
    """A MinIO client (S3's API; 7 MB on import, where boto3's S3 client costs 27 MB)."""
    import certifi
    import urllib3
    from minio import Minio

    endpoint, secure = _endpoint(settings.endpoint_url)
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=CONNECT_SECONDS, read=READ_SECONDS),
        maxsize=4,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
        retries=urllib3.Retry(
            total=RETRIES, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]
        ),
    )
    credentials = None
    if not settings.access_key_id:
        from minio.credentials import IamAwsProvider

        credentials = IamAwsProvider()  # an AWS machine's role, when no key is given
    region = settings.region or ("us-east-1" if settings.endpoint_url else None)
    return Minio(
        endpoint,
        access_key=settings.access_key_id,
        secret_key=settings.secret_access_key,
        session_token=settings.session_token,
        secure=secure,
        region=region,
        http_client=http,
        credentials=credentials,
    )


def _endpoint(url: str | None) -> tuple[str, bool]:
    """`AWS_ENDPOINT_URL` as MinIO's (host[:port], https?); AWS S3 itself when unset."""
    if not url:
        return "s3.amazonaws.com", True
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise StoreError(f"AWS_ENDPOINT_URL must be http(s)://host[:port], not {url[:80]!r}")
    return parts.netloc.rpartition("@")[2], parts.scheme == "https"


@contextmanager
def _s3_errors(location: str, key: str, secrets: list[str]) -> Iterator[None]:
    """The client's errors as one `StoreError` line naming the store and the key, never a
    secret: a missing key, a refusal, or the store out of reach."""
    import urllib3.exceptions
    from minio.error import MinioException, S3Error

    try:
        yield
    except StoreError:
        raise
    except S3Error as error:
        raise _refusal(error, location, key, secrets) from None
    except (MinioException, urllib3.exceptions.HTTPError, OSError) as error:
        reason = scrub(_reason(error), secrets)
        raise StoreUnavailable(f"the runs store {location} cannot be reached: {reason}") from None


def _refusal(error: Any, location: str, key: str, secrets: list[str]) -> StoreError:
    code = str(error.code or "error")
    if code in ("NoSuchKey", "NotFound"):
        return MissingInStore(f"the runs store {location} has no {key}")
    if code == "NoSuchBucket":
        return StoreUnavailable(f"the runs store {location}: the bucket does not exist")
    message = scrub(first_line(error.message or code), secrets)
    return StoreUnavailable(f"the runs store {location} refused {key} ({code}: {message})")


def _reason(error: BaseException) -> str:
    """The innermost cause of a connection failure, in a few words (urllib3 nests them)."""
    inner: BaseException = error
    while isinstance(getattr(inner, "reason", None), BaseException):
        inner = inner.reason  # type: ignore[attr-defined]
    text = first_line(inner)
    if "Errno" in text:
        text = text[text.index("[Errno") :]
    return text[:160]


def _content_type(path: Path) -> str:
    return {
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".png": "image/png",
        ".json": "application/json",
        ".csv": "text/csv",
        ".html": "text/html",
    }.get(path.suffix.lower(), "application/octet-stream")
