"""What the Etsy sync page asks for before Etsy is set up: the settings found, the callback
address to register, and a secrets file that the config really reads."""

from __future__ import annotations

from dashboard.etsy_setup import callback_address, etsy_setup, secrets_example
from etsy_sync.config import configured_settings, load_config


def test_the_callback_address_is_this_page_over_https_without_its_query():
    assert callback_address("http://127.0.0.1:8501/etsy") == "https://127.0.0.1:8501/etsy"
    assert (
        callback_address("https://mockups.example.com/etsy/") == "https://mockups.example.com/etsy"
    )
    assert callback_address("https://example.com/lab/etsy") == "https://example.com/lab/etsy"


def test_without_a_page_address_the_local_dashboards_etsy_page_is_given():
    assert callback_address(None) == "https://localhost:8501/etsy"
    assert callback_address("http://localhost:8501/") == "https://localhost:8501/etsy"


def test_the_secrets_example_filled_in_is_what_the_config_reads(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        secrets_example("https://mockups.example.com/etsy")
        .replace("the keystring of your Etsy app", "k3ystring")
        .replace("the shared secret of your Etsy app", "s3cret")
    )
    config = load_config(environ={}, secrets_file=secrets)
    assert (config.keystring, config.shared_secret) == ("k3ystring", "s3cret")
    assert config.redirect_uri == "https://mockups.example.com/etsy"


def test_settings_found_in_the_environment_or_the_secrets_file_are_ticked(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('ETSY_KEYSTRING = "k"\nOTHER = "x"\n')
    found = configured_settings({"ETSY_SHARED_SECRET": "s", "PATH": "/bin"}, secrets)
    assert found == {"ETSY_KEYSTRING", "ETSY_SHARED_SECRET"}
    setup = etsy_setup(found, None)
    assert setup.has_app_keys and not setup.has_redirect and not setup.complete
    assert not etsy_setup(set(), None).has_app_keys


def test_an_empty_setting_is_not_counted_as_set(tmp_path):
    secrets = tmp_path / "absent.toml"
    assert configured_settings({"ETSY_KEYSTRING": "", "ETSY_REDIRECT_URI": "x"}, secrets) == {
        "ETSY_REDIRECT_URI"
    }
