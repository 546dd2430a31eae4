#!/usr/bin/env python3
"""Concurrent sessions against one app server, measured on the server side.

    python bench/bench_load.py                    # N = 1, 5, 10, 20; prints the figures
    python bench/bench_load.py -n 5 --settle 10   # one quick run
    python bench/bench_load.py --write            # also write the section of docs/PERFORMANCE.md

For each N a fresh server is started (``MALLOC_ARENA_MAX=2 streamlit run app.py --server.headless true`` on a free
loopback port), warmed by one session that is not counted, and then N sessions run at the same
time, each in its own Playwright browser context of one Chromium (``/usr/bin/chromium``):

1. open the app;
2. upload a CSV with numbers of its own (visitors and leads differ per session) and apply it;
3. open *Benchmarks* and wait until the overview chart is drawn;
4. open *Downloads*, download the CSV table and check that its visitor-to-lead rate is this
   session's own (leads / visitors of its file): no session may see another's numbers;
5. download the PDF report (the heaviest click).

Reported: p50/p95/max seconds of each step over the sessions, the server's CPU seconds per
session (the server process and its worker processes, from ``/proc``), its resident memory
(RSS) before, at the end of the sessions (per session), and after they close (after
``--settle`` seconds, and again after Streamlit's ``server.disconnectedSessionTTL``).

The server is pinned to CPU 0 and the browser to the other CPUs (``sched_setaffinity``) so
that the browsers, which need far more CPU than the server, do not take the server's core.
One Streamlit process runs Python on one core at a time anyway (the GIL); a machine with more
cores runs more replicas (see docs/PERFORMANCE.md). Only loopback addresses are used.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "PERFORMANCE.md"
SECTION = "## Concurrent sessions"
CHROMIUM = os.environ.get("FUNNEL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STEPS = ("open", "upload", "comparison", "csv", "pdf")
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_TIMING = re.compile(r"(?P<what>(?:download )?[\w-]+): (?P<ms>\d+) ms\s*$")
#: Streamlit keeps a closed session this long in case the browser reconnects (its default).
SESSION_TTL = 120

FILE = """metric,value
period,month
currency,USD
Website visitors,{visitors}
Leads,{leads}
MQLs,360
SQLs,120
Opportunities,60
New customers,18
Customers at start,400
Churned customers,14
MRR at start,52000
New MRR,2400
Expansion MRR,900
Contraction MRR,300
Churned MRR,1700
S&M spend,45000
Gross margin,78 %
"""


# --- the server ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from "state" on


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def process_tree(pid: int) -> list[int]:
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += _children(current)
    return tree


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of the server, its live descendants and its waited-for children."""
    total = 0.0
    for index, member in enumerate(process_tree(pid)):
        fields = _stat(member)
        if fields is None:
            continue
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        total += utime + stime + (cutime + cstime if index == 0 else 0)
    return total / TICKS


def worker_rss_mb(pid: int) -> float:
    """Resident memory of the server's render worker processes (``render_worker``), in MB."""
    total = 0.0
    for member in process_tree(pid)[1:]:
        try:
            if b"render_worker" not in Path(f"/proc/{member}/cmdline").read_bytes():
                continue
        except OSError:
            continue
        total += rss_mb(member)
    return total


def rss_mb(pid: int) -> float:
    """Resident memory of the server process (where the sessions live), in MB.

    The reader worker processes are left out: they live for one workbook, and most of their
    pages are shared with the fork server.
    """
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE / 1e6
    except (OSError, IndexError, ValueError):
        return float("nan")


#: The server's environment as `python dev.py app` sets it (two glibc allocation arenas).
SERVER_ENV = {"MALLOC_ARENA_MAX": "2"}


