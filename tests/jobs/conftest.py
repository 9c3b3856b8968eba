"""Every job test runs in a home of its own, whose runs folder is the test's `tmp_path`: the
jobs a test queues name run folders in `tmp_path`, as the dashboard's name folders in its runs
folder (the rule a worker holds every job to, `mockups.home`)."""

from __future__ import annotations

import pytest

from tests.jobs_support import runs_in_tmp_path


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    return runs_in_tmp_path(tmp_path, monkeypatch)
