"""Redis URLs in messages and logs without their passwords.

A Redis URL carries its password (`redis://:PASSWORD@host`, or `?password=`): every message
and log line of the queue and its workers names the server by `redacted_url`, and
`SecretScrubber` rewrites any log record that still holds a secret.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from mockups.errors import HIDDEN, scrub

SECRET_PARAMETERS = ("password", "username")


def redacted_url(url: str) -> str:
    """`url` with its password (and any password parameter) replaced by ***."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "<a malformed Redis URL>"
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if port is not None:
        netloc = f"{netloc}:{port}"
    if parts.username or parts.password:
        user = parts.username or ""
        netloc = f"{user}:{HIDDEN}@{netloc}" if parts.password else f"{user}@{netloc}"
    query = [
        (key, HIDDEN if key.lower() in SECRET_PARAMETERS else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="*"), ""))


def secrets_of(url: str) -> list[str]:
    """The secrets `url` holds, as written and decoded, longest first."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return [url]  # cannot tell its parts apart: the whole URL is the secret
    found = {parts.password or ""}
    found.update(
        value
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() == "password"
    )
    raw_password = parts.netloc.rpartition("@")[0].partition(":")[2]
    found.update({raw_password, unquote(raw_password)})
    found.discard("")
    return sorted(found, key=len, reverse=True)


class SecretScrubber(logging.Filter):
    """A handler filter that hides `secrets` in every record it passes, tracebacks included."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        record.msg = scrub(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info:
            traceback = logging.Formatter().formatException(record.exc_info)
            record.exc_text = scrub(traceback, self.secrets)
            record.exc_info = None
        return True