class Server:
    """``streamlit run app.py`` on a free loopback port, pinned to CPU 0."""

    def __init__(self, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cpus = sorted(os.sched_getaffinity(0))
        server_cpus = {cpus[0]}
        # FUNNEL_LOG_TIMING: app.py and Downloads log times; --env NAME= removes a variable
        env = dict(os.environ, FUNNEL_LOG_TIMING="1", **SERVER_ENV)
        env.update(extra_env or {})
        env = {name: value for name, value in env.items() if value != ""}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--browser.serverAddress", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, server_cpus)) if len(cpus) > 1 else None)
        self.log: list[tuple[float, str]] = []  # (time, line) of the server's stderr
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()
        if len(cpus) > 1:  # the browser (started after this) gets the other CPUs
            os.sched_setaffinity(0, set(cpus[1:]))
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.proc.stderr.read()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy within 90 s")
            time.sleep(0.5)

    def _read_log(self) -> None:
        for line in self.proc.stderr:
            self.log.append((time.perf_counter(), line.rstrip("\n")))

    def timings(self, start: float, end: float) -> dict[str, list[float]]:
        """Seconds the server spent per script run (by page) and per download (by format)
        between ``start`` and ``end``, from the FUNNEL_LOG_TIMING lines."""
        found: dict[str, list[float]] = {}
        for when, line in self.log:
            match = _TIMING.search(line)
            if match and start <= when <= end:
                kind = match["what"]
                name = f"download {kind.split()[-1]}" if kind.startswith("download ") else f"run {kind}"
                found.setdefault(name, []).append(float(match["ms"]) / 1000)
        return found

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        cpus = sorted(os.sched_getaffinity(0) | set(range(os.cpu_count() or 1)))
        os.sched_setaffinity(0, set(cpus))


# --- one session --------------------------------------------------------------------------------

@dataclass
class SessionResult:
    index: int
    times: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # server CPU s per step (alone: N = 1)
    own_numbers: bool = False
    error: str = ""


def session_file(folder: Path, index: int) -> tuple[Path, float]:
    """A CSV with this session's own numbers and its expected visitor-to-lead rate."""
    visitors, leads = 20_000 + 137 * index, 900 + 11 * index
    path = folder / f"load-session-{index}.csv"
    path.write_text(FILE.format(visitors=visitors, leads=leads), encoding="utf-8")
    return path, leads / visitors


async def run_session(browser, url: str, folder: Path, index: int, pdf: bool,
                      server_pid: int | None = None) -> SessionResult:
    result = SessionResult(index)
    path, expected_rate = session_file(folder, index)
    context = await browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = await context.new_page()
    page.set_default_timeout(300_000)
    clock = time.perf_counter

    async def step(name: str, coro) -> None:
        cpu = cpu_seconds(server_pid) if server_pid else 0.0
        start = clock()
        await coro
        result.times[name] = clock() - start
        if server_pid:
            result.cpu[name] = cpu_seconds(server_pid) - cpu

    async def open_app() -> None:
        await page.goto(url, wait_until="domcontentloaded", timeout=300_000)
        await page.get_by_role("tab", name=re.compile("Upload")).first.wait_for(timeout=120_000)

    async def upload() -> None:
        await page.get_by_role("tab", name=re.compile("Upload")).first.click()
        await page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(path))
        apply_button = page.get_by_role("button", name=re.compile("Apply these numbers"))
        await apply_button.first.wait_for(timeout=120_000)
        await apply_button.first.click()
        sidebar = page.locator('[data-testid="stSidebar"]')
        await sidebar.get_by_text(re.compile(re.escape(path.name))).first.wait_for(timeout=120_000)

    async def comparison() -> None:
        await page.get_by_role("link", name="Benchmarks").first.click()
        chart = page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')
        await chart.first.wait_for(state="visible", timeout=120_000)
        await page.get_by_text(re.compile(r"Across all \d+ comparisons")).first.wait_for(timeout=120_000)

    async def download(label: str) -> bytes:
        button = page.get_by_role("button", name=re.compile(label))
        await button.first.wait_for(timeout=120_000)
        async with page.expect_download(timeout=180_000) as info:
            await button.first.click()
        download_ = await info.value
        saved = folder / f"{index}-{download_.suggested_filename}"
        await download_.save_as(saved)
        return saved.read_bytes()

    async def csv_table() -> None:
        await page.get_by_role("link", name="Downloads").first.click()
        text = (await download("CSV table")).decode("utf-8-sig")
        row = next(line for line in text.splitlines() if line.startswith("visitor_to_lead_rate,"))
        value = float(row.split(",")[2])
        result.own_numbers = abs(value - expected_rate) < 1e-9

    async def pdf_report() -> None:
        data = await download("PDF report")
        if not data.startswith(b"%PDF-"):
            raise RuntimeError("the PDF download is not a PDF")

    try:
        await step("open", open_app())
        await step("upload", upload())
        await step("comparison", comparison())
        await step("csv", csv_table())
        if pdf:
            await step("pdf", pdf_report())
    except Exception as exc:  # noqa: BLE001 - reported per session
        result.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        await context.close()
    return result


