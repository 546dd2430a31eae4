"""The "What would it take" page in a real browser: change one input, see the projection redraw,
and the chart still fits a 360 px wide screen.

Drives Debian's Chromium (/usr/bin/chromium or $FUNNEL_CHROMIUM) with Playwright, with the launch
flags of tests/browser/test_browser.py. Deselect with ``-m "not browser"``.
"""

from __future__ import annotations

import os
import re
import urllib.request
from pathlib import Path

import pytest

from test_browser import CHROMIUM_ARGS, app_url, chromium_path  # noqa: F401 (app_url: the shared server fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("FUNNEL_SHOTS", ROOT / "test-results"))
CHART = '[data-testid="stVegaLiteChart"]'


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def projection_text(page) -> str:
    """All text drawn in the projection chart (Streamlit renders Vega charts as SVG)."""
    chart = page.locator(CHART).filter(has_text="projection, next 12 months").first
    chart.wait_for(state="visible", timeout=60_000)
    return chart.text_content() or ""


def test_one_input_redraws_the_projection(app_url, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_role("button", name=re.compile("Load example company")).first.click(timeout=60_000)
    # only shown once the example is stored (the sidebar's "No numbers yet" also names the
    # fictional example company: a page changed before the click's run would lose the click)
    page.get_by_text(re.compile("You are looking at a fictional example company")).first.wait_for(timeout=30_000)

    page.get_by_role("link", name="What would it take").first.click()
    before = projection_text(page)
    assert "Current rates: $131,000 now" in before and "Scenario 1:" not in before
    assert "Assumption: steady rates" in before and "no seasonality" in before  # wrapped lines

    # one input: new MRR 13,200 -> 20,000 (Enter commits it)
    page.get_by_role("tab", name=re.compile("Retention & revenue")).first.click()
    field = page.locator('[data-testid="stNumberInput"]').filter(has_text="New MRR").locator("input").first
    field.fill("20000")
    field.press("Enter")
    page.wait_for_function(
        """sel => [...document.querySelectorAll(sel)].some(e => e.textContent.includes('Scenario 1:'))""",
        arg=CHART, timeout=60_000)
    after = projection_text(page)
    assert "Scenario 1:" in after and after != before
    page.screenshot(path=str(SHOTS / "browser-whatif.png"))

    # the same chart fits a 360 px wide phone screen
    page.set_viewport_size({"width": 360, "height": 800})
    page.wait_for_timeout(1500)
    svg = page.locator(CHART).filter(has_text="projection, next 12 months").locator("svg").first
    box = svg.bounding_box()
    assert box is not None and box["width"] <= 360, box
    page.screenshot(path=str(SHOTS / "browser-whatif-360.png"))
    assert not errors, errors
