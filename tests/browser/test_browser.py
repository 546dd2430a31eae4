"""One real-browser path: start the app, upload a file, see a chart, change a context selector,
see the results change, download a file. Drives Debian's Chromium with Playwright.

Chromium is found at $FUNNEL_CHROMIUM or /usr/bin/chromium (``python3 dev.py test`` installs it
on Debian when missing). Without it this test fails with a message saying so; deselect it with
``-m "not browser"`` on a machine that cannot have it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import tempfile
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
UPLOAD = ROOT / "tests" / "data" / "browser_upload.csv"
SHOTS = Path(os.environ.get("FUNNEL_SHOTS", ROOT / "test-results"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    for candidate in (os.environ.get("FUNNEL_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Chromium not found: install Debian's chromium (python3 dev.py test does it as root) "
                "or set FUNNEL_CHROMIUM; deselect with -m 'not browser'")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    # the server's log goes to a file: a pipe nobody reads would stop the server when full
    log = tempfile.NamedTemporaryFile("w+", prefix="funnel-server-", suffix=".log", delete=False)
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            if server.poll() is not None:
                pytest.fail(f"streamlit exited: {Path(log.name).read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("streamlit did not become healthy within 90 s")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        text = Path(log.name).read_text(errors="replace")
        if text.strip():
            print(f"\n--- server log ({log.name}) ---\n{text[-4000:]}")  # shown when a test failed


class RecordingBrowser:
    """The browser, with every request of every page and context it opens recorded."""

    def __init__(self, instance) -> None:
        self._instance = instance
        self.requests: list[str] = []

    def new_page(self, **kwargs):
        page = self._instance.new_page(**kwargs)
        page.on("request", lambda request: self.requests.append(request.url))
        return page

    def new_context(self, **kwargs):
        context = self._instance.new_context(**kwargs)
        context.on("request", lambda request: self.requests.append(request.url))
        return context

    def __getattr__(self, name: str):
        return getattr(self._instance, name)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield RecordingBrowser(instance)
        instance.close()


def foreign_requests(urls: list[str], app_url: str) -> list[str]:
    """Requests to anywhere but the app itself (its host and port); data:/blob: are local."""
    from urllib.parse import urlsplit

    app = urlsplit(app_url)
    allowed = {f"{host}:{app.port}" for host in ("127.0.0.1", "localhost", app.hostname)}
    foreign = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "chrome-extension"):
            continue
        if parts.scheme not in ("http", "https", "ws", "wss") or parts.netloc not in allowed:
            foreign.append(url)
    return foreign


@pytest.fixture(autouse=True)
def no_third_party_requests(app_url, browser):
    """Every test fails if a page asked any host but the app (icon, fonts, images...)."""
    browser.requests.clear()
    yield
    assert browser.requests, "no request was recorded"
    assert not foreign_requests(browser.requests, app_url), foreign_requests(browser.requests, app_url)


def comparisons_caption(page) -> str:
    caption = page.get_by_text(re.compile(r"Across all \d+ comparisons")).first
    caption.wait_for(timeout=30_000)
    return caption.inner_text()


def choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
    box.click()
    page.get_by_role("option", name=option).first.click()


def test_upload_chart_context_change_and_download(app_url, browser, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url, wait_until="domcontentloaded")

    # 1. upload on "Your numbers"
    page.get_by_role("tab", name=re.compile("Upload")).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(UPLOAD))
    apply_button = page.get_by_role("button", name=re.compile("Apply these numbers"))
    apply_button.first.wait_for(timeout=30_000)
    apply_button.first.click()
    page.get_by_text(re.compile("browser_upload.csv")).first.wait_for(timeout=30_000)

    # 2. results: a chart is drawn
    page.get_by_role("link", name="Benchmarks").first.click()
    chart = page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
    chart.first.wait_for(state="visible", timeout=60_000)
    assert page.get_by_text(re.compile("Visitor to lead")).count() > 0
    before = comparisons_caption(page)
    page.screenshot(path=str(SHOTS / "browser-results.png"), full_page=True)

    # 3. a context selector changes which benchmarks apply: the app stores the choice (the
    # page's link changes with it); the download below holds the chosen segment's figures only
    url_before = page.url
    choose(page, "Contract size (ACV)", "Enterprise (ACV over $50K)")
    page.wait_for_function("before => window.location.href !== before", arg=url_before,
                           timeout=30_000)
    after = comparisons_caption(page)
    n_before = int(re.search(r"Across all (\d+)", before).group(1))
    n_after = int(re.search(r"Across all (\d+)", after).group(1))
    assert n_after <= n_before, (before, after)  # publications count once; a segment never adds

    # 4. download the CSV table and check it
    page.get_by_role("link", name="Downloads").first.click()
    button = page.get_by_role("button", name=re.compile("CSV table"))
    button.first.wait_for(timeout=30_000)
    with page.expect_download(timeout=60_000) as info:
        button.first.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("kpi,label,value")
    row = next(line for line in text.splitlines() if line.startswith("visitor_to_lead_rate"))
    assert ",0.03," in row  # 900 / 30,000
    assert "saastr_bvp_churn_enterprise_2017" in text  # the chosen segment's figure is there
    assert "saastr_bvp_churn_vsb_2017" not in text  # another segment's figure is not
    page.screenshot(path=str(SHOTS / "browser-downloads.png"), full_page=True)
    assert not errors, errors


EVIL = "![i](http://127.0.0.1:8999/cell.png) **bold**"


def test_file_text_is_shown_as_text_and_fetches_nothing(app_url, browser, tmp_path):
    """A header and a period label holding Markdown image syntax are shown as text."""
    upload = tmp_path / "evil.csv"
    upload.write_text(f"period,visitors,leads,{EVIL}\n{EVIL},20000,1400,5\n2025-06,21000,1500,6\n",
                      encoding="utf-8")
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_role("tab", name=re.compile("Upload")).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(upload))
    page.get_by_text(re.compile("Understood 4 numbers over 2 periods")).first.wait_for(timeout=30_000)
    main = page.locator('[data-testid="stMain"]')
    assert EVIL in main.inner_text()  # the text itself, literally
    assert main.locator('img[src*="cell.png"]').count() == 0
    assert main.locator("strong", has_text=re.compile("^bold$")).count() == 0
    page.screenshot(path=str(SHOTS / "browser-file-text.png"), full_page=True)
    assert not errors, errors


def test_cohort_export_upload_draws_the_heatmap(app_url, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_role("link", name="Cohorts").first.click()
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
    uploader.wait_for(state="attached", timeout=30_000)
    uploader.set_input_files(str(ROOT / "tests" / "data" / "billing_export.csv"))
    page.get_by_text("Cohort heatmap").first.wait_for(timeout=60_000)
    chart = page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
    chart.first.wait_for(state="visible", timeout=60_000)
    page.screenshot(path=str(SHOTS / "browser-cohorts.png"), full_page=True)
    assert not errors, errors


def _shown_numbers(page) -> tuple[str, str]:
    """The comparison's caption and the sidebar's snapshot line, once the results are drawn."""
    caption = comparisons_caption(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(re.compile("fields filled")).first.wait_for(timeout=30_000)
    filled = sidebar.get_by_text(re.compile("fields filled")).first.inner_text()
    return caption, filled


def test_a_reload_and_the_pages_link_in_another_browser_show_the_same_numbers(app_url, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url, wait_until="domcontentloaded")

    # typed but not applied: the sidebar says so on another page, and the form keeps it
    field = page.get_by_role("textbox", name="Churned customers").first
    field.fill("12")  # and straight to another page, without leaving the field first
    page.get_by_role("link", name="Trends across periods").first.click()
    page.get_by_text(re.compile("1 field typed but not applied yet")).first.wait_for(timeout=30_000)
    page.get_by_role("link", name="Your numbers").first.click()
    from playwright.sync_api import expect

    expect(page.get_by_role("textbox", name="Churned customers").first).to_have_value("12", timeout=30_000)
    page.reload(wait_until="domcontentloaded")  # the link keeps what was typed, too
    expect(page.get_by_role("textbox", name="Churned customers").first).to_have_value("12", timeout=30_000)
    page.get_by_role("button", name=re.compile("^Discard")).first.click()
    expect(page.get_by_role("textbox", name="Churned customers").first).to_have_value("", timeout=30_000)

    # upload, go to the comparison
    page.get_by_role("tab", name=re.compile("Upload")).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(UPLOAD))
    apply_button = page.get_by_role("button", name=re.compile("Apply these numbers"))
    apply_button.first.wait_for(timeout=30_000)
    apply_button.first.click()
    page.get_by_text(re.compile("browser_upload.csv")).first.wait_for(timeout=30_000)
    page.get_by_role("link", name="Benchmarks").first.click()
    page.wait_for_url(re.compile(r"/results\?s=1\."), timeout=30_000)
    before = _shown_numbers(page)
    url = page.url

    # a reload restores them from the link
    page.reload(wait_until="domcontentloaded")
    assert _shown_numbers(page) == before
    assert "/results?s=1." in page.url

    # the page's address opened in another browser (nothing shared but the link)
    other = browser.new_context(viewport={"width": 1440, "height": 1000})
    try:
        second = other.new_page()
        second.on("pageerror", lambda exc: errors.append(str(exc)))
        second.goto(url, wait_until="domcontentloaded")
        assert _shown_numbers(second) == before
        second.get_by_text(re.compile("browser_upload.csv")).first.wait_for(timeout=30_000)
        second.screenshot(path=str(SHOTS / "browser-link-restored.png"), full_page=True)
    finally:
        other.close()
    assert not errors, errors
