"""``--arr-band`` and ``--funding`` pick the peers; a wide file fills ARR a year ago and says so."""

from __future__ import annotations

import json
from pathlib import Path

from funnel_core.cli.main import main

LONG = """metric,value
period,month
MRR at start,100000
New MRR,2000
Churned MRR,600
Contraction MRR,100
arr_year_ago,1000000
"""

WIDE = """period,mrr_start,mrr_new,mrr_churned
2024-06,50000,1000,0
2025-05,79000,1000,0
2025-06,80000,1000,0
"""


def _json(capsys, *args: str) -> dict:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_arr_band_and_funding_select_the_peers(capsys, tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text(LONG, encoding="utf-8")
    plain = _json(capsys, "compare", str(path), "--format", "json")
    banded = _json(capsys, "compare", str(path), "--format", "json", "--arr-band", "1m_5m",
                   "--funding", "bootstrapped")
    assert banded["snapshot"]["context"]["arr_band"] == "1m_5m"
    assert banded["snapshot"]["context"]["funding"] == "bootstrapped"
    main_of = {k["id"]: k["main_benchmark"] for k in banded["kpis"]}
    assert main_of["arr_growth_rate"] == "saascapital_bootstrapped_growth_2025"
    plain_main = {k["id"]: k["main_benchmark"] for k in plain["kpis"]}
    assert plain_main["arr_growth_rate"] == "benchmarkit_arr_growth_median_2024"
    grr = next(k for k in banded["kpis"] if k["id"] == "gross_revenue_retention")
    assert all(b["arr_band"] in (["any"], ["1m_5m"], ["1m_5m", "5m_20m"])
               for b in grr["benchmarks"])  # figures for other bands are left out
    for b in grr["benchmarks"]:
        assert {"year", "published", "year_text", "dated"} <= set(b)


def test_bad_band_exits_2(capsys, tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text(LONG, encoding="utf-8")
    assert main(["compare", str(path), "--arr-band", "huge"]) == 2
    assert "--arr-band" in capsys.readouterr().err


def test_wide_file_fills_arr_a_year_ago_from_the_same_month_and_notes_it(capsys,
                                                                         tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(WIDE, encoding="utf-8")
    data = _json(capsys, "compare", str(path), "--format", "json")
    assert data["snapshot"]["values"]["arr_year_ago"] == 612000  # 2024-06: 51,000 x 12
    growth = next(k for k in data["kpis"] if k["id"] == "arr_growth_rate")
    assert abs(growth["value"] - (81000 * 12 / 612000 - 1)) < 1e-9
    assert any("ARR a year ago taken from your period 2024-06" in n for n in data["notes"])