# --- one run of N sessions ----------------------------------------------------------------------

@dataclass
class RunResult:
    sessions: int
    results: list[SessionResult]
    wall: float
    cpu_per_session: float
    rss_idle: float
    rss_peak: float
    rss_after_settle: float
    rss_after_ttl: float | None
    rss_late: tuple[float, float] | None = None  # (seconds after close, MB)
    server_times: dict[str, list[float]] = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


async def sample_rss(pid: int, peak: list[float], done: asyncio.Event) -> None:
    """Append the server's RSS (MB) to ``peak`` every half second until ``done`` is set."""
    while not done.is_set():
        peak.append(rss_mb(pid))
        await asyncio.sleep(0.5)


async def run_n(n: int, pdf: bool, settle: float, wait_ttl: bool, late: float = 0.0,
                extra_env: dict[str, str] | None = None) -> RunResult:
    from playwright.async_api import async_playwright

    server = Server(extra_env)
    folder = Path(tempfile.mkdtemp(prefix="funnel-load-"))
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            warm = await run_session(browser, server.url, folder, 10_000, pdf)  # not counted
            if warm.error:
                raise RuntimeError(f"warm-up session failed: {warm.error}")
            await asyncio.sleep(2)
            rss_idle = rss_mb(server.proc.pid)
            cpu_before = cpu_seconds(server.proc.pid)
            peak = [rss_idle]
            done = asyncio.Event()
            sampler = asyncio.create_task(sample_rss(server.proc.pid, peak, done))
            start = time.perf_counter()
            results = await asyncio.gather(*(run_session(browser, server.url, folder, i, pdf,
                                                         server.proc.pid) for i in range(n)))
            end = time.perf_counter()
            wall = end - start
            done.set()
            await sampler
            cpu = cpu_seconds(server.proc.pid) - cpu_before
            await browser.close()
        await asyncio.sleep(settle)
        rss_settle = rss_mb(server.proc.pid)
        rss_ttl = None
        if wait_ttl:
            await asyncio.sleep(max(0.0, SESSION_TTL + 15 - settle))
            rss_ttl = rss_mb(server.proc.pid)
        rss_late = None
        if late > 0:
            waited = settle + (max(0.0, SESSION_TTL + 15 - settle) if wait_ttl else 0.0)
            await asyncio.sleep(max(0.0, late - waited))
            rss_late = (late, rss_mb(server.proc.pid))
        return RunResult(n, list(results), wall, cpu / n, rss_idle, max(peak), rss_settle, rss_ttl,
                         rss_late, server.timings(start, end))
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


async def memory_waves(n: int, waves: int, wait: float, pdf: bool,
                       extra_env: dict[str, str] | None = None) -> list[tuple[int, float, float, float]]:
    """Does memory come back? One server, ``waves`` rounds of ``n`` sessions at once; after each
    round the browser closes and RSS is read ``wait`` seconds later (past Streamlit's session TTL
    and the caches' time limit). Returns (wave, RSS before, peak, after) in MB; wave 0 is the
    warm-up session."""
    from playwright.async_api import async_playwright

    server = Server(extra_env)
    folder = Path(tempfile.mkdtemp(prefix="funnel-mem-"))
    rows: list[tuple[int, float, float, float]] = []
    try:
        async with async_playwright() as p:
            for wave in range(waves + 1):
                count = 1 if wave == 0 else n
                before = rss_mb(server.proc.pid)
                peak = [before]
                done = asyncio.Event()
                sampler = asyncio.create_task(sample_rss(server.proc.pid, peak, done))
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                results = await asyncio.gather(*(run_session(browser, server.url, folder, 1000 * wave + i, pdf,
                                                             server.proc.pid) for i in range(count)))
                await browser.close()
                done.set()
                await sampler
                failed = sum(1 for r in results if r.error)
                await asyncio.sleep(wait)
                after = rss_mb(server.proc.pid)
                rows.append((wave, before, max(peak), after))
                print(f"  wave {wave}: {count} sessions ({failed} failed); RSS before {before:.0f} MB, "
                      f"peak {max(peak):.0f} MB, {wait:.0f} s after close {after:.0f} MB; "
                      f"render worker now {worker_rss_mb(server.proc.pid):.0f} MB", flush=True)
                for r in results:
                    if r.error:
                        print(f"    failed: {r.error}", flush=True)
                if failed:
                    for _, line in server.log[-400:]:
                        if re.search(r"Traceback|Error|error|xception|WARN", line):
                            print(f"    server: {line[:300]}", flush=True)
        return rows
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


