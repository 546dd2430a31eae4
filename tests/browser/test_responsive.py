"""Every page at a desktop (1440 x 900) and a phone (390 x 844) size: accessibility and fit.

For each width the test uploads six months of numbers (``tests/data/browser_periods.csv``),
visits every page of the navigation (and uploads a billing export on Cohorts), and on each page

- runs axe-core (injected with Playwright) and fails on any *critical* or *serious* violation;
- checks that no chart (``.vega-embed`` and its SVG or canvas) is wider than the viewport or
  sticks out of it;
- on the phone, checks that the sidebar is closed on arrival and after each navigation;
- on the Benchmarks page, checks that the first chart starts within one screen;
- saves a first-screen and a whole-page screenshot to ``$FUNNEL_SHOTS`` (default
  ``test-results/screenshots``; ``FUNNEL_SHOTS=docs/screenshots`` refreshes the README's).

axe-core comes from the npm registry (``npm pack axe-core@AXE_VERSION``, the version pinned in
``dev.py``) into ``.cache/axe-core/<version>/`` the first time (``python3 dev.py test`` does it
beforehand); set ``FUNNEL_AXE`` to an ``axe.min.js`` to use another copy.

Axe findings left aside: ``list`` and ``listitem`` inside Streamlit's own page navigation
(``[data-testid="stSidebarNav"]``: its list holds the section headers as ``<div>``s), see
:data:`STREAMLIT_NAVIGATION_RULES`; nothing else (:data:`AXE_IGNORED` is empty).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

from test_browser import CHROMIUM_ARGS, app_url, chromium_path  # noqa: F401 (app_url: a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
PERIODS_FILE = ROOT / "tests" / "data" / "browser_periods.csv"
EXPORT_FILE = ROOT / "tests" / "data" / "billing_export.csv"
SHOTS = Path(os.environ.get("FUNNEL_SHOTS", ROOT / "test-results" / "screenshots"))

def _dev_module():
    """dev.py, which pins axe-core's version and where it is cached."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("funnel_dev", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


AXE_VERSION = _dev_module().AXE_VERSION
AXE_CACHE = _dev_module().AXE_FILE
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
#: A phone's browser: Streamlit closes the sidebar after a page is picked on a mobile device
#: (it tells one by the user agent), so the phone test must look like one, not only be narrow.
PHONE = {"user_agent": ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, "
                        "like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"),
         "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
#: Accessible names Vega gives a chart without a description of its own.
GENERIC_NAMES = frozenset({"", "vega visualization", "visualization"})
PHONE_MAX = 640
#: The tabs of the Benchmarks page besides the overview (each is checked like a page).
BENCHMARK_TABS = ("All benchmarks", "How each KPI was computed", "Funnel & focus", "Revenue (MRR)")
#: (rule id, CSS selector fragment) of axe findings that are not ours to fix; see the docstring.
AXE_IGNORED: tuple[tuple[str, str], ...] = ()
#: Rules Streamlit's own page navigation fails (its ``<ul>`` holds the section headers as
#: ``<div>``s): left aside for nodes inside ``[data-testid="stSidebarNav"]`` only.
STREAMLIT_NAVIGATION_RULES = frozenset({"list", "listitem"})


# --------------------------------------------------------------------------------------
# axe-core
# --------------------------------------------------------------------------------------

def axe_source() -> str:
    """axe.min.js: $FUNNEL_AXE, else the cache, else fetched with ``npm pack`` into the cache."""
    given = os.environ.get("FUNNEL_AXE")
    if given:
        return Path(given).read_text(encoding="utf-8")
    if not AXE_CACHE.exists():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("axe-core is not cached and npm is not installed: install npm (Debian's "
                        f"npm) or put axe.min.js of axe-core {AXE_VERSION} at {AXE_CACHE}")
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([npm, "pack", f"axe-core@{AXE_VERSION}", "--silent"], cwd=tmp,
                           check=True, capture_output=True, timeout=180)
            with tarfile.open(Path(tmp) / f"axe-core-{AXE_VERSION}.tgz") as archive:
                member = archive.extractfile("package/axe.min.js")
                assert member is not None
                AXE_CACHE.parent.mkdir(parents=True, exist_ok=True)
                AXE_CACHE.write_bytes(member.read())
    return AXE_CACHE.read_text(encoding="utf-8")


def axe_violations(page, source: str) -> list[dict]:
    """Critical and serious axe-core violations on the page (minus :data:`AXE_IGNORED`)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => { const el = document.querySelector(n.target.join(' '));
                return {target: n.target.join(' '), html: n.html.slice(0, 160),
                        summary: (n.failureSummary || '').slice(0, 300),
                        navigation: !!(el && el.closest('[data-testid="stSidebarNav"]'))}; })}));
    }""")
    found = []
    for violation in result:
        if violation["impact"] not in ("critical", "serious"):
            continue
        nodes = [n for n in violation["nodes"]
                 if not (violation["id"] in STREAMLIT_NAVIGATION_RULES and n["navigation"])
                 and not any(rule == violation["id"] and sel in n["target"]
                             for rule, sel in AXE_IGNORED)]
        if nodes:
            found.append({**violation, "nodes": nodes})
    return found


