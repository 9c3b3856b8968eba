"""Configuration and secrets: from the environment or secrets.toml, never shown anywhere."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from etsy_sync.config import DEFAULT_API_BASE, load_config
from etsy_sync.errors import ConfigError, ReconnectNeeded
from etsy_sync.service import EtsySync
from etsy_sync.tokens import Tokens, TokenStore
from tests.fake_etsy import KEYSTRING, SHARED_SECRET, FakeEtsy
from tests.fake_etsy.helpers import (
    RecordedSleeps,
    config_for,
    connect,
    environment_for,
    quick_policy,
    write_run,
)

REPO = Path(__file__).resolve().parents[2]


def test_settings_come_from_secrets_toml_and_the_environment_wins(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'ETSY_KEYSTRING = "from-file"\nETSY_SHARED_SECRET = "file-secret"\n'
        'ETSY_REDIRECT_URI = "https://example.test/etsy"\n[other]\nx = 1\n'
    )

    config = load_config({"ETSY_KEYSTRING": "from-env"}, secrets)

    assert config.keystring == "from-env"
    assert config.shared_secret == "file-secret"
    assert config.api_key == "from-env:file-secret"
    assert config.redirect_uri == "https://example.test/etsy"
    assert config.request_url == f"{DEFAULT_API_BASE}/v3/application"
    assert config.token_url == f"{DEFAULT_API_BASE}/v3/public/oauth/token"


def test_api_base_token_file_and_manifest_can_be_set(tmp_path):
    config = load_config(
        {
            "ETSY_KEYSTRING": "k",
            "ETSY_SHARED_SECRET": "s",
            "ETSY_API_BASE": "http://127.0.0.1:9/",
            "ETSY_TOKEN_FILE": str(tmp_path / "t.json"),
            "ETSY_MANIFEST_FILE": str(tmp_path / "m.sqlite3"),
        },
        tmp_path / "absent.toml",
    )

    assert config.request_url == "http://127.0.0.1:9/v3/application"
    assert config.token_file == tmp_path / "t.json"
    assert config.manifest_file == tmp_path / "m.sqlite3"


def test_the_token_file_defaults_to_the_users_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))

    config = load_config({"ETSY_KEYSTRING": "k", "ETSY_SHARED_SECRET": "s"}, tmp_path / "no")

    assert config.token_file.parent == tmp_path / "data" / "mockup-lab"


def test_missing_settings_are_named_and_no_value_is_shown(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load_config({"ETSY_SHARED_SECRET": "hush-hush"}, tmp_path / "absent.toml")

    assert "ETSY_KEYSTRING" in str(raised.value)
    assert "hush-hush" not in str(raised.value)


def test_a_broken_secrets_file_is_reported_without_quoting_it(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('ETSY_SHARED_SECRET = "hush-hush\n')

    with pytest.raises(ConfigError, match="cannot be read as TOML") as raised:
        load_config({}, secrets)
    assert "hush-hush" not in str(raised.value)


def test_config_and_tokens_print_without_their_secrets(tmp_path):
    config = load_config(
        {"ETSY_KEYSTRING": "key-123", "ETSY_SHARED_SECRET": "hush"}, tmp_path / "x"
    )
    tokens = Tokens("1.access-value", "1.refresh-value", 0.0)

    for text in (repr(config), repr(tokens)):
        for secret in ("key-123", "hush", "access-value", "refresh-value"):
            assert secret not in text


def test_the_token_file_is_private_even_under_a_permissive_umask(tmp_path):
    store = TokenStore(tmp_path / "etsy" / "token.json")
    previous = os.umask(0)
    try:
        store.save(Tokens("1.a", "1.r", 1.0))
        store.save(Tokens("1.b", "1.s", 2.0))
    finally:
        os.umask(previous)

    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert store.load() == Tokens("1.b", "1.s", 2.0)
    assert [p.name for p in store.path.parent.iterdir()] == ["token.json"]


def test_no_secret_reaches_logs_errors_the_manifest_or_the_command_output(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with FakeEtsy.running() as etsy:
        config = config_for(etsy, tmp_path)
        tokens = connect(etsy, config, expires_in=10)
        listing = etsy.add_listing()
        run_dir = write_run(tmp_path / "run", count=2)
        sync = EtsySync(config, quick_policy(RecordedSleeps(etsy)))
        sync.push(run_dir, listing.listing_id)
        refreshed = TokenStore(config.token_file).load()
        command = subprocess.run(
            [sys.executable, "-m", "etsy_sync", "status", "--listing", str(listing.listing_id)],
            cwd=REPO,
            env={**os.environ, **environment_for(config)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        etsy.state.revoke_all()
        etsy.state.expire_access_tokens()
        with pytest.raises(ReconnectNeeded) as raised:
            EtsySync(config, quick_policy(RecordedSleeps(etsy))).listings()

    with sqlite3.connect(config.manifest_file) as db:
        manifest = "\n".join(str(row) for row in db.execute("SELECT * FROM calls"))
    secrets = [
        KEYSTRING,
        SHARED_SECRET,
        tokens.access_token.split(".")[1],
        tokens.refresh_token.split(".")[1],
        refreshed.access_token.split(".")[1],
        refreshed.refresh_token.split(".")[1],
    ]
    for text in (caplog.text, str(raised.value), manifest, command.stdout, command.stderr):
        for secret in secrets:
            assert secret not in text
    assert "GET" in caplog.text and "/images" in manifest
