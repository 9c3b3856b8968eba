"""Streamlit pieces shared by the dashboard's pages: widgets, state and process-wide resources.

Only arranging lives here; rendering is `mockups`, profiling is `profiling`.
"""