# --- report -------------------------------------------------------------------------------------

def machine() -> dict[str, str]:
    try:
        free = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.strip()
    except OSError:
        free = "n/a"
    total = next((line.split()[1] for line in free.splitlines() if line.startswith("Mem:")), "?")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"nproc": str(os.cpu_count()), "memory (free -g, total GB)": total,
            "platform": platform.platform(), "python": platform.python_version(),
            "load average (1/5/15 min) at start": load}


def step_rows(run: RunResult) -> list[tuple[str, float, float, float]]:
    rows = []
    for name in STEPS:
        values = [r.times[name] for r in run.results if name in r.times]
        if values:
            rows.append((name, percentile(values, 0.5), percentile(values, 0.95), max(values)))
    return rows


def print_run(run: RunResult) -> None:
    failed = [r for r in run.results if r.error]
    own = sum(1 for r in run.results if r.own_numbers)
    print(f"\nN = {run.sessions}: {run.wall:.1f} s wall, {len(failed)} failed, "
          f"{own}/{run.sessions} saw exactly their own numbers", flush=True)
    for name, p50, p95, worst in step_rows(run):
        alone = (f"   server CPU {run.results[0].cpu.get(name, float('nan')):.2f} s"
                 if run.sessions == 1 else "")
        print(f"  {name:<11} p50 {p50:6.2f} s   p95 {p95:6.2f} s   max {worst:6.2f} s{alone}")
    for name, values in sorted(run.server_times.items()):
        print(f"  server {name:<26} n={len(values):<3} p50 {percentile(values, 0.5):6.2f} s   "
              f"p95 {percentile(values, 0.95):6.2f} s   max {max(values):6.2f} s")
    ttl = f", after {SESSION_TTL + 15} s {run.rss_after_ttl:.0f} MB" if run.rss_after_ttl else ""
    if run.rss_late:
        ttl += f", after {run.rss_late[0]:.0f} s {run.rss_late[1]:.0f} MB"
    print(f"  server CPU {run.cpu_per_session:.2f} s per session; RSS idle {run.rss_idle:.0f} MB, "
          f"peak {run.rss_peak:.0f} MB (+{(run.rss_peak - run.rss_idle) / run.sessions:.0f} MB per "
          f"session), after close {run.rss_after_settle:.0f} MB{ttl}")
    for r in failed[:5]:
        print(f"  session {r.index}: {r.error}")


def server_rows(run: RunResult) -> list[tuple[str, int, float, float, float]]:
    """(what, count, p50, p95, max) of the server-side times of a run."""
    return [(name, len(values), percentile(values, 0.5), percentile(values, 0.95), max(values))
            for name, values in sorted(run.server_times.items())]


def capacity(runs: list[RunResult], limit: float = 3.0) -> tuple[str, str]:
    """The largest N that kept p95 < ``limit``: (in the browsers, interactive steps), (on the
    server: every script run and the CSV download)."""
    clean = [run for run in runs if not any(r.error for r in run.results)]
    browser = [run.sessions for run in clean
               if all(p95 < limit for name, _, p95, _ in step_rows(run) if name != "pdf")]
    server = [run.sessions for run in clean if run.server_times
              and all(p95 < limit for name, _, _, p95, _ in server_rows(run)
                      if name.startswith("run") or name == "download comparison_csv")]
    none = "fewer than the smallest N measured"
    return (str(max(browser)) if browser else none), (str(max(server)) if server else none)


