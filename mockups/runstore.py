"""Where finished runs are kept: the local runs folder (the default) or S3-compatible storage.

`open_store()` reads `MOCKUPLAB_STORAGE` (`s3://bucket/prefix`) and the usual AWS settings
from the environment, then `.streamlit/secrets.toml`; unset, runs stay in the local folder
(`data_dir()/runs`), as they always have. A run is a folder of files under one name (its
folder's name); `run.json`, written last, makes it finished, in a bucket as on disk.

Every process reads runs as local folders: the local store *is* its folders; the S3 store
copies a run's small files (run.json, thumbnails, profile tables) into the local runs folder,
which serves as its cache, and full-size images only when asked (`fetch`), or hands out a
presigned URL so the browser fetches them (`image_url`). The S3 client (MinIO's, which
speaks S3's API to AWS, R2, MinIO, Backblaze...) is imported only by the S3 store, so
processes on the local store never load it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from mockups.errors import MockupLabError
from mockups.runfolder import PART_SUFFIX, RUN_FILE, THUMBS_DIR, atomic_file
from mockups.secrets_file import SecretsFileError, read_secrets

STORAGE_ENV = "MOCKUPLAB_STORAGE"
SECRETS_FILE = Path(".streamlit") / "secrets.toml"
SETTINGS = (
    STORAGE_ENV,
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)
# A run's name: its folder's, as `storage.new_run_dir` makes it.
RUN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# What a cache copies of a run: everything but full-size images, artworks and memray captures.
PROFILE_DIR = "profile"
SMALL_SUFFIXES = (".json", ".csv")
CACHE_MARK = ".stored.json"
PRESIGNED_SECONDS = 3600
CHUNK_BYTES = 8 * 1024 * 1024  # an upload's part (S3's smallest is 5 MB)
READ_BYTES = 1024 * 1024  # a download's read
CONNECT_SECONDS = 5
READ_SECONDS = 60
RETRIES = 2


class StoreError(MockupLabError):
    """The runs store cannot do what was asked; the message is one line, without secrets."""


class StoreUnavailable(StoreError):
    """The runs store cannot be reached, or refuses this process's credentials."""


class MissingInStore(StoreError):
    """A key the job or page needs is not in the runs store."""


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


class RunStore(Protocol):
    """What every process does with runs, whichever backend keeps them."""

    @property
    def location(self) -> str: ...

    @property
    def remote(self) -> bool:
        """True when the runs are not this machine's folders (a job must name the store)."""
        ...

    def put_artwork(self, artwork: Path, run: str) -> str:
        """Keep the uploaded artwork (a file in the run's local folder); returns its key."""
        ...

    def fetch_artwork(self, key: str, into: Path) -> Path:
        """The artwork `key` as a local file in the folder `into`."""
        ...

    def finished_runs(self) -> dict[str, str]:
        """Each finished run's name, with a stamp that changes when its run.json does."""
        ...

    def sync_run(self, run: str, folder: Path, stamp: str | None = None) -> bool:
        """Bring the run's small files into `folder`; False when the run is not finished."""
        ...

    def fetch(self, folder: Path, names: Iterable[str]) -> None:
        """Make the run files `names` (relative to the run) present in its local `folder`."""
        ...

    def fetch_folder(self, folder: Path, sub: str) -> None:
        """Make every stored file under the run's sub-folder `sub` present in `folder`."""
        ...

    def put(self, folder: Path, names: Iterable[str]) -> None:
        """Store files a finished run gained here (a mode comparison's table)."""
        ...

    def image_url(self, folder: Path, name: str) -> str | None:
        """A URL a browser may fetch the file from directly, when the backend has one."""
        ...

    def publish(self, folder: Path, run: str, keep: Iterable[str] = ()) -> None:
        """Store the finished run in the local `folder` as `run`, run.json last; the files
        `keep` names are already stored (the artwork) and stay as they are."""
        ...

    def delete(self, run: str) -> None: ...


