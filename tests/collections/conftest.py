"""The collection tests' Etsy fixtures are the Etsy tests' own: a connected sync on the fake."""

from tests.etsy.conftest import config, sleeps, sync

__all__ = ["config", "sleeps", "sync"]
