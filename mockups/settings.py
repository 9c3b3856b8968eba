"""Settings kept in a Streamlit secrets file (`.streamlit/secrets.toml`): top-level strings."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path


class SecretsFileError(ValueError):
    """A secrets file that exists but cannot be read; the message never quotes its lines."""


def read_secrets(path: Path, wanted: Callable[[str], bool]) -> dict[str, str]:
    """The top-level string values of `path` whose names are `wanted`; none for no file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        # The parser's message may quote a line, which may hold a secret.
        raise SecretsFileError(f"{path} cannot be read as TOML ({type(error).__name__})") from None
    return {k: v for k, v in data.items() if wanted(k) and isinstance(v, str)}
