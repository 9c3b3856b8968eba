"""The Etsy sync page before Etsy is set up: a checklist of what is missing, where to get it,
and the secrets file to write, instead of an error."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from etsy_sync.config import DEFAULT_SECRETS_FILE, REQUIRED

DEVELOPER_APPS_URL = "https://www.etsy.com/developers/your-apps"
ETSY_AUTH_DOCS_URL = "https://developers.etsy.com/documentation/essentials/authentication"
REDIRECT_SETTING = "ETSY_REDIRECT_URI"
# The Etsy sync page's path (its file name, pages/etsy.py): Etsy sends the seller back there
# with `code` and `state`, and that page finishes the connection.
PAGE_PATH = "etsy"
LOCAL_ADDRESS = "http://localhost:8501"
DONE = ":material/check_circle:"
TO_DO = ":material/radio_button_unchecked:"


@dataclass(frozen=True)
class EtsySetup:
    """Which settings are there; `redirect` is the address to register with Etsy."""

    configured: frozenset[str]
    redirect: str

    @property
    def has_app_keys(self) -> bool:
        return all(name in self.configured for name in REQUIRED)

    @property
    def has_redirect(self) -> bool:
        return REDIRECT_SETTING in self.configured

    @property
    def complete(self) -> bool:
        return self.has_app_keys and self.has_redirect


def callback_address(page_url: str | None) -> str:
    """The address Etsy should send the seller back to: this page's, as https (Etsy refuses
    any other scheme), without its query."""
    if not page_url:
        page_url = f"{LOCAL_ADDRESS}/{PAGE_PATH}"
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/") or f"/{PAGE_PATH}"
    if not path.endswith(f"/{PAGE_PATH}"):
        path += f"/{PAGE_PATH}"
    return urlunsplit(("https", parts.netloc, path, "", ""))


def etsy_setup(configured: Collection[str], page_url: str | None) -> EtsySetup:
    return EtsySetup(frozenset(configured), callback_address(page_url))


def secrets_example(redirect: str) -> str:
    """What to put in the secrets file: the exact names `etsy_sync.config` reads."""
    return (
        f"# {DEFAULT_SECRETS_FILE.as_posix()}, in the folder the dashboard is started from\n"
        "# (never commit it; the environment's ETSY_* variables win over it)\n"
        'ETSY_KEYSTRING = "the keystring of your Etsy app"\n'
        'ETSY_SHARED_SECRET = "the shared secret of your Etsy app"\n'
        f'ETSY_REDIRECT_URI = "{redirect}"\n'
    )


def show_checklist(setup: EtsySetup, served_over_https: bool) -> None:
    """Three steps, each ticked when its settings are found."""
    st.info(
        "Etsy sync is not set up yet. Three steps, once; then this page connects to your shop.",
        icon=":material/storefront:",
    )
    st.markdown(
        f"{DONE if setup.has_app_keys else TO_DO} **1. Your Etsy app's keystring and shared "
        f"secret.** On Etsy's developer portal, [Your apps]({DEVELOPER_APPS_URL}), create an "
        "app (or open yours) and open *See API key details*: it shows the **Keystring** and "
        "the **Shared secret**."
    )
    st.markdown(
        f"{DONE if setup.has_redirect else TO_DO} **2. The redirect address.** In the same "
        "app, *Edit your callback URLs* and add this page's address; Etsy sends you back here "
        "after you allow Mockup Lab, and this page finishes the connection:"
    )
    st.code(setup.redirect, language=None)
    if not served_over_https:
        st.caption(
            "Etsy accepts only https:// callback addresses "
            f"([Etsy's authentication guide]({ETSY_AUTH_DOCS_URL})). This page is served over "
            "http: serve the dashboard over https (Streamlit's `server.sslCertFile` and "
            "`server.sslKeyFile`, or a proxy in front of it) at the address you register."
        )
        st.caption(
            "No https server? Register any https:// address (it need not load), set it as "
            "`ETSY_REDIRECT_URI`, and run `python -m etsy_sync auth` on this machine: open the "
            "link it prints, allow access, paste back the address Etsy sends you to; this page "
            "uses the connection it saves."
        )
    st.markdown(
        f"{DONE if setup.complete else TO_DO} **3. The settings.** Put them in "
        f"`{DEFAULT_SECRETS_FILE.as_posix()}` (copy it with the button at its corner), or set "
        "the same names in the environment, then reload this page:"
    )
    st.code(secrets_example(setup.redirect), language="toml")
    missing = [name for name in (*REQUIRED, REDIRECT_SETTING) if name not in setup.configured]
    st.caption("Not set yet: " + ", ".join(missing) + ".")