def markdown(runs: list[RunResult], info: dict[str, str], settle: float) -> str:
    in_browser, on_server = capacity(runs)
    lines = [SECTION, "",
             f"Measured {dt.date.today().isoformat()} with `python bench/bench_load.py --write`: for each "
             "N a fresh server (with `MALLOC_ARENA_MAX=2`, as `python dev.py app` starts it), one "
             "warm-up session (not counted), then N sessions at once, each in "
             "its own browser context of one headless Chromium: open the app, upload a CSV with its "
             "own numbers and apply it, open *Benchmarks* until the overview chart is drawn, open "
             "*Downloads* and download the CSV table (checked: its visitor-to-lead rate is the "
             "session's own), then download the PDF report. The server is pinned to one CPU and the "
             "browser to the other; one Streamlit process runs Python on one core at a time anyway "
             "(the GIL). *Server side* is what the server itself reports (`FUNNEL_LOG_TIMING=1`): "
             "the time of each script run (every click or page change is one) and of making each "
             "download, without the browser's share.", "",
             "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += ["", "Server side, during the N sessions:", "",
              "| N | what | count | p50 | p95 | max |", "|---:|---|---:|---:|---:|---:|"]
    for run in runs:
        for name, count, p50, p95, worst in server_rows(run):
            lines.append(f"| {run.sessions} | {name} | {count} | {p50:.2f} s | {p95:.2f} s | {worst:.2f} s |")
    lines += ["", "In the browsers (each step from the click until the page shows the result):", "",
              "| N | step | p50 | p95 | max | server CPU of the step (N = 1) |",
              "|---:|---|---:|---:|---:|---:|"]
    for run in runs:
        for name, p50, p95, worst in step_rows(run):
            cpu = (f"{run.results[0].cpu[name]:.2f} s" if run.sessions == 1 and name in run.results[0].cpu
                   else "")
            lines.append(f"| {run.sessions} | {name} | {p50:.2f} s | {p95:.2f} s | {worst:.2f} s | {cpu} |")
    lines += ["", "| N | wall | sessions with only their own numbers | failed | server CPU per session "
                  "| RSS idle | RSS peak (per session) | RSS " + f"{settle:.0f} s after close | RSS "
                  f"{SESSION_TTL + 15} s after close |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for run in runs:
        own = sum(1 for r in run.results if r.own_numbers)
        failed = sum(1 for r in run.results if r.error)
        ttl = f"{run.rss_after_ttl:.0f} MB" if run.rss_after_ttl else "n/a"
        lines.append(f"| {run.sessions} | {run.wall:.1f} s | {own} of {run.sessions} | {failed} | "
                     f"{run.cpu_per_session:.2f} s | {run.rss_idle:.0f} MB | {run.rss_peak:.0f} MB "
                     f"(+{(run.rss_peak - run.rss_idle) / run.sessions:.0f} MB) | "
                     f"{run.rss_after_settle:.0f} MB | {ttl} |")
    lines += ["", f"Sessions at once with p95 < 3 s, of the N measured: **{on_server} on the server "
                  f"side** (every script run and the CSV download), {in_browser} as the browsers saw "
                  "it (open, upload, comparison, CSV download; the browsers of all sessions share one "
                  "core here). That is one server process on one core; a 2-core machine runs two "
                  "replicas, one per core (see below).", ""]
    return "\n".join(lines)


#: The line after the generated part of the section: what follows it (the reading of the
#: figures, A/B runs, the replicas advice) is written by hand and kept by ``--write``.
HAND_WRITTEN = ("<!-- bench_load.py --write replaces the section down to this line; "
                "the text below is written by hand -->")


def write_section(text: str) -> None:
    """Put ``text`` (the measured part) into DOC's section, keeping the hand-written rest.

    The section runs from :data:`SECTION` to the next ``## `` heading. When it holds the
    :data:`HAND_WRITTEN` line, only the part above that line is replaced; otherwise (a new
    file) the whole section is written, with the replicas advice after the line.
    """
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Performance\n"
    start = doc.find(SECTION)
    if start < 0:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n" + HAND_WRITTEN + "\n" + DOC_REPLICAS
    else:
        end = doc.find("\n## ", start + len(SECTION))
        end = len(doc) if end < 0 else end + 1
        kept = doc.find(HAND_WRITTEN, start, end)
        rest = doc[kept:end] if kept >= 0 else HAND_WRITTEN + "\n" + DOC_REPLICAS
        doc = doc[:start] + text + "\n" + rest + doc[end:]
    DOC.write_text(doc, encoding="utf-8")


DOC_REPLICAS = """
Memory: a session adds about 20-55 MB while it is open (its uploads, tables, charts, rendered
images). Whether it comes back is measured separately below ("Memory after sessions close", at the end of this page).

### More sessions: replicas behind a sticky load balancer

Streamlit keeps each session's state (the numbers, the uploads, the widgets) in the memory of
the server process that opened it, and the browser talks to it over one WebSocket. So:

- Run one server process per core (`streamlit run app.py --server.port 8501`, `8502`, ...; or
  one container per core), each with the settings of `.streamlit/config.toml`.
- Put them behind a load balancer with **session affinity** (sticky sessions: a cookie, or the
  client address), WebSocket upgrade allowed on `/_stcore/stream`, and an idle timeout longer
  than Streamlit's ping interval. Without affinity a reconnecting browser lands on another
  process and finds no session there: the page starts empty (the numbers survive only through
  the page's link).
- Health checks: `GET /_stcore/health` answers `ok`.
- Set `browser.serverAddress` (or `STREAMLIT_BROWSER_SERVER_ADDRESS`) to the public host name,
  so the server neither looks up its address from a third-party service nor mislabels it.
- Capacity grows with the number of processes: each carries about the number above. Memory:
  the idle RSS of each process, plus the per-session figure while sessions are active;
  caches are bounded by entries and time (`pages/_ui.py`, `funnel_core/exports/images.py`).
  Each process also starts one render worker (about 120 MB, gone after 10 idle minutes).

"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, action="append", help="sessions at once (repeatable); "
                        "default 1, 5, 10, 20")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF download step")
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds after the sessions close before measuring RSS (default 60)")
    parser.add_argument("--no-ttl-wait", action="store_true",
                        help=f"do not wait for Streamlit's session TTL ({SESSION_TTL} s) to measure RSS again")
    parser.add_argument("--rss-late", type=float, default=0.0, metavar="SECONDS",
                        help="measure RSS once more this long after the sessions close (e.g. 700, "
                             "after the caches' time limit)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="environment of the server (repeatable); it starts with MALLOC_ARENA_MAX=2 "
                             "as `python dev.py app` does, MALLOC_ARENA_MAX= removes it")
    parser.add_argument("--memory-waves", type=int, default=0, metavar="K",
                        help="instead: one server, K rounds of N sessions (first -n), RSS after each round")
    parser.add_argument("--wait", type=float, default=200.0,
                        help="seconds after each memory round before reading RSS (default 200)")
    parser.add_argument("--write", action="store_true", help=f"write the section of {DOC.relative_to(ROOT)}")
    args = parser.parse_args()
    if args.memory_waves:
        extra = dict(item.split("=", 1) for item in args.env)
        n = (args.n or [10])[0]
        print(f"memory: {args.memory_waves} rounds of {n} sessions, RSS {args.wait:.0f} s after each; "
              f"server environment {dict(SERVER_ENV, **extra)} (empty: removed)")
        asyncio.run(memory_waves(n, args.memory_waves, args.wait, not args.no_pdf, extra))
        return 0
    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM} (set FUNNEL_CHROMIUM)", file=sys.stderr)
        return 2
    info = machine()
    for key, value in info.items():
        print(f"{key}: {value}")
    runs = []
    for n in args.n or [1, 5, 10, 20]:
        extra = dict(item.split("=", 1) for item in args.env)
        run = asyncio.run(run_n(n, not args.no_pdf, args.settle, not args.no_ttl_wait, args.rss_late, extra))
        print_run(run)
        runs.append(run)
    in_browser, on_server = capacity(runs)
    print(f"\nsessions one server process carries at p95 < 3 s: {on_server} (server side), "
          f"{in_browser} (in the browsers)")
    info["load average (1/5/15 min) at the end"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    if args.write:
        write_section(markdown(runs, info, args.settle))
        print(f"wrote the '{SECTION}' section of {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
