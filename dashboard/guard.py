"""One clear message instead of a traceback, whatever goes wrong under a button."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dashboard.text import shown_message
from etsy_sync.errors import EtsySyncError
from mockups.errors import MockupLabError, first_line

LOG = logging.getLogger("mockuplab.dashboard")


@contextmanager
def shown_errors(action: str) -> Iterator[None]:
    """Show a user's mistake as one line of text (no server paths), and anything unexpected as
    one line too (details to the log). Streamlit's reruns and stops pass through untouched."""
    try:
        yield
    except (MockupLabError, EtsySyncError) as error:
        st.error(shown_message(str(error)))
    except Exception:
        LOG.exception("%s failed", action)
        st.error(f"{action} failed unexpectedly; the details are in the server log.")


def one_line(error: BaseException, action: str) -> str:
    """What the user reads about `error`: its own line for a user's mistake, else a pointer to
    the log (the details are logged here)."""
    if isinstance(error, MockupLabError | EtsySyncError) and str(error).strip():
        return first_line(error)
    LOG.error("%s failed", action, exc_info=error)
    return f"{action} failed unexpectedly; the details are in the server log."
