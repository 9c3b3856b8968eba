"""What the Etsy tests share: the fake Etsy's clock for sleeps, a connected config, a sync."""

from __future__ import annotations

import pytest

from etsy_sync.service import EtsySync
from tests.fake_etsy.helpers import RecordedSleeps, config_for, connect, quick_policy


@pytest.fixture
def sleeps(etsy):
    return RecordedSleeps(etsy)


@pytest.fixture
def config(etsy, tmp_path):
    """A config aimed at the fake Etsy, connected (the OAuth and client tests take theirs
    unconnected)."""
    config = config_for(etsy, tmp_path)
    connect(etsy, config)
    return config


@pytest.fixture
def sync(config, sleeps):
    return EtsySync(config, quick_policy(sleeps))