# --------------------------------------------------------------------------------------
# page helpers
# --------------------------------------------------------------------------------------

CHARTS_JS = """() => [...document.querySelectorAll(
        '.vega-embed, [data-testid="stVegaLiteChart"] svg, [data-testid="stVegaLiteChart"] canvas')]
    .map(e => { const r = e.getBoundingClientRect();
                return {tag: e.tagName.toLowerCase(), left: r.left, right: r.right,
                        width: r.width, top: r.top + window.scrollY, height: r.height,
                        label: e.getAttribute('aria-label') || ''}; })
    .filter(r => r.width > 0 && r.height > 0)"""


def chart_problems(page, where: str, width: int) -> list[str]:
    """Charts wider than the viewport or sticking out of it, and charts without a name."""
    problems = []
    for chart in page.evaluate(CHARTS_JS):
        if chart["width"] > width + 0.5 or chart["right"] > width + 0.5 or chart["left"] < -0.5:
            problems.append(f"{where}: a chart ({chart['tag']}, {chart['label'][:60]!r}) spans "
                            f"{chart['left']:.0f}-{chart['right']:.0f} px in a {width} px viewport")
    names = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
        .filter(e => e.offsetParent !== null)
        .map(e => (e.closest('[role="graphics-document"]') || e).getAttribute('aria-label') || '')""")
    for name in names:
        if name.strip().lower() in GENERIC_NAMES:
            problems.append(f"{where}: a chart has no accessible name of its own ({name!r}): "
                            "give it an Altair description")
    return problems


def form_order_problems(page) -> list[str]:
    """The form's first stage in funnel order, for the Tab key and on the screen (top to bottom,
    then left to right: on a phone the fields stack in that order)."""
    from funnel_core.domain.constants import FIELDS

    labels = [f.label for f in FIELDS if f.stage == "acquisition"]
    first = page.get_by_label(labels[0], exact=True).first
    first.wait_for(timeout=30_000)
    first.focus()
    tabbed = [labels[0]]
    for _ in labels[1:]:
        page.keyboard.press("Tab")
        tabbed.append(page.evaluate("() => document.activeElement.getAttribute('aria-label') "
                                    "|| document.activeElement.textContent.trim()"))
    problems = []
    if tabbed != labels:
        problems.append(f"Your numbers: Tab goes {tabbed}, not in funnel order {labels}")
    boxes = [page.get_by_label(label, exact=True).first.bounding_box() for label in labels]
    reading = [label for _, label in sorted(zip(boxes, labels),
                                            key=lambda p: (round(p[0]["y"] / 10), p[0]["x"]))]
    if reading != labels:
        problems.append(f"Your numbers: the fields read {reading}, not in funnel order")
    return problems


def settle(page, wait_ms: int = 1200) -> None:
    """Wait until the script run has finished and the charts had time to draw."""
    page.wait_for_timeout(wait_ms)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
    page.wait_for_timeout(800)


def sidebar_collapsed(page) -> bool:
    """The sidebar is closed: Streamlit marks it ``aria-expanded="false"`` and moves it out."""
    sidebar = page.locator('[data-testid="stSidebar"]').first
    if sidebar.count() == 0:
        return True
    box = sidebar.bounding_box()
    return sidebar.get_attribute("aria-expanded") == "false" or box is None or box["x"] + box["width"] <= 1


def close_sidebar(page) -> None:
    button = page.locator('[data-testid="stSidebarCollapseButton"] button')
    if button.count() and button.first.is_visible():
        button.first.click()
        page.wait_for_timeout(600)


def go_to(page, title: str) -> None:
    """Open a page through the sidebar's navigation (opening the sidebar first on a phone)."""
    link = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first
    opener = page.locator('[data-testid="stExpandSidebarButton"]')
    if opener.count() and opener.first.is_visible():
        opener.first.click()
        link.wait_for(state="visible", timeout=10_000)
        page.wait_for_timeout(400)
    link.click()
    settle(page, 2500)


def nav_titles(page) -> list[str]:
    links = page.locator('[data-testid="stSidebarNav"] a')
    links.first.wait_for(state="attached", timeout=30_000)
    # a link's text is its icon's name, then its title
    return [t for t in page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stSidebarNav"] a')].map(a => a.innerText.trim().split('\\n').pop().trim())""")
        if t]


