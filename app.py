"""Mockup Lab dashboard: the entry point arranges the pages; each page only arranges widgets."""

import streamlit as st

from mockups.memory import return_large_blocks_at_once

return_large_blocks_at_once()  # each rerun is a new thread: keep freed images out of its arena
st.set_page_config(page_title="Mockup Lab", layout="wide")
navigation = st.navigation(
    [
        st.Page("pages/render.py", title="Render", icon=":material/image:", default=True),
        st.Page("pages/memory.py", title="Memory", icon=":material/memory:"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare:"),
        st.Page("pages/history.py", title="History", icon=":material/history:"),
        st.Page("pages/templates.py", title="Templates", icon=":material/dashboard:"),
        st.Page("pages/etsy.py", title="Etsy sync", icon=":material/storefront:"),
    ]
)
navigation.run()
