"""Every page catches the unexpected: an apology with a way back, never a traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
from streamlit.testing.v1 import AppTest

from pages import _guard, _ui

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
SECRET = "internal detail 8d1f: /srv/funnel/secret.py line 12"


def _all_text(at: AppTest) -> str:
    parts = [e.value for e in (*at.markdown, *at.error, *at.warning, *at.info, *at.caption)]
    return "\n".join(str(p) for p in parts)


def test_an_unexpected_error_shows_an_apology_with_a_way_back(monkeypatch, caplog) -> None:
    def broken() -> None:
        raise RuntimeError(SECRET)

    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    monkeypatch.setattr(_ui, "current_report", broken)
    at.switch_page("pages/results.py")
    with caplog.at_level(logging.ERROR, logger="funnel.app"):
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert any("Sorry, something went wrong on this page" in e for e in errors), errors
    assert SECRET not in _all_text(at) and "Traceback" not in _all_text(at)
    assert any(b.label == "Start over" for b in at.button), [b.label for b in at.button]
    assert any(SECRET in r.getMessage() or (r.exc_info and SECRET in str(r.exc_info[1]))
               for r in caplog.records), "the error is logged on the server"
    # the sidebar (the rest of the app) is still there, and the way back works
    assert any(getattr(e, "value", "") == "#### Your snapshot" for e in at.sidebar.markdown)
    monkeypatch.undo()
    [b for b in at.button if b.label == "Start over"][0].click().run()
    assert not at.exception and not any("Sorry" in e.value for e in at.error)


def test_stop_and_rerun_pass_through_the_guard() -> None:
    def stop() -> None:
        raise StopException()

    def rerun() -> None:
        raise RerunException(None)  # type: ignore[arg-type]

    with pytest.raises(StopException):
        _guard.run_page(stop, numbers_page=_ui.NUMBERS_PAGE, start_over=lambda: None)
    with pytest.raises(RerunException):
        _guard.run_page(rerun, numbers_page=_ui.NUMBERS_PAGE, start_over=lambda: None)


def test_a_page_that_stops_on_purpose_shows_no_apology() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/results.py")  # no numbers yet: the page says so and stops
    at.run()
    assert not at.exception
    assert not any("Sorry" in e.value for e in at.error)
    assert any("No numbers yet" in i.value for i in at.info)