def shoot(page, name: str, *, full: bool = False) -> None:
    """A screenshot of the first screen, or of the whole page (the viewport made as tall as
    Streamlit's scrolling main area for a moment)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if not full:
        page.evaluate("() => document.querySelector('[data-testid=stMain]')?.scrollTo(0, 0)")
        page.screenshot(path=str(SHOTS / f"{name}.png"))
        return
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(...[...document.querySelectorAll(
        '[data-testid=stMain], [data-testid=stAppViewContainer], body')].map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12_000)})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)
    page.wait_for_timeout(800)


def slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def upload_periods(page) -> None:
    page.get_by_role("tab", name=re.compile("Upload")).first.click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        str(PERIODS_FILE))
    apply = page.get_by_role("button", name=re.compile("Apply these numbers"))
    apply.first.wait_for(timeout=30_000)
    apply.first.click()
    page.get_by_text(re.compile(PERIODS_FILE.name)).first.wait_for(timeout=30_000)
    settle(page)


def upload_export(page) -> None:
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]').first
    uploader.wait_for(state="attached", timeout=30_000)
    uploader.set_input_files(str(EXPORT_FILE))
    page.get_by_text("Cohort heatmap").first.wait_for(timeout=60_000)
    settle(page, 2500)


def first_chart_drawn(page) -> None:
    """Every chart shown (hidden ones aside: a phone's list replaces the overview) is drawn."""
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
        .filter(e => e.offsetParent !== null)
        .every(e => e.querySelector('svg, canvas'))""", timeout=60_000)
    page.wait_for_timeout(1000)


# --------------------------------------------------------------------------------------
# the test
# --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_every_page_fits_and_passes_axe(app_url, chromium, size):  # noqa: F811 (fixture)
    width, height = VIEWPORTS[size]
    source = axe_source()
    device = PHONE if width <= PHONE_MAX else {}
    page = chromium.new_page(viewport={"width": width, "height": height}, **device)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_role("tab", name=re.compile("Upload")).first.wait_for(timeout=60_000)
    settle(page)

    problems: list[str] = []
    if width <= PHONE_MAX and not sidebar_collapsed(page):
        problems.append("Your numbers: the sidebar is open on arrival at phone width")
        close_sidebar(page)
    problems += form_order_problems(page)
    upload_periods(page)

    titles = nav_titles(page)
    assert {"Your numbers", "Benchmarks", "Cohorts"} <= set(titles), titles
    for title in titles:
        if title != "Your numbers":
            go_to(page, title)
        if width <= PHONE_MAX and not sidebar_collapsed(page):
            problems.append(f"{title}: the sidebar stays open after the navigation")
            close_sidebar(page)
        if title == "Cohorts":
            upload_export(page)
        if page.locator('[data-testid="stVegaLiteChart"]').count():
            first_chart_drawn(page)
        name = f"after-{size}-{slug(title)}"
        shoot(page, name)
        if title == "Benchmarks":
            # the overview, a chart on a wide screen and a list on a phone, starts on the first
            # screen after arriving
            overview = page.locator('.st-key-results_overview_wide, .st-key-results_overview_narrow'
                                    ).locator("visible=true")
            assert overview.count() == 1, "the overview is missing or shown twice"
            top = overview.first.bounding_box()["y"]
            if top > height:
                problems.append(f"Benchmarks: the overview starts at {top:.0f} px, below the "
                                f"first screen ({height} px)")
            if width > PHONE_MAX and not page.evaluate(CHARTS_JS):
                problems.append("Benchmarks: no overview chart on a wide screen")
        problems += chart_problems(page, title, width)
        for violation in axe_violations(page, source):
            targets = "; ".join(n["target"] for n in violation["nodes"][:5])
            problems.append(f"{title}: axe {violation['impact']} {violation['id']} "
                            f"({violation['help']}) x{len(violation['nodes'])}: {targets} | "
                            f"{violation['nodes'][0]['summary'][:200]}")
        if title in ("Benchmarks", "Sources & definitions", "Cohorts", "Trends across periods"):
            shoot(page, f"{name}-full", full=True)
        if title == "Benchmarks":  # the other tabs draw only when opened
            for tab_name in BENCHMARK_TABS:
                tab = page.get_by_role("tab", name=re.compile(re.escape(tab_name)))
                if not tab.count():
                    problems.append(f"Benchmarks: no tab {tab_name!r}")
                    continue
                tab.first.click()
                settle(page)
                if page.locator('[data-testid="stVegaLiteChart"]').count():
                    first_chart_drawn(page)
                shoot(page, f"after-{size}-benchmarks-{slug(tab_name)}")
                problems += chart_problems(page, f"Benchmarks, {tab_name}", width)
                for violation in axe_violations(page, source):
                    problems.append(f"Benchmarks, {tab_name}: axe {violation['impact']} "
                                    f"{violation['id']} x{len(violation['nodes'])}: "
                                    f"{violation['nodes'][0]['target']}")
            page.get_by_role("tab", name=re.compile("Overview")).first.click()
            settle(page)
    (SHOTS / f"after-{size}-findings.json").write_text(json.dumps(problems, indent=1))
    assert not problems, "\n".join(problems)
    assert not errors, errors
