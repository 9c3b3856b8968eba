"""Etsy sync: connect, pick a listing, push the current run's mockups."""

import streamlit as st

st.header("Etsy sync")
st.info("Etsy sync arrives with its own page: for now, `python -m etsy_sync` from a terminal.")
