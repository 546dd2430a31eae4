"""The ``benchmarks`` command: the whole catalogue as JSON, CSV or a table; --kpi filters."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from funnel_core.benchmarks.catalogue import load_catalogue
from funnel_core.cli.benchmarks import COLUMNS
from funnel_core.cli.main import main

KEYS = {"id", "kpi", "statistic", "low", "median", "high", "unit", "period", "segment",
        "acv_band", "trial_type", "motion", "product_category", "arr_band", "funding", "source",
        "year", "published", "sample", "url", "status", "note", "dated"}


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["benchmarks", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lists_the_whole_catalogue_with_every_key(capsys) -> None:
    code, out, err = _run(capsys, "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    catalogue = load_catalogue()
    assert data["count"] == len(catalogue) == len(data["benchmarks"])
    assert [b["id"] for b in data["benchmarks"]] == [b.id for b in catalogue]
    assert all(KEYS <= set(b) for b in data["benchmarks"])
    aleph = next(b for b in data["benchmarks"] if b["id"] == "aleph_benchmarkit_grr_fy2025")
    assert (aleph["year"], aleph["published"], aleph["status"]) == (2025, 2026, "S")
    assert (aleph["low"], aleph["median"], aleph["high"]) == (0.76, 0.84, 0.91)
    assert aleph["sample"].startswith("342") and aleph["arr_band"] == ["any"]
    assert "NaN" not in out and "Infinity" not in out


def test_kpi_filter(capsys) -> None:
    code, out, _ = _run(capsys, "--kpi", "gross_revenue_retention", "--format", "json")
    rows = json.loads(out)["benchmarks"]
    assert code == 0 and rows and {r["kpi"] for r in rows} == {"gross_revenue_retention"}
    assert any(r["arr_band"] == ["1m_5m"] for r in rows)
    # a KPI without a published figure: an empty list, and the table says so
    code, out, _ = _run(capsys, "--kpi", "gross_margin", "--format", "json")
    assert code == 0 and json.loads(out)["benchmarks"] == []
    code, out, _ = _run(capsys, "--kpi", "gross_margin")
    assert code == 0 and "No published benchmark in our catalogue" in out


def test_unknown_kpi_exits_2_with_one_line(capsys) -> None:
    code, out, err = _run(capsys, "--kpi", "growth\x1b[31m")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: --kpi") and "\x1b" not in err
    assert "arr_growth_rate" in err  # names the ids it knows


def test_csv_has_the_header_and_neutralises_formulas(capsys, tmp_path: Path) -> None:
    mine = tmp_path / "mine.csv"
    header = ",".join(COLUMNS[:21])  # the catalogue's required columns, same order
    assert header.startswith("id,kpi,label,statistic,low,median,high,unit,period,basis,segment")
    from funnel_core.benchmarks.catalogue_schema import CATALOGUE_COLUMNS
    row = {c: "" for c in CATALOGUE_COLUMNS}
    row.update(id="board", kpi="arr_growth_rate", label="=HYPERLINK(\"http://x\")",
               statistic="median", median="0.3", unit="fraction", period="year",
               source="@SUM(1)", status="U", segment="-us", acv_band="any", trial_type="any",
               motion="any", product_category="any")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(CATALOGUE_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    mine.write_text(buf.getvalue(), encoding="utf-8")
    code, out, err = _run(capsys, "--format", "csv", "--kpi", "arr_growth_rate",
                          "--catalogue", str(mine))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == COLUMNS
    board = rows[-1]
    assert board["id"] == "board" and board["origin"] == "mine.csv"
    assert board["label"].startswith("'=") and board["source"].startswith("'@")
    assert board["segment"].startswith("'-")
    assert board["median"] == "0.3" and board["arr_band"] == "any" and board["dated"] == "no"
    bootstrapped = next(r for r in rows if r["id"] == "saascapital_bootstrapped_growth_2025")
    assert bootstrapped["arr_band"] == "1m_5m;5m_20m" and bootstrapped["funding"] == "bootstrapped"


def test_table_shows_year_status_and_no_control_characters(capsys, tmp_path: Path) -> None:
    from funnel_core.benchmarks.catalogue_schema import CATALOGUE_COLUMNS
    mine = tmp_path / "mine.csv"
    row = {c: "any" if c in ("acv_band", "trial_type", "motion", "product_category") else ""
           for c in CATALOGUE_COLUMNS}
    row.update(id="board", kpi="customer_churn_rate", statistic="median", median="0.02",
               unit="fraction", period="month", status="U",
               source="Board\x1b]0;owned\x07 goal\x1b[2J")
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(CATALOGUE_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    mine.write_text(buf.getvalue(), encoding="utf-8")
    code, out, _ = _run(capsys, "--kpi", "customer_churn_rate", "--catalogue", str(mine))
    assert code == 0
    assert "Board]0;owned goal[2J" in out and "\x1b" not in out and "\x07" not in out
    lines = out.splitlines()
    assert lines[0].startswith("id") and "year" in lines[0]
    assert any("saastr_bvp_churn_smb_2017" in line and "2017, published 2017, dated" not in line
               and "2017, dated" in line for line in lines)
    assert "figures. Status:" in lines[-1]
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in out)


def test_missing_catalogue_file_exits_2(capsys, tmp_path: Path) -> None:
    code, out, err = _run(capsys, "--catalogue", str(tmp_path / "nope.csv"))
    assert code == 2 and out == "" and "no such catalogue file" in err


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_every_format_runs_on_the_whole_catalogue(capsys, fmt: str) -> None:
    code, out, _ = _run(capsys, "--format", fmt)
    assert code == 0 and out.endswith("\n")
