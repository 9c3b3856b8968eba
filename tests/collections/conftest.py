"""Every collection test runs in a home of its own (`tmp_path/home`), its collections in that
home's collections folder, where a worker runs a collection's jobs from (`mockups.home`). The
Etsy fixtures are the Etsy tests' own: a connected sync on the fake."""

from __future__ import annotations

import pytest

from tests.etsy.conftest import config, sleeps, sync

__all__ = ["config", "home", "sleeps", "sync"]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("MOCKUPLAB_HOME", str(home))
    return home
