"""Errors etsy_sync raises: each carries one line meant for a person, and never a secret."""


class EtsySyncError(Exception):
    """Base of every error whose message can be shown to a user as it is."""


class ConfigError(EtsySyncError):
    """The Etsy app is not configured (keystring, shared secret, redirect URI...)."""


class AuthError(EtsySyncError):
    """Connecting to Etsy failed: a refused or unknown authorisation, a bad redirect."""


class NotConnected(AuthError):
    """No saved connection: the user has to connect first."""


class ReconnectNeeded(AuthError):
    """Etsy no longer accepts the saved connection (revoked or expired refresh token)."""


class EtsyApiError(EtsySyncError):
    """Etsy answered an error, or could not be reached, after every allowed retry."""

    def __init__(self, message: str, status: int | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail
        """Etsy's own error text, for telling Etsy's known refusals apart."""


class RateLimited(EtsyApiError):
    """Etsy's rate limit did not clear within the allowed wait, or today's allowance is spent."""


class LocalStateError(EtsySyncError):
    """A file etsy_sync keeps (the manifest, the saved connection, the open Connect links)
    cannot be used as it is: damaged, locked, or not a file. Left as found, never replaced."""


class PlanError(EtsySyncError):
    """The run cannot be pushed as asked (no run.json, missing file, too many images...)."""


class PushInProgress(EtsySyncError):
    """Another push to the same listing is running."""
