"""App speed: results-page rerun after a context change, and upload -> first chart in a browser.

    .venv/bin/python bench/bench_app.py            # print figures
    .venv/bin/python bench/bench_app.py --write    # also write docs/PERFORMANCE_app.md

1. Script time of a rerun of the results page after a context selector changes, one period,
   charts included (target < 150 ms). Measured with Streamlit's AppTest: the time of ``at.run()``
   for the rerun, which runs app.py + pages/results.py exactly as the server would, without the
   browser. Warm caches (the first render of each context is a cold run and reported apart).
2. Wall time from choosing the file in the browser to the first chart drawn on the results page
   (target < 2 s): Debian Chromium + Playwright against ``streamlit run``; upload, apply, open the
   results page, wait for the Vega canvas. Reported per step.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
UPLOAD = ROOT / "tests" / "data" / "browser_upload.csv"
ACV = ["any", "smb", "mid_market", "enterprise"]


def machine() -> str:
    import altair
    import pandas
    import streamlit

    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return (f"{platform.platform()}; {os.cpu_count()} CPUs; Python {platform.python_version()}; "
            f"streamlit {streamlit.__version__}, altair {altair.__version__}, pandas {pandas.__version__}; "
            f"load average at start {', '.join(f'{x:.2f}' for x in load)}")


def bench_rerun(repeats: int = 20) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    from funnel_core.inputs.parsing import parse_file

    parsed = parse_file(UPLOAD)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.session_state["periods"] = {"Current period": parsed.latest()}
    at.session_state["selected_period"] = "Current period"
    at.switch_page("pages/results.py")
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    assert not at.exception, at.exception
    cold, warm = [], []
    seen: set[str] = set()
    for i in range(repeats):
        value = ACV[i % len(ACV)]
        at.selectbox(key="rs_acv_band").set_value(value)
        t0 = time.perf_counter()
        at.run()
        elapsed = time.perf_counter() - t0
        assert not at.exception, at.exception
        (warm if value in seen else cold).append(elapsed)
        seen.add(value)
    return {"first_render_s": first, "cold_context_median_s": statistics.median(cold),
            "warm_context_median_s": statistics.median(warm), "warm_context_max_s": max(warm),
            "warm_runs": len(warm)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_browser(repeats: int = 3) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("FUNNEL_CHROMIUM", "/usr/bin/chromium")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                               "--server.headless", "true", "--server.port", str(port),
                               "--browser.gatherUsageStats", "false"],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        results = {"upload_to_apply_s": [], "apply_to_chart_s": [], "upload_to_chart_s": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            for _ in range(repeats + 1):  # the first round warms the server's imports
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page.goto(url)
                page.get_by_role("tab", name="Upload").click()
                t0 = time.perf_counter()
                page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(UPLOAD))
                button = page.get_by_role("button", name="Apply these numbers").first
                button.wait_for(timeout=60_000)
                t1 = time.perf_counter()
                button.click()
                page.get_by_role("link", name="Benchmarks").first.click()
                page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first.wait_for(timeout=60_000)
                t2 = time.perf_counter()
                results["upload_to_apply_s"].append(t1 - t0)
                results["apply_to_chart_s"].append(t2 - t1)
                results["upload_to_chart_s"].append(t2 - t0)
                page.close()
            browser.close()
        return {k: statistics.median(v[1:]) for k, v in results.items()} | {
            "first_round_upload_to_chart_s": results["upload_to_chart_s"][0]}
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="write docs/PERFORMANCE_app.md")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    info = machine()
    print(f"machine: {info}")
    rerun = bench_rerun()
    for key, value in rerun.items():
        print(f"rerun {key}: {value * 1000:.0f} ms" if key.endswith("_s") else f"rerun {key}: {value}")
    browser = {} if args.no_browser else bench_browser()
    for key, value in browser.items():
        print(f"browser {key}: {value:.2f} s")
    if args.write:
        lines = ["# Performance: the app", "",
                 "Measured with `python bench/bench_app.py --write` (this file is generated; re-run to refresh).",
                 "", f"Machine: {info}", "",
                 "| measure | result | target |", "|---|---:|---|",
                 f"| results page rerun after a context change, warm (median of {rerun['warm_runs']}) | "
                 f"{rerun['warm_context_median_s'] * 1000:.0f} ms (max {rerun['warm_context_max_s'] * 1000:.0f} ms) | < 150 ms |",
                 f"| same, first time a context is chosen (cold caches) | {rerun['cold_context_median_s'] * 1000:.0f} ms | |",
                 f"| first render of the results page | {rerun['first_render_s'] * 1000:.0f} ms | |"]
        if browser:
            lines += [
                f"| browser: file chosen -> first chart drawn (median of 3, warm server) | {browser['upload_to_chart_s']:.2f} s | < 2 s |",
                f"| of which: file chosen -> parsed preview with the Apply button | {browser['upload_to_apply_s']:.2f} s | |",
                f"| of which: Apply -> results page chart drawn | {browser['apply_to_chart_s']:.2f} s | |",
                f"| browser: the same on a freshly started server (imports) | {browser['first_round_upload_to_chart_s']:.2f} s | |"]
        lines += ["", "Rerun time is the time of AppTest's `run()` for the rerun: app.py plus the "
                  "results page as the server runs them (comparison, tables and the Altair charts "
                  "of the open tab), without the browser's drawing. The browser figures include "
                  "Playwright's polling (about 0.1 s granularity)."]
        (ROOT / "docs" / "PERFORMANCE_app.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print("wrote docs/PERFORMANCE_app.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
