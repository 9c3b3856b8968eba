"""Which runs store this process uses: `MOCKUPLAB_STORAGE` (`s3://bucket/prefix`) and the
usual AWS settings from the environment, then `.streamlit/secrets.toml`; unset, runs stay in
the local runs folder (`$MOCKUPLAB_HOME/runs`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from mockups.home import RUNS, home
from mockups.runs.base import RunStore, StoreError
from mockups.runs.local import LocalRunStore
from mockups.runs.s3 import S3RunStore, S3Settings
from mockups.settings import SecretsFileError, read_secrets

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
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def open_store(
    environ: Mapping[str, str] | None = None,
    secrets_file: Path | None = None,
    root: Path | None = None,
) -> RunStore:
    """The store the settings name: S3 when `MOCKUPLAB_STORAGE` is set, else the runs folder."""
    settings = store_settings(environ, secrets_file)
    if settings is None:
        return LocalRunStore(root or home(RUNS))
    return _s3_store(settings)


def settings_stamp(
    environ: Mapping[str, str] | None = None, secrets_file: Path | None = None
) -> tuple:
    """What decides the store, without parsing anything: its settings in the environment and
    the secrets file's path, change time and size."""
    values = os.environ if environ is None else environ
    path = (secrets_file if secrets_file is not None else SECRETS_FILE).absolute()
    try:
        status = path.stat()
        changed: tuple = (status.st_mtime_ns, status.st_size)
    except OSError:
        changed = ()
    return (tuple(values.get(name) for name in SETTINGS), str(path), changed)


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


def _read_secrets(path: Path) -> dict[str, str]:
    """The store's settings from a Streamlit secrets file."""
    try:
        return read_secrets(path, SETTINGS.__contains__)
    except SecretsFileError as error:
        raise StoreError(str(error)) from None
