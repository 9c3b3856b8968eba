"""The dashboard's server: Streamlit's app (`app.py` and `pages/`) with the download route
that streams a collection's zip from disk (`dashboard.downloads`).

    streamlit run server.py
"""

import streamlit as st

from dashboard.downloads import ROUTES

app = st.App("app.py", routes=ROUTES)
