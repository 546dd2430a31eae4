"""The app in German and Polish in a real browser: the browser's language is the default, the
link's ``?lang=`` switches it, numbers take the language's format, and the comparison page is
photographed in both (``docs/screenshots/comparison-de.png`` and ``-pl.png`` are taken this way).

Drives Debian's Chromium with Playwright, with the launch flags of tests/browser/test_browser.py.
Deselect with ``-m "not browser"``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from funnel_core.domain.i18n import tr, use_language
from pages._guard import APOLOGY
from test_browser import app_url, browser  # noqa: F401 (the shared server and browser fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("FUNNEL_SHOTS", ROOT / "test-results"))
CHART = '[data-testid="stVegaLiteChart"]'


def said(language: str, message: str) -> str:
    """``message`` as the app says it in ``language``."""
    with use_language(language):
        return tr(message)


def _example_on_benchmarks(context, url: str, language: str, errors: list[str]):
    """A new page of ``context`` with the example company loaded, on Benchmarks with its chart
    drawn (page errors go to ``errors``)."""
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name=re.compile(re.escape(said(language, "Load example company")))
                     ).first.click(timeout=60_000)
    # the sidebar shows the numbers before the page changes: a page changed before the click's
    # run has stored them would lose the click
    page.locator('[data-testid="stSidebar"]').get_by_text(said(language, "Current period")).first.wait_for(
        timeout=60_000)
    page.get_by_role("link", name=said(language, "Benchmarks")).first.click()
    page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
    return page


def test_the_browsers_language_then_the_links(app_url, browser):  # noqa: F811 (fixture)
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="de-DE", viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    try:
        # a German browser gets the German app without asking
        page = _example_on_benchmarks(context, app_url, "de", errors)
        page.wait_for_timeout(1500)
        body = page.locator("body").inner_text()
        assert said("de", "Your numbers") in body
        assert re.search(r"\d+,\d\s?%", body), "no German decimal comma in a percentage"
        assert "Your numbers" not in body
        page.screenshot(path=str(SHOTS / "comparison-de.png"))

        # the link's ?lang= wins over the browser: Polish, same numbers
        url = page.url
        joiner = "&" if "?" in url else "?"
        page.goto(f"{url}{joiner}lang=pl", wait_until="domcontentloaded")
        page.get_by_role("link", name=said("pl", "Your numbers")).first.wait_for(timeout=60_000)
        page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(1500)
        body = page.locator("body").inner_text()
        assert said("pl", "Benchmark your funnel") in body
        assert re.search(r"\d+,\d\s?%", body), "no Polish decimal comma in a percentage"
        page.screenshot(path=str(SHOTS / "comparison-pl.png"))
        phone = context.new_page()
        phone.set_viewport_size({"width": 390, "height": 844})
        phone.goto(page.url, wait_until="domcontentloaded")
        # on a phone the overview is a list, not a chart: wait for the Polish verdict words
        phone.get_by_text(said("pl", "Better")).first.wait_for(timeout=60_000)
        phone.wait_for_timeout(2000)
        phone.screenshot(path=str(SHOTS / "comparison-pl-phone.png"))
    finally:
        context.close()
    assert not errors, errors




def _shown_choices(page) -> str:
    """The choice each selector of the page shows, one a line."""
    return "\n".join(page.locator('[data-testid="stSelectbox"] input').evaluate_all(
        "inputs => inputs.map(input => input.value)"))


def test_switching_the_language_on_benchmarks_keeps_every_choice(app_url, browser):  # noqa: F811 (fixture)
    """The selectors show the new language's labels and keep their choice; no page breaks, and
    the link still opens. (Streamlit hands back the old language's label as the value of a
    selector whose labels all changed: "Month" was stored as the period and every page then
    failed, and so did the link.)"""
    context = browser.new_context(locale="en-US", viewport={"width": 1440, "height": 900})
    errors: list[str] = []
    try:
        page = _example_on_benchmarks(context, app_url, "en", errors)
        page.wait_for_timeout(1000)
        before = _shown_choices(page)
        assert "Self-serve (no sales touch)" in before, before  # the example company's segment
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.locator('[data-testid="stSelectbox"]').first.click()  # the language selector
        page.get_by_role("option", name="Deutsch").click()
        page.get_by_text(said("de", "Your company")).first.wait_for(timeout=60_000)
        page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(1500)
        shown = _shown_choices(page)
        assert said("de", "Month") in shown and "\nMonth" not in "\n" + shown, shown
        assert said("de", "Self-serve (no sales touch)") in shown, shown
        apology = said("de", APOLOGY).split("**")[1]  # "Entschuldigung, ... schiefgelaufen."
        for page_name in ("Your numbers", "Trends across periods", "Benchmarks"):
            page.get_by_role("link", name=said("de", page_name)).first.click()
            page.wait_for_timeout(2500)
            body = page.locator("body").inner_text()
            assert apology not in body, page_name
        page.reload(wait_until="domcontentloaded")
        page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
        body = page.locator("body").inner_text()
        assert said("de", "Better") in body
        assert "could not be opened" not in body and said("de", "Dismiss") not in body
    finally:
        context.close()
    assert not errors, errors
