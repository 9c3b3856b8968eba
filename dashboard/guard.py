"""One clear message instead of a traceback, whatever goes wrong under a button."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from etsy_sync.errors import EtsySyncError
from mockups.errors import MockupLabError

LOG = logging.getLogger("mockuplab.dashboard")


@contextmanager
def shown_errors(action: str) -> Iterator[None]:
    """Show a user's mistake as it is, and anything unexpected as one line (details to the log)."""
    try:
        yield
    except (MockupLabError, EtsySyncError) as error:
        st.error(str(error))
    except Exception:
        LOG.exception("%s failed", action)
        st.error(f"{action} failed unexpectedly; the details are in the server log.")
