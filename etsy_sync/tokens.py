"""The saved connection: Etsy's tokens in a JSON file only the user can read.

`{"access_token": ..., "refresh_token": ..., "expires_at": <unix seconds>}`. Etsy rotates the
refresh token on every refresh, so every refresh is saved at once; a lock file keeps two
processes (the dashboard and a command) from spending the same refresh token.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from etsy_sync.errors import AuthError
from etsy_sync.private_files import exclusive_lock, write_private_file


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
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return Tokens(
                access_token=str(data["access_token"]),
                refresh_token=str(data["refresh_token"]),
                expires_at=float(data["expires_at"]),
            )
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            raise AuthError(
                f"the saved Etsy connection in {self.path} is damaged: connect again"
            ) from None

    def save(self, tokens: Tokens) -> None:
        data = {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at,
        }
        write_private_file(self.path, json.dumps(data).encode())

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)

    def locked(self) -> AbstractContextManager[None]:
        """Hold the refresh lock: one refresh at a time across processes."""
        return exclusive_lock(self.path)
