"""Benchmark of the cohort import and computation.

Generates a synthetic monthly MRR export with a fixed seed (``numpy.random.default_rng(42)``):
about 75,000 customers over 36 months, about 1,000,000 rows, with churn (higher in the
first months), churn-and-return, upgrades and downgrades. The CSV (sorted by customer and
month), a month-major copy and a 200,000-row XLSX (openpyxl write-only) are cached in a
temporary directory so re-runs are quick.

Measures
--------
* the whole ``cohorts FILE --format json`` command as a subprocess: wall time and peak
  memory (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``);
* bare ``pandas.read_csv`` of the same file (default C engine and ``engine="pyarrow"``);
* in-process ``read_export`` + ``compute_cohorts`` and its ratio to the bare read;
* XLSX: ``pandas.read_excel`` with calamine vs openpyxl, and ``read_export`` on the XLSX.

Usage::

    python bench/bench_cohorts.py            # print the figures
    python bench/bench_cohorts.py --write    # and write docs/PERFORMANCE_cohorts.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from funnel_core.inputs.billing_read import read_export  # noqa: E402
from funnel_core.metrics.cohorts import compute_cohorts  # noqa: E402

SEED = 42
N_CUSTOMERS = 75_000
N_MONTHS = 36
FIRST_MONTH = pd.Period("2023-01", "M")
XLSX_ROWS = 200_000
CACHE = Path(tempfile.gettempdir()) / "funnel_cohort_bench_v2"
DOC = ROOT / "docs" / "PERFORMANCE_cohorts.md"

TARGET_CLI_SECONDS = 2.0
TARGET_PEAK_MB = 1024
TARGET_RATIO = 4.0


# --------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------

def generate(seed: int = SEED) -> pd.DataFrame:
    """Synthetic monthly export: one row per customer per paying month.

    Customers start uniformly over the 36 months; 6 % leave after their first month,
    the others with a 2.6 % monthly hazard; 7 % of the churned come back after 1-4 months
    for a second spell; 20 % upgrade (x1.5) and 8 % downgrade (x0.6) at a random month.
    """
    rng = np.random.default_rng(seed)
    C, T = N_CUSTOMERS, N_MONTHS
    start = rng.integers(0, T, C)
    life = np.where(rng.random(C) < 0.06, 1, rng.geometric(0.026, C))
    n1 = np.minimum(life, T - start)
    churned = life < T - start
    comeback = churned & (rng.random(C) < 0.07)
    gap = rng.integers(1, 5, C)
    start2 = start + life + gap
    n2 = np.where(comeback & (start2 < T), np.minimum(rng.geometric(0.06, C), T - start2), 0)
    plan = rng.choice([29.0, 49.0, 99.0, 199.0, 499.0], C, p=[0.3, 0.3, 0.2, 0.15, 0.05])
    up_at = np.where(rng.random(C) < 0.20, rng.integers(1, 24, C), 10_000)
    down_at = np.where(rng.random(C) < 0.08, rng.integers(1, 24, C), 10_000)

    def spell(first: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cust = np.repeat(np.arange(C), length)
        off = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
        return cust, np.repeat(first, length) + off

    c1, m1 = spell(start, n1)
    c2, m2 = spell(start2, n2)
    cust = np.concatenate([c1, c2])
    month = np.concatenate([m1, m2])
    order = np.lexsort((month, cust))
    cust, month = cust[order], month[order]
    k = month - start[cust]
    mrr = plan[cust] * np.where(k >= up_at[cust], 1.5, 1.0) * np.where(k >= down_at[cust],
                                                                          0.6, 1.0)
    ids = ("cus_" + pd.Series(np.arange(C)).astype(str).str.zfill(6)).to_numpy()
    labels = np.array([str(FIRST_MONTH + i) for i in range(T)], dtype=object)
    return pd.DataFrame({"customer_id": ids[cust], "month": labels[month],
                         "mrr": np.round(mrr, 2)})


def ensure_files() -> dict[str, Path]:
    """Write (once) the CSV, the month-major CSV and the XLSX; return their paths."""
    CACHE.mkdir(parents=True, exist_ok=True)
    paths = {"csv": CACHE / f"monthly_{SEED}.csv",
             "csv_month_major": CACHE / f"monthly_{SEED}_by_month.csv",
             "xlsx": CACHE / f"monthly_{SEED}_{XLSX_ROWS}.xlsx"}
    if all(p.exists() for p in paths.values()):
        return paths
    df = generate()
    if not paths["csv"].exists():
        df.to_csv(paths["csv"], index=False)
    if not paths["csv_month_major"].exists():
        df.sort_values(["month", "customer_id"], kind="stable").to_csv(
            paths["csv_month_major"], index=False)
    if not paths["xlsx"].exists():
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("MRR")
        ws.append(["customer_id", "month", "mrr"])
        head = df.head(XLSX_ROWS)
        for row in head.itertuples(index=False, name=None):
            ws.append(list(row))
        tmp = paths["xlsx"].with_suffix(".tmp.xlsx")
        wb.save(tmp)
        tmp.replace(paths["xlsx"])
    return paths


# --------------------------------------------------------------------------------------
# measuring
# --------------------------------------------------------------------------------------

def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Wall and CPU seconds of ``fn``: the first (cold) call, then ``repeat`` more calls.

    Returns ``{"first", "median", "best", "cpu"}`` where ``median`` and ``best`` are
    wall-clock over the repeats and ``cpu`` is the median process CPU time (all threads),
    which is steadier than wall time on a busy machine.
    """
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    walls, cpus = [], []
    for _ in range(repeat):
        c = _cpu()
        t = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
    return {"first": first, "median": statistics.median(walls), "best": min(walls),
            "cpu": statistics.median(cpus)}


