"""The saved connection: Etsy's tokens in a JSON file only the user can read.

`{"access_token": ..., "refresh_token": ..., "expires_at": <unix seconds>}`. Etsy rotates the
refresh token on every refresh, so every refresh is saved at once; a lock file keeps two
processes (the dashboard and a command) from spending the same refresh token.
"""

from __future__ import annotations

import json
import math
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from etsy_sync.errors import LocalStateError
from etsy_sync.private_files import exclusive_lock, write_private_file

LATEST_EXPIRY = 32503680000.0  # 3000-01-01: later is not a time Etsy gave


@dataclass(frozen=True)
class Tokens:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float

    @property
    def user_id(self) -> int:
        """Etsy access tokens start with the user's numeric id: `<user_id>.<token>`."""
        prefix = self.access_token.split(".", 1)[0]
        return int(prefix) if prefix.isdigit() else 0

    def expires_within(self, seconds: float, now: float) -> bool:
        return now + seconds >= self.expires_at


@dataclass(frozen=True)
class TokenStore:
    path: Path

    def load(self) -> Tokens | None:
        """The saved tokens; None when there are none. A file that is not what `save` wrote
        is a LocalStateError (its content is never quoted: it holds secrets)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise self._damaged(type(error).__name__) from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            raise self._damaged("not JSON") from None
        if not isinstance(data, dict):
            raise self._damaged("not a JSON object")
        access, refresh, expires = (
            data.get("access_token"),
            data.get("refresh_token"),
            data.get("expires_at"),
        )
        if not (isinstance(access, str) and access and isinstance(refresh, str) and refresh):
            raise self._damaged("no tokens")
        if not _is_time(expires):
            raise self._damaged("'expires_at' is not a time")
        return Tokens(access_token=access, refresh_token=refresh, expires_at=float(expires))

    def save(self, tokens: Tokens) -> None:
        data = {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at,
        }
        try:
            write_private_file(self.path, json.dumps(data).encode())
        except OSError as error:
            raise LocalStateError(
                f"the Etsy connection cannot be saved in {self.path} ({type(error).__name__})"
            ) from None

    def clear(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            raise LocalStateError(
                f"the saved Etsy connection {self.path} cannot be removed ({type(error).__name__})"
            ) from None

    def locked(self) -> AbstractContextManager[None]:
        """Hold the refresh lock: one refresh at a time across processes."""
        return exclusive_lock(self.path)

    def _damaged(self, why: str) -> LocalStateError:
        return LocalStateError(
            f"the saved Etsy connection {self.path} is damaged ({why}); move it away and "
            "connect again"
        )


def _is_time(value: object) -> TypeGuard[int | float]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and 0 <= value <= LATEST_EXPIRY
