"""Where Etsy is and who we are to it: read from the environment or .streamlit/secrets.toml.

The environment wins over the secrets file. Secrets are kept out of `repr`, so a config
printed in a log or an error shows no keystring, shared secret or token.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from etsy_sync.errors import ConfigError
from mockups.settings import SecretsFileError, read_secrets

DEFAULT_API_BASE = "https://api.etsy.com"
DEFAULT_CONNECT_URL = "https://www.etsy.com/oauth/connect"
DEFAULT_SECRETS_FILE = Path(".streamlit") / "secrets.toml"
APP_NAME = "mockup-lab"
TOKEN_FILE_NAME = "etsy-token.json"
MANIFEST_FILE_NAME = "etsy-sync.sqlite3"

REQUIRED = ("ETSY_KEYSTRING", "ETSY_SHARED_SECRET")


@dataclass(frozen=True)
class EtsyConfig:
    keystring: str = field(repr=False)
    shared_secret: str = field(repr=False)
    redirect_uri: str | None = None
    api_base: str = DEFAULT_API_BASE
    connect_url: str = DEFAULT_CONNECT_URL
    token_file: Path = field(default_factory=lambda: default_data_dir() / TOKEN_FILE_NAME)
    manifest_file: Path = field(default_factory=lambda: default_data_dir() / MANIFEST_FILE_NAME)

    @property
    def api_key(self) -> str:
        """The `x-api-key` header value Etsy requires on every call."""
        return f"{self.keystring}:{self.shared_secret}"

    @property
    def request_url(self) -> str:
        return f"{self.api_base.rstrip('/')}/v3/application"

    @property
    def token_url(self) -> str:
        return f"{self.api_base.rstrip('/')}/v3/public/oauth/token"

    @property
    def pending_connects_file(self) -> Path:
        return self.token_file.with_name(self.token_file.stem + "-connects.json")


def default_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


def load_config(
    environ: Mapping[str, str] | None = None, secrets_file: Path | None = None
) -> EtsyConfig:
    """The config from `environ` (default: the process environment), then the secrets file."""
    values = _settings(environ, secrets_file)
    missing = [name for name in REQUIRED if not values.get(name)]
    if missing:
        raise ConfigError(
            f"Etsy is not configured: set {' and '.join(missing)} in the environment "
            f"or in {DEFAULT_SECRETS_FILE}"
        )
    data_dir = default_data_dir()
    return EtsyConfig(
        keystring=values["ETSY_KEYSTRING"],
        shared_secret=values["ETSY_SHARED_SECRET"],
        redirect_uri=values.get("ETSY_REDIRECT_URI") or None,
        api_base=values.get("ETSY_API_BASE") or DEFAULT_API_BASE,
        connect_url=values.get("ETSY_CONNECT_URL") or DEFAULT_CONNECT_URL,
        token_file=Path(values.get("ETSY_TOKEN_FILE") or data_dir / TOKEN_FILE_NAME),
        manifest_file=Path(values.get("ETSY_MANIFEST_FILE") or data_dir / MANIFEST_FILE_NAME),
    )


def configured_settings(
    environ: Mapping[str, str] | None = None, secrets_file: Path | None = None
) -> set[str]:
    """The names of the `ETSY_*` settings given a value, in the environment or the secrets
    file (what a setup checklist ticks off); `ConfigError` if the secrets file is unreadable."""
    values = _settings(environ, secrets_file)
    return {name for name, value in values.items() if name.startswith("ETSY_") and value}


def _settings(environ: Mapping[str, str] | None, secrets_file: Path | None) -> dict[str, str]:
    values = _read_secrets(secrets_file if secrets_file is not None else DEFAULT_SECRETS_FILE)
    values.update({k: v for k, v in (os.environ if environ is None else environ).items() if v})
    return values


def _read_secrets(path: Path) -> dict[str, str]:
    """Top-level `ETSY_*` strings of a Streamlit secrets file; absent file, no values."""
    try:
        return read_secrets(path, lambda name: name.startswith("ETSY_"))
    except SecretsFileError as error:
        raise ConfigError(str(error)) from None