def cli_run(path: Path) -> tuple[float, dict[str, Any]]:
    cmd = [sys.executable, "-c",
           "import sys; from funnel_core.cli.cohorts import main; sys.exit(main(sys.argv[1:]))",
           "cohorts", str(path), "--format", "json"]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"cohorts command failed ({proc.returncode}): {proc.stderr}")
    return wall, json.loads(proc.stdout)


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as fh:
            kb = int(fh.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GB"
    except (OSError, ValueError, IndexError):
        pass
    import pyarrow

    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpu_count": str(os.cpu_count()),
        "memory": mem,
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "pyarrow": pyarrow.__version__,
    }


def run(repeat: int = 5, cli_runs: int = 3, skip_openpyxl: bool = False) -> dict[str, Any]:
    paths = ensure_files()
    res: dict[str, Any] = {"machine": machine(), "repeat": repeat,
                           "load": ", ".join(f"{x:.2f}" for x in os.getloadavg())}
    csv_path = paths["csv"]
    res["csv_mb"] = csv_path.stat().st_size / 1e6

    # 1. the command as a subprocess first, so RUSAGE_CHILDREN holds only its runs
    walls = []
    out: dict[str, Any] = {}
    for _ in range(cli_runs):
        wall, out = cli_run(csv_path)
        walls.append(wall)
    res["cli_walls"] = walls
    res["cli_wall_median"] = statistics.median(walls)
    res["cli_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    res["rows"] = out["summary"]["rows_read"]
    res["customers"] = out["summary"]["customers"]
    res["months"] = out["summary"]["months_observed"]
    res["second_month_retention"] = out["summary"]["second_month_retention"]
    res["twelve_month_retention"] = out["summary"]["twelve_month_retention"]
    res["most_common_churn_month"] = out["summary"]["most_common_churn_month"]

    # 2. bare reads
    res["bare_c"] = timed(lambda: pd.read_csv(csv_path), repeat)
    res["bare_pyarrow"] = timed(lambda: pd.read_csv(csv_path, engine="pyarrow"), repeat)

    # 3. in-process import + cohorts
    def pipeline(path: Path) -> Callable[[], Any]:
        return lambda: compute_cohorts(read_export(path))

    res["pipeline"] = timed(pipeline(csv_path), repeat)
    res["read_only"] = timed(lambda: read_export(csv_path), repeat)
    export = read_export(csv_path)
    res["compute_only"] = timed(lambda: compute_cohorts(export), repeat)
    res["pipeline_month_major"] = timed(pipeline(paths["csv_month_major"]), repeat)
    for key, base in (("c", "bare_c"), ("pyarrow", "bare_pyarrow")):
        for stat in ("median", "best", "cpu"):
            res[f"ratio_{key}_{stat}"] = res["pipeline"][stat] / res[base][stat]
    res["ratio_month_major_c_median"] = res["pipeline_month_major"]["median"] / \
        res["bare_c"]["median"]

    # 4. XLSX
    xlsx = paths["xlsx"]
    res["xlsx_mb"] = xlsx.stat().st_size / 1e6
    res["xlsx_calamine"] = timed(lambda: pd.read_excel(xlsx, engine="calamine"), 3)
    res["xlsx_read_export"] = timed(lambda: compute_cohorts(read_export(xlsx)), 3)
    if not skip_openpyxl:
        t = time.perf_counter()
        pd.read_excel(xlsx, engine="openpyxl")
        res["xlsx_openpyxl"] = time.perf_counter() - t
    return res


# --------------------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------------------

def _ok(flag: bool) -> str:
    return "met" if flag else "NOT met"


def _row(label: str, t: dict[str, float], digits: int = 3) -> str:
    f = f"{{:.{digits}f}}"
    return (f"| {label} | {f.format(t['first'])} | {f.format(t['median'])} "
            f"| {f.format(t['best'])} | {f.format(t['cpu'])} |")


def report(res: dict[str, Any]) -> str:
    m = res["machine"]
    met_cli = res["cli_wall_median"] <= TARGET_CLI_SECONDS
    met_mem = res["cli_peak_mb"] <= TARGET_PEAK_MB
    met_ratio = res["ratio_c_median"] <= TARGET_RATIO
    lines = [
        "# Performance: cohort import and computation",
        "",
        "Measured with `python bench/bench_cohorts.py --write` (this file is generated by "
        "that script; re-run it to refresh the figures).",
        "",
        "## Machine",
        "",
        f"- Platform: {m['platform']}",
        f"- CPU: {m['cpu']}, {m['cpu_count']} logical CPUs; memory {m['memory']}",
        f"- Python {m['python']}, pandas {m['pandas']}, numpy {m['numpy']}, "
        f"pyarrow {m['pyarrow']}",
        f"- Load average when the run started: {res['load']}",
        "",
        "## Data",
        "",
        f"Synthetic monthly MRR export, `numpy.random.default_rng({SEED})`: "
        f"{res['rows']:,} rows, {res['customers']:,} customers, {res['months']} months; CSV "
        f"{res['csv_mb']:.1f} MB (customer_id like `cus_000123`, month `YYYY-MM`, mrr), "
        "rows grouped by customer and month. A month-major copy of the same rows, and an "
        f"XLSX of the first {XLSX_ROWS:,} rows ({res['xlsx_mb']:.1f} MB, openpyxl "
        "write-only). Results on it: second-month retention "
        f"{res['second_month_retention']:.3f}, twelve-month retention "
        f"{res['twelve_month_retention']:.3f}, most common churn month "
        f"{res['most_common_churn_month']}.",
        "",
        "## Targets",
        "",
        "| Target | Measured | Status |",
        "|---|---:|---|",
        f"| `cohorts FILE --format json` as a subprocess (Python start-up, imports, read, "
        f"compute, JSON) <= {TARGET_CLI_SECONDS:.0f} s | {res['cli_wall_median']:.2f} s "
        f"(median of {len(res['cli_walls'])}: "
        + ", ".join(f"{w:.2f}" for w in res["cli_walls"]) + f") | {_ok(met_cli)} |",
        f"| Peak memory of that subprocess <= {TARGET_PEAK_MB} MB "
        f"| {res['cli_peak_mb']:.0f} MB (ru_maxrss) | {_ok(met_mem)} |",
        f"| `read_export` + `compute_cohorts` <= {TARGET_RATIO:.0f}x a bare "
        f"`pandas.read_csv` of the same file | {res['ratio_c_median']:.1f}x median wall, "
        f"{res['ratio_c_best']:.1f}x best wall, {res['ratio_c_cpu']:.1f}x CPU "
        f"| {_ok(met_ratio)} |",
        "",
        "## In-process timings",
        "",
        "Seconds. *Cold* is the first call in the process; *median* and *best* are wall "
        f"times of the next {res['repeat']} calls; *CPU* is their median process CPU time "
        "(all threads), which is less disturbed by other load on a shared machine.",
        "",
        "| Step | Cold | Median | Best | CPU |",
        "|---|---:|---:|---:|---:|",
        _row("bare `pandas.read_csv(path)` (C engine)", res["bare_c"]),
        _row("bare `pandas.read_csv(path, engine=\"pyarrow\")`", res["bare_pyarrow"]),
        _row("`read_export(path)`", res["read_only"]),
        _row("`compute_cohorts(export)`", res["compute_only"]),
        _row("`read_export` + `compute_cohorts`", res["pipeline"]),
        _row("same, month-major file (needs the aggregation step)",
             res["pipeline_month_major"]),
        _row(f"XLSX {XLSX_ROWS:,} rows: `pandas.read_excel(engine=\"calamine\")`",
             res["xlsx_calamine"], 2),
    ]
    if "xlsx_openpyxl" in res:
        lines.append(f"| XLSX {XLSX_ROWS:,} rows: `pandas.read_excel(engine=\"openpyxl\")` "
                     f"| {res['xlsx_openpyxl']:.2f} | | | |")
    lines += [
        _row(f"XLSX {XLSX_ROWS:,} rows: `read_export` + `compute_cohorts`",
             res["xlsx_read_export"], 2),
        "",
        "Ratios of `read_export` + `compute_cohorts` to the bare reads: "
        f"{res['ratio_c_median']:.1f}x (C engine, median), "
        f"{res['ratio_pyarrow_median']:.1f}x (pyarrow engine, median), "
        f"{res['ratio_month_major_c_median']:.1f}x for the month-major file (C engine, "
        "median)."
        + (f" calamine reads the XLSX {res['xlsx_openpyxl'] / res['xlsx_calamine']['median']:.0f}x "
           "faster than openpyxl." if "xlsx_openpyxl" in res else ""),
        "",
        "## How the time is kept down",
        "",
        "- The CSV is read by pyarrow (`pyarrow.csv.read_csv`, the engine behind "
        "`pandas.read_csv(engine=\"pyarrow\")`), only the needed columns; ids and dates "
        "come back dictionary-encoded, so customer ids become int32 codes and each "
        "distinct month string is parsed once (36 values, not a million).",
        "- Validation is vectorised: checks run on the distinct values and reach the rows "
        "through the codes; messages are built for the first 200 bad rows only.",
        "- Months are int32 Period ordinals; the cohort tables are `np.bincount` over the "
        "keys `cohort * T + k` (no groupby, no pivot, no Python loop over customers).",
        "- A file already grouped by customer and month skips the aggregation; any other "
        "order goes through one `np.bincount` over the customer x month grid (a sort when "
        "that grid would exceed 16 million cells).",
        "- The command imports neither Altair nor the rest of the app.",
        "",
        "## Notes and limits",
        "",
        "- The cold first call is slower than the later ones mostly because of first-touch "
        "page faults on fresh memory and one-off pyarrow/pandas initialisation; the "
        "subprocess figure includes all of that.",
        "- This is a shared 2-CPU machine: wall times of the same step vary by tens of per "
        "cent between runs when other jobs run (see the load average above); the CPU column "
        "is the steadier comparison.",
        "- A file not grouped by customer and month (e.g. month-major) needs the "
        "aggregation step and takes roughly a third longer.",
        "- XLSX time is the calamine read itself (about "
        f"{res['xlsx_calamine']['median'] / (XLSX_ROWS * 3) * 1e6:.1f} microseconds per "
        "cell here); a 1,000,000-row XLSX would take several seconds, so the 2-second "
        "target applies to CSV.",
        "- A CSV with line breaks inside quoted values is read a second time with pyarrow's "
        "slower multi-line mode.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {DOC.relative_to(ROOT)}")
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--skip-openpyxl", action="store_true",
                        help="skip the slow openpyxl read")
    args = parser.parse_args(argv)
    res = run(repeat=args.repeat, skip_openpyxl=args.skip_openpyxl)
    text = report(res)
    print(text)
    if args.write:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
