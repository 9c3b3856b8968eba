"""Connecting to Etsy: OAuth 2 with PKCE (S256) and a checked `state`.

`start_connect` makes the Connect link and remembers its verifier under its state, in a
private file, because Etsy sends the user back to a new page (or a new command) that must
finish the exchange. `finish_connect` trades the code for tokens and saves them.
"""

from __future__ import annotations

import json
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from oauthlib.oauth2 import InsecureTransportError, OAuth2Error

from etsy_sync.config import EtsyConfig
from etsy_sync.errors import AuthError, ConfigError, LocalStateError
from etsy_sync.etsy_python_gaps import oauth_with_verifier, point_at
from etsy_sync.private_files import exclusive_lock, write_private_file
from etsy_sync.tokens import Tokens, TokenStore
from etsy_sync.transport import CallRecorder, EtsyTransport, RetryPolicy, mount

SCOPES = ("listings_r", "listings_w", "shops_r")
CONNECT_LINK_SECONDS = 15 * 60

Clock = Callable[[], float]


@dataclass(frozen=True)
class ConnectLink:
    url: str
    state: str
    expires_at: float


def start_connect(config: EtsyConfig, clock: Clock = time.time) -> ConnectLink:
    if not config.redirect_uri:
        raise ConfigError("set ETSY_REDIRECT_URI (the address Etsy sends the user back to)")
    state = secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(64)
    point_at(config)
    try:
        url, _ = oauth_with_verifier(config, list(SCOPES), state, verifier).get_auth_code()
    except InsecureTransportError:
        raise ConfigError("Etsy's connect address must use https (ETSY_CONNECT_URL)") from None
    now = clock()
    _PendingConnects(config.pending_connects_file).add(state, verifier, now)
    return ConnectLink(url=url, state=state, expires_at=now + CONNECT_LINK_SECONDS)


def finish_connect(
    config: EtsyConfig,
    code: str,
    state: str,
    policy: RetryPolicy | None = None,
    on_call: CallRecorder | None = None,
    clock: Clock = time.time,
) -> Tokens:
    """Trade Etsy's one-time `code` for tokens, if `state` is one of our open Connect links."""
    verifier = _PendingConnects(config.pending_connects_file).take(state, clock())
    policy = policy or RetryPolicy()
    oauth = oauth_with_verifier(config, list(SCOPES), state, verifier)
    mount(oauth.oauth, EtsyTransport(policy, on_call))
    headers = {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "x-api-key": config.api_key,
    }
    try:
        token = oauth.oauth.fetch_token(
            config.token_url,
            code=code,
            code_verifier=verifier,
            include_client_id=True,
            headers=headers,
            timeout=policy.timeout,
        )
    except InsecureTransportError:
        raise AuthError("Etsy's token address must use https") from None
    except OAuth2Error as error:
        raise AuthError(
            f"Etsy refused the connection ({error.error}); start again from the Connect link"
        ) from None
    except (requests.RequestException, ValueError) as error:
        raise AuthError(
            f"could not finish connecting to Etsy ({type(error).__name__}); try again"
        ) from None
    tokens = Tokens(
        access_token=token["access_token"],
        refresh_token=token["refresh_token"],
        expires_at=clock() + float(token["expires_in"]),
    )
    TokenStore(config.token_file).save(tokens)
    return tokens


def finish_connect_from_redirect(
    config: EtsyConfig, redirect_url: str, policy: RetryPolicy | None = None
) -> Tokens:
    """Finish from the whole address Etsy sent the user back to (pasted in the terminal)."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(redirect_url.strip()).query).items()}
    return finish_connect_from_query(config, query, policy)


def finish_connect_from_query(
    config: EtsyConfig, query: dict[str, str], policy: RetryPolicy | None = None
) -> Tokens:
    """Finish from the redirect's query parameters (what the dashboard page reads)."""
    if "error" in query:
        detail = query.get("error_description") or query["error"]
        raise AuthError(f"Etsy did not connect: {detail}")
    if not query.get("code") or not query.get("state"):
        raise AuthError(
            "that address has no code and state: paste the whole address Etsy sent you to"
        )
    return finish_connect(config, query["code"], query["state"], policy)


@dataclass(frozen=True)
class _PendingConnects:
    """Open Connect links: state -> PKCE verifier, each usable once, for a limited time."""

    path: Path

    def add(self, state: str, verifier: str, now: float) -> None:
        with exclusive_lock(self.path):
            pending = self._fresh(now)
            pending[state] = {"code_verifier": verifier, "created_at": now}
            self._write(pending)

    def take(self, state: str, now: float) -> str:
        with exclusive_lock(self.path):
            pending = self._fresh(now)
            entry = pending.pop(state, None)
            self._write(pending)
        if entry is None:
            raise AuthError(
                "this Etsy answer does not match an open Connect link (unknown or expired "
                "state); start again from the Connect link"
            )
        return entry["code_verifier"]

    def _fresh(self, now: float) -> dict[str, dict]:
        """The links still open; a file that is not what `_write` wrote is refused as it is."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as error:
            raise self._damaged(type(error).__name__) from None
        try:
            pending = json.loads(text)
        except (ValueError, RecursionError):
            raise self._damaged("not JSON") from None
        if not isinstance(pending, dict) or not all(map(_is_entry, pending.values())):
            raise self._damaged("not a map of Connect links")
        return {
            state: entry
            for state, entry in pending.items()
            if 0 <= now - entry["created_at"] < CONNECT_LINK_SECONDS
        }

    def _write(self, pending: dict[str, dict]) -> None:
        try:
            write_private_file(self.path, json.dumps(pending).encode())
        except OSError as error:
            raise LocalStateError(
                f"the open Connect links cannot be saved in {self.path} ({type(error).__name__})"
            ) from None

    def _damaged(self, why: str) -> LocalStateError:
        return LocalStateError(
            f"the open Connect links in {self.path} are damaged ({why}); move the file away "
            "and start again from the Connect link"
        )


def _is_entry(entry: object) -> bool:
    if not isinstance(entry, dict) or not isinstance(entry.get("code_verifier"), str):
        return False
    created = entry.get("created_at")
    return (
        isinstance(created, int | float)
        and not isinstance(created, bool)
        and (math.isfinite(created))
    )
