"""Shared pytest fixtures."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def _apptest_runs_app_py_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make AppTest run ``app.py`` (the st.navigation frame) on every run, as the server does.

    With a ``pages/`` folder next to ``app.py``, Streamlit falls back to its old multipage mode
    (run the page file on its own, without ``app.py``) until ``st.navigation`` has been called
    once in the process; the server then stays in navigation mode. ``AppTest`` resets that flag
    before every run, so from the second run on it would run ``pages/*.py`` without the frame
    (no state defaults, no sidebar). This puts AppTest in the server's steady state. It only
    acts in test modules that imported AppTest.
    """
    app_test = sys.modules.get("streamlit.testing.v1.app_test")
    if app_test is None:
        return
    from streamlit.runtime.pages_manager import PagesManager

    class _NavigationPagesManager(PagesManager):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test, "PagesManager", _NavigationPagesManager)
