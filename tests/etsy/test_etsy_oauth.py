"""Connecting to Etsy: OAuth 2 with PKCE and a checked state, against the fake's endpoints."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from etsy_python.v3.auth.OAuth import EtsyOAuth

from etsy_sync.errors import AuthError
from etsy_sync.etsy_python_gaps import oauth_with_verifier
from etsy_sync.service import EtsySync
from tests.fake_etsy import KEYSTRING, REDIRECT_URI
from tests.fake_etsy.helpers import RecordedSleeps, config_for, environment_for, quick_policy
from tests.fake_etsy.state import pkce_challenge

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def http_token_url_allowed(monkeypatch):
    """The fake serves http://; requests-oauthlib wants https unless told otherwise."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def config(etsy, tmp_path):
    return config_for(etsy, tmp_path)


def new_page(config, etsy):
    """A fresh EtsySync, as a new dashboard session or command would make."""
    return EtsySync(config, quick_policy(RecordedSleeps(etsy)))


def seller_allows(link: str) -> str:
    """The seller clicks Allow on Etsy: the address Etsy sends the browser back to."""
    answer = requests.get(link, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    return answer.headers["Location"]


def test_the_connect_link_asks_for_our_scopes_with_s256_pkce_and_a_state(etsy, config):
    link = new_page(config, etsy).connect_link()

    query = {k: v[0] for k, v in parse_qs(urlsplit(link.url).query).items()}
    assert link.url.startswith(etsy.connect_url + "?")
    assert query["response_type"] == "code"
    assert query["client_id"] == KEYSTRING
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["scope"].split() == ["listings_r", "listings_w", "shops_r"]
    assert query["state"] == link.state and len(link.state) >= 22
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43


def test_the_full_exchange_saves_a_private_token_file_that_works(etsy, config):
    link = new_page(config, etsy).connect_link()
    redirect = seller_allows(link.url)

    status = new_page(config, etsy).finish_connect_from_redirect(redirect)

    assert status.connected and status.user_id == etsy.state.user_id
    assert stat.S_IMODE(os.stat(config.token_file).st_mode) == 0o600
    assert new_page(config, etsy).connection().connected
    assert new_page(config, etsy).listings() == []
    token_call = etsy.calls("token")[0]
    assert token_call.form == {
        "grant_type": "authorization_code",
        "client_id": KEYSTRING,
        "redirect_uri": REDIRECT_URI,
    }


def test_the_dashboard_finishes_from_the_query_etsy_redirected_to(etsy, config):
    link = new_page(config, etsy).connect_link()
    query = {k: v[0] for k, v in parse_qs(urlsplit(seller_allows(link.url)).query).items()}

    status = new_page(config, etsy).finish_connect(query)

    assert status.connected


def test_disconnecting_forgets_the_saved_connection(etsy, config):
    redirect = seller_allows(new_page(config, etsy).connect_link().url)
    new_page(config, etsy).finish_connect_from_redirect(redirect)

    new_page(config, etsy).disconnect()

    assert not config.token_file.exists()
    assert new_page(config, etsy).connection().connected is False


def test_an_answer_for_another_state_is_refused_before_asking_etsy(etsy, config):
    link = new_page(config, etsy).connect_link()
    redirect = seller_allows(link.url).replace(link.state, "forged-state")

    with pytest.raises(AuthError, match="does not match an open Connect link"):
        new_page(config, etsy).finish_connect_from_redirect(redirect)

    assert etsy.calls("token") == []
    assert not config.token_file.exists()


def test_a_connect_answer_is_used_once(etsy, config):
    redirect = seller_allows(new_page(config, etsy).connect_link().url)
    new_page(config, etsy).finish_connect_from_redirect(redirect)

    with pytest.raises(AuthError, match="open Connect link"):
        new_page(config, etsy).finish_connect_from_redirect(redirect)


def test_a_refused_code_says_to_start_again(etsy, config):
    link = new_page(config, etsy).connect_link()
    redirect = seller_allows(link.url)
    code = parse_qs(urlsplit(redirect).query)["code"][0]
    etsy.state.codes[code].used = True

    with pytest.raises(AuthError, match=r"refused the connection \(invalid_grant\)"):
        new_page(config, etsy).finish_connect_from_redirect(redirect)
    assert not config.token_file.exists()


def test_a_denied_connection_is_explained(etsy, config):
    link = new_page(config, etsy).connect_link()
    redirect = (
        f"{REDIRECT_URI}?error=access_denied&error_description=The+user+denied&state={link.state}"
    )

    with pytest.raises(AuthError, match="Etsy did not connect: The user denied"):
        new_page(config, etsy).finish_connect_from_redirect(redirect)


def test_our_code_verifier_survives_where_etsy_python_discards_it(etsy, config):
    assert EtsyOAuth(KEYSTRING, REDIRECT_URI, code_verifier="kept-verifier").code_verifier == ""

    oauth = oauth_with_verifier(config, ["shops_r"], "some-state", "kept-verifier")

    assert oauth.code_verifier == "kept-verifier"
    assert oauth.code_challenge == pkce_challenge("kept-verifier")


def test_the_auth_command_prints_the_link_and_takes_the_pasted_address(etsy, config):
    environment = {**os.environ, **environment_for(config), "OAUTHLIB_INSECURE_TRANSPORT": "1"}
    command = subprocess.Popen(
        [sys.executable, "-m", "etsy_sync", "auth"],
        cwd=REPO,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert command.stdout is not None and command.stdin is not None
    command.stdout.readline()
    link = command.stdout.readline().strip()
    command.stdin.write(seller_allows(link) + "\n")
    command.stdin.flush()
    out, err = command.communicate(timeout=60)

    assert command.returncode == 0, err
    assert f"connected to Etsy as user {etsy.state.user_id}" in out
    assert config.token_file.exists()
