"""Hostile and large inputs: time and peak memory of the command line, and ratios to pandas.

Generates the files of issue 10 in a temporary directory (about 30 s the first time; they
are kept in ``$TMPDIR/funnel_hostile_bench`` for re-runs):

==================  ==================================================================
sparse.xlsx         1.6 KB: a cell in A1 and one in XFD1048576
bomb-256mb.xlsx     0.8 MB whose sheet inflates to 256 MB of rows
bomb-2gb.xlsx       6 MB whose sheet inflates to 2 GB
wide-19mb.csv       19 MB wide layout (period column + 12 metrics, one row per day)
line-1mb.txt        one 1 MB line of words, no delimiter
columns-100k.csv    100,000 columns (a header row and one row of numbers)
periods-10k.csv     10,000 rows of the wide layout (10,000 daily periods, 8 metrics)
cells-240k.csv      the largest funnel table accepted: 24,000 rows x 10 columns
export-2m.csv       a billing export of 2,000,000 rows (customer, month, MRR; ~50 MB)
==================  ==================================================================

For each file it runs ``python -m funnel_core compare FILE`` (and ``cohorts FILE`` for the
workbooks) and prints the exit code, wall seconds and peak RSS: of the command's own
process (``wait4``) and of the command with its worker processes (sampled every 20 ms from
``/proc``). For the text files it also times the funnel reader in this process against a
bare ``pandas.read_csv`` of the same file and prints the ratio.

Usage::

    python bench/bench_hostile.py
"""

from __future__ import annotations

import io
import os
import platform
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests" / "inputs"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import hostile_files as hf  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "funnel_hostile_bench"
MIB = 1024 * 1024
METRICS = ["visitors", "leads", "mqls", "sqls", "opportunities", "new_customers", "mrr_start",
           "new_mrr", "expansion_mrr", "churned_mrr", "contraction_mrr", "customers_start"]
WORDS = ("the quick brown fox jumps over lazy dog visitors leads pipeline revenue growth "
         "month quarter plan team sales marketing funnel stage").split()


# --------------------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------------------

def _wide_csv(path: Path, *, rows: int | None = None, target_bytes: int | None = None,
              metrics: list[str] = METRICS) -> None:
    rng = random.Random(7)
    start = 693596  # 1900-01-01 as a proleptic ordinal
    import datetime as dt

    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("period," + ",".join(metrics) + "\n")
        i = 0
        written = 0
        while (rows is not None and i < rows) or (target_bytes is not None and written < target_bytes):
            day = dt.date.fromordinal(start + i).isoformat()
            line = day + "," + ",".join(str(rng.randrange(10, 90000)) for _ in metrics) + "\n"
            out.write(line)
            written += len(line)
            i += 1


def make_files() -> dict[str, Path]:
    """Create (or reuse) the files; returns name -> path."""
    CACHE.mkdir(exist_ok=True)
    files = {name: CACHE / name for name in (
        "sparse.xlsx", "bomb-256mb.xlsx", "bomb-2gb.xlsx", "wide-19mb.csv", "line-1mb.txt",
        "columns-100k.csv", "periods-10k.csv", "cells-240k.csv", "export-2m.csv")}
    if not files["sparse.xlsx"].exists():
        files["sparse.xlsx"].write_bytes(hf.sparse_workbook("XFD1048576"))
    if not files["bomb-256mb.xlsx"].exists():
        hf.bomb_workbook(256 * MIB, files["bomb-256mb.xlsx"])
    if not files["bomb-2gb.xlsx"].exists():
        hf.bomb_workbook(2048 * MIB, files["bomb-2gb.xlsx"])
    if not files["wide-19mb.csv"].exists():
        _wide_csv(files["wide-19mb.csv"], target_bytes=19 * MIB)
    if not files["line-1mb.txt"].exists():
        rng = random.Random(3)
        words: list[str] = []
        size = 0
        while size < MIB:
            words.append(rng.choice(WORDS))
            size += len(words[-1]) + 1
        files["line-1mb.txt"].write_text(" ".join(words) + "\n", encoding="utf-8")
    if not files["columns-100k.csv"].exists():
        header = ",".join(f"{METRICS[i % len(METRICS)]}_{i}" for i in range(100_000))
        values = ",".join(str(i % 997) for i in range(100_000))
        files["columns-100k.csv"].write_text(header + "\n" + values + "\n", encoding="utf-8")
    if not files["periods-10k.csv"].exists():
        _wide_csv(files["periods-10k.csv"], rows=10_000, metrics=METRICS[:8])
    if not files["cells-240k.csv"].exists():
        _wide_csv(files["cells-240k.csv"], rows=24_000, metrics=METRICS[:9])
    if not files["export-2m.csv"].exists():
        _export_csv(files["export-2m.csv"], 2_000_000)
    return files


