"""AppTest: the ARR band and funding selectors, the suggestion from your own ARR, the quadrant."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
REVENUE_TAB = ":material/payments: Revenue (MRR)"


def _example_results() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    next(b for b in at.button if b.label == "Load example company").click().run()
    at.switch_page("pages/results.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_arr_band_selector_suggests_the_band_and_choosing_it_changes_the_peers() -> None:
    at = _example_results()
    band = next(s for s in at.selectbox if s.key == "rs_arr_band")
    assert band.label == "Company size (ARR)" and band.value == "1m_5m"  # the example states it
    band.set_value("any").run()  # a user who has not said: the app suggests, never chooses
    band = next(s for s in at.selectbox if s.key == "rs_arr_band")
    assert band.value == "any" and at.session_state["context"]["arr_band"] is None
    assert any(s.key == "rs_funding" for s in at.selectbox)
    hints = [c.value.replace("\\$", "$") for c in at.caption if "Your ARR is" in c.value]
    assert hints and "$1,572,000 (MRR at end x 12): that is ARR $1M-$5M" in hints[0]
    band.set_value("1m_5m").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["context"]["arr_band"] == "1m_5m"
    assert not [c for c in at.caption if "Your ARR is" in c.value]  # chosen: no more hint


def test_revenue_tab_shows_the_quadrant() -> None:
    at = _example_results()
    at.session_state["results_tab"] = REVENUE_TAB
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "NRR against CAC payback" in text and "High Alpha" in text
