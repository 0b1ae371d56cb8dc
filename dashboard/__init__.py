"""Shared code of the Streamlit dashboard: data access, filters, theme."""
