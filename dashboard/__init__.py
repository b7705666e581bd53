"""Parley's Streamlit dashboard: the page (`app.py`) on top of pure loading, filtering,
aggregation, figure and export modules that are tested without Streamlit."""