def _export_csv(path: Path, rows: int) -> None:
    """A monthly MRR export: 80,000 customers over 25 months, one row per paying month."""
    import numpy as np

    rng = np.random.default_rng(11)
    customers = rng.integers(0, 80_000, rows)
    months = rng.integers(0, 25, rows)
    mrr = rng.choice([29.0, 49.0, 99.0, 199.0, 499.0], rows)
    labels = [f"{2023 + m // 12}-{m % 12 + 1:02d}" for m in range(25)]
    with path.open("w", encoding="utf-8") as out:
        out.write("customer_id,month,mrr\n")
        step = 200_000
        for start in range(0, rows, step):
            chunk = slice(start, start + step)
            out.write("".join(f"cus_{c:06d},{labels[m]},{v:.2f}\n" for c, m, v in
                              zip(customers[chunk], months[chunk], mrr[chunk])))


# --------------------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------------------

def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc), 0 when unknown."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def run_command(args: list[str], timeout: float = 300) -> dict[str, float | int | str]:
    """Run a command; exit code, seconds, own peak RSS and sampled peak RSS with workers."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            if sys.platform.startswith("linux"):
                peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status = None
    rusage = None
    deadline = time.monotonic() + timeout
    while status is None:
        pid, status_raw, rusage_raw = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            status, rusage = status_raw, rusage_raw
        elif time.monotonic() > deadline:
            proc.kill()
        else:
            time.sleep(0.01)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    return {"exit": proc.returncode, "seconds": seconds,
            "rss_mb": rusage.ru_maxrss / 1024 if rusage else 0.0,
            "tree_mb": peak[0] / MIB, "stderr": stderr.strip().splitlines()[-1][:160] if stderr.strip() else ""}


def reader_vs_pandas(path: Path) -> tuple[float, float, str]:
    """Seconds of the funnel reader and of a bare ``pandas.read_csv`` on the same file."""
    import pandas as pd

    from funnel_core.inputs.issues import InputError
    from funnel_core.inputs.parsing import parse_bytes

    data = path.read_bytes()
    start = time.perf_counter()
    try:
        parsed = parse_bytes(data, path.name)
        outcome = f"{len(parsed.periods)} periods"
    except InputError as exc:
        outcome = f"refused ({getattr(exc, 'limit', 'input error')})"
    ours = time.perf_counter() - start
    start = time.perf_counter()
    try:
        pd.read_csv(io.BytesIO(data), header=None, dtype=str, keep_default_na=False)
    except Exception as exc:  # noqa: BLE001 - pandas' own failure is a figure too
        outcome += f"; pandas: {type(exc).__name__}"
    bare = time.perf_counter() - start
    return ours, bare, outcome


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            mem = f"{int(fh.readline().split()[1]) / 1024**2:.0f} GB RAM; "
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    return (f"{platform.platform()}; {os.cpu_count()} CPUs; {mem}Python {platform.python_version()}; "
            f"load average {load[0]:.1f}")


def main() -> int:
    print("machine:", machine())
    t0 = time.perf_counter()
    files = make_files()
    print(f"files ready in {time.perf_counter() - t0:.1f} s in {CACHE}")
    python = sys.executable
    print(f"\n{'file':<18}{'size':>9}  {'command':<8}{'exit':>5}{'seconds':>9}{'RSS MB':>8}"
          f"{'+workers':>9}  message")
    for name, path in files.items():
        commands = (["cohorts"] if name.startswith("export") else
                    ["compare"] + (["cohorts"] if path.suffix == ".xlsx" else []))
        for command in commands:
            result = run_command([python, "-m", "funnel_core", command, str(path)])
            size = path.stat().st_size
            shown = f"{size / MIB:.1f} MB" if size >= MIB else f"{size / 1024:.1f} KB"
            print(f"{name:<18}{shown:>9}  {command:<8}{result['exit']:>5}{result['seconds']:>9.2f}"
                  f"{result['rss_mb']:>8.0f}{result['tree_mb']:>9.0f}  {result['stderr'][:90]}")
    print(f"\n{'file':<18}{'reader s':>9}{'read_csv s':>11}{'ratio':>7}  outcome")
    for name in ("wide-19mb.csv", "periods-10k.csv", "cells-240k.csv", "columns-100k.csv",
                 "line-1mb.txt"):
        ours, bare, outcome = reader_vs_pandas(files[name])
        print(f"{name:<18}{ours:>9.2f}{bare:>11.2f}{ours / bare if bare else float('nan'):>7.1f}  {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
