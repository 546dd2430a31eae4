"""Streamlit-free helpers that serve the app's pages: state records, display frames and form logic, tested without Streamlit. Top of the core, beside cli."""
