"""Mockup Lab dashboard: the entry point arranges the pages; each page only arranges widgets."""

import streamlit as st

from dashboard import follow
from mockups.memory import return_large_blocks_at_once

return_large_blocks_at_once()  # each rerun is a new thread: keep freed images out of its arena
st.set_page_config(page_title="Mockup Lab", layout="wide")
render_page = st.Page("pages/render.py", title="Render", icon=":material/image:", default=True)
navigation = st.navigation(
    [
        render_page,
        st.Page("pages/memory.py", title="Memory", icon=":material/memory:"),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare:"),
        st.Page("pages/history.py", title="History", icon=":material/history:"),
        st.Page("pages/collections.py", title="Collections", icon=":material/collections:"),
        st.Page("pages/templates.py", title="Templates", icon=":material/dashboard:"),
        st.Page("pages/etsy.py", title="Etsy sync", icon=":material/storefront:"),
    ]
)
if follow.pending() and navigation is not render_page:
    st.sidebar.info("Your render goes on while you look around.", icon=":material/timer:")
    st.sidebar.page_link(render_page, label="Follow it on the Render page")
navigation.run()