@dataclass(frozen=True)
class LocalRunStore:
    """The runs folder on this machine: the store and its cache are the same folders."""

    root: Path
    location: str = "local"
    remote: bool = False

    def put_artwork(self, artwork: Path, run: str) -> str:
        return f"{run}/{artwork.name}"

    def fetch_artwork(self, key: str, into: Path) -> Path:
        run, _, name = key.partition("/")
        path = self.root / _run_name(run) / name
        if "/" in name or not path.is_file():
            raise MissingInStore(f"the runs folder has no {key}")
        return path

    def finished_runs(self) -> dict[str, str]:
        if not self.root.is_dir():
            return {}
        found = {}
        for entry in os.scandir(self.root):
            try:
                found[entry.name] = str(os.stat(Path(entry.path) / RUN_FILE).st_mtime_ns)
            except OSError:
                continue
        return found

    def sync_run(self, run: str, folder: Path, stamp: str | None = None) -> bool:
        return (folder / RUN_FILE).is_file()

    def fetch(self, folder: Path, names: Iterable[str]) -> None:
        return None

    def fetch_folder(self, folder: Path, sub: str) -> None:
        return None

    def put(self, folder: Path, names: Iterable[str]) -> None:
        return None

    def image_url(self, folder: Path, name: str) -> str | None:
        return None

    def publish(self, folder: Path, run: str, keep: Iterable[str] = ()) -> None:
        target = self.root / run
        if folder.resolve() == target.resolve():
            return
        target.mkdir(parents=True, exist_ok=True)
        (target / RUN_FILE).unlink(missing_ok=True)
        for relative in sorted(_files_of(folder)):
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            with atomic_file(destination) as partial:
                shutil.copyfile(folder / relative, partial)
        with atomic_file(target / RUN_FILE) as partial:
            shutil.copyfile(folder / RUN_FILE, partial)

    def delete(self, run: str) -> None:
        shutil.rmtree(self.root / _run_name(run), ignore_errors=True)


class S3RunStore:
    """Runs as objects `prefix/<run>/<file>` in one bucket; the local runs folder caches them.

    Uploads go in 8 MB parts one after another, downloads are read 1 MB at a time: a file of
    any size costs one part of memory."""

    remote = True

    def __init__(self, settings: S3Settings) -> None:
        self.settings = settings
        self.location = settings.location
        self._client = _s3_client(settings)

    def __repr__(self) -> str:
        return f"S3RunStore({self.location})"

    def put_artwork(self, artwork: Path, run: str) -> str:
        key = f"{_run_name(run)}/{artwork.name}"
        self._upload(artwork, self._key(run, artwork.name))
        return key

    def fetch_artwork(self, key: str, into: Path) -> Path:
        run, _, name = key.partition("/")
        _run_name(run)
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
        if stamp is not None and _cache_stamp(folder) == stamp and (folder / RUN_FILE).is_file():
            return True
        objects = {
            item.object_name.removeprefix(self._key(run, "")): item for item in self._list(run)
        }
        if RUN_FILE not in objects:
            return False
        stamp = objects[RUN_FILE].etag
        if _cache_stamp(folder) == stamp and (folder / RUN_FILE).is_file():
            return True
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RUN_FILE).unlink(missing_ok=True)
        for name in sorted(objects):
            if name != RUN_FILE and _small(name):
                self._download(self._key(run, name), folder / name)
        self._download(self._key(run, RUN_FILE), folder / RUN_FILE)
        (folder / CACHE_MARK).write_text(json.dumps({"run": run, "stamp": stamp}))
        return True

    def fetch(self, folder: Path, names: Iterable[str]) -> None:
        run = _run_name(folder.name)
        for name in names:
            path = folder / name
            if not path.is_file():
                self._download(self._key(run, name), path)

    def fetch_folder(self, folder: Path, sub: str) -> None:
        run = _run_name(folder.name)
        inside = f"{_relative_name(sub)}/"
        for item in self._list(run, inside):
            name = item.object_name.removeprefix(self._key(run, ""))
            if not (folder / name).is_file():
                self._download(item.object_name, folder / _relative_name(name))

    def put(self, folder: Path, names: Iterable[str]) -> None:
        run = _run_name(folder.name)
        for name in names:
            self._upload(folder / _relative_name(name), self._key(run, name))

    def image_url(self, folder: Path, name: str) -> str | None:
        key = self._key(_run_name(folder.name), name)
        with self._talking(key):
            return self._client.presigned_get_object(
                self.settings.bucket, key, expires=timedelta(seconds=PRESIGNED_SECONDS)
            )

    def publish(self, folder: Path, run: str, keep: Iterable[str] = ()) -> None:
        """Upload the run, run.json last, after removing the stored run.json (so a run being
        replaced is never listed as the old one) and, before run.json, any file an earlier
        attempt left that this one did not write."""
        run = _run_name(run)
        before = {item.object_name for item in self._list(run)}
        self._remove([self._key(run, RUN_FILE)])
        kept = {self._key(run, name) for name in keep}
        uploaded = set()
        for relative in sorted(_files_of(folder)):
            key = self._key(run, relative)
            if key not in kept:
                self._upload(folder / relative, key)
                uploaded.add(key)
        self._remove(sorted(before - uploaded - kept - {self._key(run, RUN_FILE)}))
        self._upload(folder / RUN_FILE, self._key(run, RUN_FILE))

    def delete(self, run: str) -> None:
        """run.json first, so the run stops being listed before its files go."""
        keys = sorted(item.object_name for item in self._list(_run_name(run)))
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


def open_store(
    environ: Mapping[str, str] | None = None,
    secrets_file: Path | None = None,
    root: Path | None = None,
) -> RunStore:
    """The store the settings name: S3 when `MOCKUPLAB_STORAGE` is set, else the runs folder."""
    from mockups.storage import runs_dir

    settings = store_settings(environ, secrets_file)
    if settings is None:
        return LocalRunStore(runs_dir(root))
    return _s3_store(settings)


