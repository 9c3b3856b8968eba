"""Runs in S3-compatible storage (AWS, R2, MinIO, Backblaze...) through MinIO's client.

The client is imported only here, so processes on the local store never load it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mockups.errors import first_line, scrub
from mockups.home import file_inside
from mockups.runs.base import (
    CACHE_MARK,
    COLLECTIONS_KEY,
    RUN_NAME,
    DamagedInStore,
    MissingInStore,
    StoreError,
    StoreTimedOut,
    StoreUnavailable,
    cache_stamp,
    files_of,
    is_cached_copy,
    is_small,
    relative_name,
    run_name,
)
from mockups.runs.deadline import Deadline, TransferTimedOut, bounded, pool_manager
from mockups.runs.folder import MAX_RUN_FILE_BYTES, RUN_FILE, atomic_file, mockup_path

LOG = logging.getLogger("mockuplab.runs")
MIB = 1024 * 1024
PRESIGNED_SECONDS = 3600
CHUNK_BYTES = 8 * MIB  # an upload's part (S3's smallest is 5 MB)
READ_BYTES = 64 * 1024  # a download's read: what has arrived, up to this
CONNECT_SECONDS = 5
READ_SECONDS = 20  # the longest wait for the next bytes
RETRIES = 2
# Every exchange ends within REQUEST_SECONDS, plus its bytes at the slowest rate a store may
# keep: a store that trickles is given up, whatever each read's timeout.
REQUEST_SECONDS = 30.0
SLOWEST_BYTES_PER_SECOND = 256 * 1024
# A thumbnail, a profile's table, a comparison's; and any file of a run (a mockup, an
# artwork, a memray capture). Larger ones are no run's: never fetched.
MAX_SMALL_FILE_BYTES = 16 * MIB
MAX_STORED_FILE_BYTES = 256 * MIB
# The run list: copies are made newest first for at most REFRESH_BUDGET_SECONDS a refresh (the
# rest on the next), a run for at most RUN_SYNC_SECONDS; one that is slow, damaged or
# unfinished is left alone for REST_SECONDS.
REFRESH_BUDGET_SECONDS = 3.0
RUN_SYNC_SECONDS = 10.0
REST_SECONDS = 300.0
UNFINISHED_REST_AFTER_SECONDS = 3600.0  # no render goes on this long without writing
# A run without run.json (its worker killed, the store down at its end) is kept as long as
# Redis keeps its job, so a retry finds its upload; then swept.
UNFINISHED_KEEP_SECONDS = 7 * 24 * 3600


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

    Uploads go in 8 MB parts one after another, downloads are written as they arrive: a file
    of any size costs one part of memory. Every key is checked before the client sees it, and
    every key listed is checked before it names a local file (`mockups.home`): one that is no
    plain relative name is skipped with one line. Every exchange is bounded in time as a
    whole (`deadline`), every file in size."""

    def __init__(self, settings: S3Settings, client: Any = None) -> None:
        self.settings = settings
        self.location = settings.location
        self.job_location: str | None = settings.location  # a job names the store
        self._client = client if client is not None else _s3_client(settings)
        self._resting: dict[str, float] = {}  # run -> when a refresh may try it again

    def __repr__(self) -> str:
        return f"S3RunStore({self.location})"

    def check(self) -> None:
        """`StoreUnavailable` (one line) unless the bucket answers."""
        with self._talking(self._prefix or "/"):
            found = self._client.bucket_exists(self.settings.bucket)
        if not found:
            raise StoreUnavailable(f"the runs store {self.location}: the bucket does not exist")

    def put_artwork(self, artwork: Path, run: str) -> str:
        key = f"{run_name(run)}/{artwork.name}"
        self._upload(artwork, self._key(run, artwork.name))
        return key

    def fetch_artwork(self, key: str, into: Path) -> Path:
        run, _, name = key.partition("/")
        run_name(run)
        if not name or "/" in name or name in (".", ".."):
            raise MissingInStore(f"{key} is not an artwork's key")
        destination = into / relative_name(name)
        self._download(self._key(run, name), destination, MAX_STORED_FILE_BYTES)
        return destination

    def finished_runs(self) -> dict[str, str]:
        """Every finished run and its run.json's ETag, from a listing of every key (for tools
        and tests: the run list refreshes through `refresh_copies`, which pages)."""
        found = {}
        for item in self._list(""):
            run, _, rest = item.object_name.removeprefix(self._prefix).partition("/")
            if rest == RUN_FILE and RUN_NAME.fullmatch(run):
                found[run] = item.etag
        return found

    def run_names(self) -> list[str]:
        """Every run's name in the store, finished or not, newest first (a run's name starts
        with its UTC time), from one listing of the prefix's folders, not of their files."""
        where = self._prefix or "/"
        with self._talking(where):
            listed = list(
                self._client.list_objects(self.settings.bucket, prefix=self._prefix or None)
            )
        names = [item.object_name.removeprefix(self._prefix).rstrip("/") for item in listed]
        return sorted((name for name in names if RUN_NAME.fullmatch(name)), reverse=True)

    def sync_run(self, run: str, folder: Path, stamp: str | None = None) -> bool:
        """Copy run.json, thumbnails and profile tables into `folder`, run.json last; a run
        already copied at the same `stamp` (run.json's ETag) is not read again. A run without
        run.json is unfinished (swept once older than UNFINISHED_KEEP_SECONDS)."""
        if stamp is not None and cache_stamp(folder) == stamp and (folder / RUN_FILE).is_file():
            return True
        listed = self._list(run)
        files = self._files_of(run, listed)
        record = files.get(RUN_FILE)
        if record is None:
            self._unfinished(run, listed)
            return False
        if cache_stamp(folder) == record.etag and (folder / RUN_FILE).is_file():
            return True
        if record.size is not None and record.size > MAX_RUN_FILE_BYTES:
            raise DamagedInStore(
                f"the runs store {self.location}: {run}/{RUN_FILE} is "
                f"{record.size / MIB:.0f} MB, no run record"
            )
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RUN_FILE).unlink(missing_ok=True)
        for name, item in sorted(files.items()):
            if name == RUN_FILE or not is_small(name):
                continue
            if item.size is not None and item.size > MAX_SMALL_FILE_BYTES:
                LOG.warning("%s: %s skipped: larger than a run's small file", self.location, name)
                continue
            self._download(item.object_name, file_inside(folder, name), MAX_SMALL_FILE_BYTES)
        self._download(record.object_name, folder / RUN_FILE, MAX_RUN_FILE_BYTES)
        mark = {"run": run, "stamp": record.etag, "store": self.location}
        (folder / CACHE_MARK).write_text(json.dumps(mark))
        return True

    def refresh_copies(
        self, runs_folder: Path, budget_seconds: float = REFRESH_BUDGET_SECONDS
    ) -> int:
        """Copies of runs gone from the store removed; runs not copied yet copied, newest
        first, for at most `budget_seconds` (the rest on the next refresh); returns how many
        are left. A run that is slow, damaged or unfinished is skipped with one line and left
        alone for REST_SECONDS; the store itself out of reach is `StoreUnavailable`."""
        names = self.run_names()
        listed = set(names)
        if runs_folder.is_dir():
            for copy in runs_folder.iterdir():
                if copy.name not in listed and is_cached_copy(copy):
                    shutil.rmtree(copy, ignore_errors=True)
        ends = time.monotonic() + budget_seconds
        waiting = [
            name
            for name in names
            if not (runs_folder / name / RUN_FILE).is_file()
            and self._resting.get(name, 0.0) <= time.monotonic()
        ]
        for position, name in enumerate(waiting):
            if time.monotonic() >= ends:
                return len(waiting) - position
            self._copy_one(name, runs_folder / name)
        return 0

    def _copy_one(self, run: str, folder: Path) -> None:
        try:
            with bounded(RUN_SYNC_SECONDS):
                self.sync_run(run, folder)
        except (StoreTimedOut, DamagedInStore, MissingInStore) as error:
            LOG.warning("run %s skipped for now: %s", run, error)
            self._resting[run] = time.monotonic() + REST_SECONDS

    def fetch(self, folder: Path, names: Iterable[str]) -> None:
        run = run_name(folder.name)
        for name in names:
            path = mockup_path(folder, name)  # refuses a name that leads out of the run
            if not path.is_file():
                self._download(self._key(run, name), path, MAX_STORED_FILE_BYTES)

    def fetch_folder(self, folder: Path, sub: str) -> None:
        run = run_name(folder.name)
        inside = f"{relative_name(sub)}/"
        for name, item in self._files_of(run, self._list(run, inside)).items():
            path = file_inside(folder, name)
            if not path.is_file():
                self._download(item.object_name, path, MAX_STORED_FILE_BYTES)

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
        """run.json first, so the run stops being listed before its files go (keys listed
        under the run's prefix, whatever their names)."""
        keys = sorted(item.object_name for item in self._list(run_name(run)))
        first = self._key(run, RUN_FILE)
        self._remove([key for key in keys if key == first])
        self._remove([key for key in keys if key != first])

    def for_collection(self, name: str) -> S3RunStore:
        """`<prefix>/_collections/<name>` in the same bucket, through the same client."""
        if not RUN_NAME.fullmatch(name):
            raise StoreError(
                f"{name[:80]!r}: a collection whose runs go to {self.location} needs a plain "
                "name (letters, digits, - and _)"
            )
        prefix = "/".join(p for p in (self.settings.prefix, COLLECTIONS_KEY, name) if p)
        return S3RunStore(replace(self.settings, prefix=prefix), self._client)

    @property
    def _prefix(self) -> str:
        return f"{self.settings.prefix}/" if self.settings.prefix else ""

    def _run_prefix(self, run: str) -> str:
        return f"{self._prefix}{run_name(run)}/"

    def _key(self, run: str, name: str) -> str:
        """The key of the run's file `name`; both checked before any client call."""
        return f"{self._run_prefix(run)}{relative_name(name)}"

    def _files_of(self, run: str, listed: list[Any]) -> dict[str, Any]:
        """The listed objects by their name in the run; a key that is no plain relative name
        (an absolute path, `..`, a control character: planted) is skipped with one line."""
        head = self._run_prefix(run)
        files = {}
        for item in listed:
            name = item.object_name.removeprefix(head)
            try:
                files[relative_name(name)] = item
            except StoreError:
                LOG.warning("%s: key %s skipped: not a file of a run", self.location, _shown(name))
        return files

    def _unfinished(self, run: str, listed: list[Any]) -> None:
        """An unfinished run: left alone a while once it is not rendering any more, and swept
        once nothing of it was written for UNFINISHED_KEEP_SECONDS."""
        written = [item.last_modified for item in listed if item.last_modified is not None]
        if not written:
            return
        idle = (datetime.now(UTC) - max(written)).total_seconds()
        if idle > UNFINISHED_REST_AFTER_SECONDS:
            self._resting[run] = time.monotonic() + REST_SECONDS
        if idle > UNFINISHED_KEEP_SECONDS:
            self._remove(sorted(item.object_name for item in listed))
            LOG.warning(
                "%s: swept unfinished run %s (no %s, nothing written for %.0f days)",
                self.location,
                run,
                RUN_FILE,
                idle / 86400,
            )

    def _list(self, run: str, inside: str = "") -> list[Any]:
        where = f"{self._run_prefix(run)}{inside}" if run else self._prefix
        with self._talking(where or "/"):
            return list(
                self._client.list_objects(self.settings.bucket, prefix=where, recursive=True)
            )

    def _upload(self, path: Path, key: str) -> None:
        with self._talking(key, path.stat().st_size):
            self._client.fput_object(
                self.settings.bucket,
                key,
                str(path),
                content_type=_content_type(path),
                part_size=CHUNK_BYTES,
                num_parallel_uploads=1,
            )

    def _download(self, key: str, path: Path, max_bytes: int) -> None:
        """`key` written to `path` as its bytes arrive; refused when it holds more than
        `max_bytes`, given up when it takes longer than its size allows at the slowest rate."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._talking(key):
            response = self._client.get_object(self.settings.bucket, key)
        try:
            size = _content_length(response)
            if size is not None and size > max_bytes:
                raise DamagedInStore(
                    f"the runs store {self.location}: {key} is {size / MIB:.0f} MB, "
                    "larger than any file of a run"
                )
            with self._talking(key, size or 0) as deadline, atomic_file(path) as partial:
                deadline.watch(response.connection)
                received = _write_body(response, partial, max_bytes)
                if received > max_bytes:
                    raise DamagedInStore(
                        f"the runs store {self.location}: {key} is larger than "
                        f"{max_bytes / MIB:.0f} MB, no file of a run"
                    )
                if size is not None and received != size:  # the socket shut, or the store lied
                    raise OSError(f"the transfer ended after {received} of {size} bytes")
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

    @contextmanager
    def _talking(self, key: str, size: int = 0) -> Iterator[Deadline]:
        """One exchange about `key`, bounded in time for `size` bytes, its errors one line."""
        seconds = REQUEST_SECONDS + size / SLOWEST_BYTES_PER_SECOND
        secrets = self.settings.secrets()
        with bounded(seconds) as deadline, _s3_errors(self.location, key, secrets, deadline):
            yield deadline


def _write_body(response: Any, path: Path, max_bytes: int) -> int:
    """The response's body written to `path` as it arrives; the bytes received, stopping
    once they are more than `max_bytes`."""
    received = 0
    with path.open("wb") as out:
        while chunk := response.read1(READ_BYTES):
            received += len(chunk)
            if received > max_bytes:
                break
            out.write(chunk)
    return received


def _content_length(response: Any) -> int | None:
    value = response.headers.get("content-length")
    return int(value) if value is not None and value.isdigit() else None


def _shown(name: str) -> str:
    text = repr(name)
    return text if len(text) <= 80 else text[:77] + "..."


def _s3_client(settings: S3Settings) -> Any:
    """A MinIO client (S3's API; 7 MB on import, where boto3's S3 client costs 27 MB)."""
    import certifi
    import urllib3
    from minio import Minio

    endpoint, secure = _endpoint(settings.endpoint_url)
    http = pool_manager(
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
def _s3_errors(
    location: str, key: str, secrets: list[str], deadline: Deadline | None = None
) -> Iterator[None]:
    """The client's errors as one `StoreError` line naming the store and the key, never a
    secret: a missing key, a refusal, the exchange over its deadline, or the store out of
    reach."""
    import urllib3.exceptions
    from minio.error import MinioException, S3Error

    try:
        yield
    except StoreError:
        raise
    except TransferTimedOut:
        raise _timed_out(location, key, deadline) from None
    except S3Error as error:
        raise _refusal(error, location, key, secrets) from None
    except (MinioException, urllib3.exceptions.HTTPError, OSError) as error:
        if deadline is not None and deadline.expired:
            raise _timed_out(location, key, deadline) from None
        reason = scrub(_reason(error), secrets)
        raise StoreUnavailable(f"the runs store {location} cannot be reached: {reason}") from None


def _timed_out(location: str, key: str, deadline: Deadline | None) -> StoreTimedOut:
    seconds = f" {deadline.seconds:.0f} s" if deadline is not None else ""
    return StoreTimedOut(f"the runs store {location} is too slow: {key} not done in{seconds}")


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