def store_settings(
    environ: Mapping[str, str] | None = None, secrets_file: Path | None = None
) -> S3Settings | None:
    """The S3 settings from the environment, then the secrets file; None for the local folder."""
    values = _read_secrets(secrets_file if secrets_file is not None else SECRETS_FILE)
    values.update({k: v for k, v in (os.environ if environ is None else environ).items() if v})
    url = values.get(STORAGE_ENV, "").strip()
    if not url or url in ("local", "file"):
        return None
    bucket, prefix = parse_location(url)
    return S3Settings(
        bucket=bucket,
        prefix=prefix,
        endpoint_url=values.get("AWS_ENDPOINT_URL") or None,
        region=values.get("AWS_REGION") or values.get("AWS_DEFAULT_REGION") or None,
        access_key_id=values.get("AWS_ACCESS_KEY_ID") or None,
        secret_access_key=values.get("AWS_SECRET_ACCESS_KEY") or None,
        session_token=values.get("AWS_SESSION_TOKEN") or None,
    )


def parse_location(url: str) -> tuple[str, str]:
    """`s3://bucket/prefix` as (bucket, prefix); `StoreError` for anything else."""
    scheme, _, rest = url.partition("://")
    bucket, _, prefix = rest.partition("/")
    prefix = prefix.strip("/")
    if scheme != "s3" or not BUCKET.fullmatch(bucket):
        raise StoreError(
            f"{STORAGE_ENV} must be s3://bucket/prefix (or unset for the local runs folder), "
            f"not {url[:80]!r}"
        )
    if ".." in prefix.split("/") or any(c in prefix for c in "\\\0?#"):
        raise StoreError(f"{STORAGE_ENV}: the prefix {prefix[:80]!r} is not a usable key prefix")
    return bucket, prefix


@lru_cache(maxsize=4)
def _s3_store(settings: S3Settings) -> S3RunStore:
    """One client per settings and process (its connection pool is thread-safe)."""
    return S3RunStore(settings)


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
        reason = _scrub(_reason(error), secrets)
        raise StoreUnavailable(f"the runs store {location} cannot be reached: {reason}") from None


def _refusal(error: Any, location: str, key: str, secrets: list[str]) -> StoreError:
    code = str(error.code or "error")
    if code in ("NoSuchKey", "NotFound"):
        return MissingInStore(f"the runs store {location} has no {key}")
    if code == "NoSuchBucket":
        return StoreUnavailable(f"the runs store {location}: the bucket does not exist")
    message = _scrub(_first_line(error.message or code), secrets)
    return StoreUnavailable(f"the runs store {location} refused {key} ({code}: {message})")


def _reason(error: BaseException) -> str:
    """The innermost cause of a connection failure, in a few words (urllib3 nests them)."""
    inner: BaseException = error
    while isinstance(getattr(inner, "reason", None), BaseException):
        inner = inner.reason  # type: ignore[attr-defined]
    text = _first_line(inner)
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


def _read_secrets(path: Path) -> dict[str, str]:
    """The store's settings from a Streamlit secrets file."""
    try:
        return read_secrets(path, SETTINGS.__contains__)
    except SecretsFileError as error:
        raise StoreError(str(error)) from None


def _files_of(folder: Path) -> list[str]:
    """Every file under `folder` but run.json, partial files and the cache's mark, relative."""
    names = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder).as_posix()
        skipped = relative in (RUN_FILE, CACHE_MARK) or path.name.endswith(PART_SUFFIX)
        if path.is_file() and not path.is_symlink() and not skipped:
            names.append(relative)
    return names


def _small(name: str) -> bool:
    """A file the cache copies: thumbnails, and the profile's and comparison's JSON and CSV."""
    head = name.split("/")[0]
    if head == THUMBS_DIR:
        return True
    return "/" in name and name.endswith(SMALL_SUFFIXES)


def _cache_stamp(folder: Path) -> str | None:
    try:
        return str(json.loads((folder / CACHE_MARK).read_text())["stamp"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def is_cached_copy(folder: Path) -> bool:
    """Whether `folder` is a copy of a stored run (as opposed to a render still going here)."""
    return (folder / CACHE_MARK).is_file()


def _run_name(run: str) -> str:
    if not RUN_NAME.fullmatch(run):
        raise StoreError(f"{run[:80]!r} is not a run's name")
    return run


def _relative_name(name: str) -> str:
    """`name` if it is a path inside a run (no `..`, not absolute); else `StoreError`."""
    parts = name.split("/")
    if not name or name.startswith("/") or "\\" in name or "\0" in name:
        raise StoreError(f"{name[:80]!r} is not a file of a run")
    if any(part in ("", ".", "..") for part in parts):
        raise StoreError(f"{name[:80]!r} is not a file of a run")
    return name


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
