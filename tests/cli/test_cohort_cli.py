"""The ``cohorts`` sub-command, driven through a tiny argparse harness."""

from __future__ import annotations

import argparse
import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from funnel_core.cli import cohorts as cli_cohorts

# the reference data shared with test_cohorts.py (hand-computed tables there)
DATA = Path(__file__).resolve().parents[1] / "data"

MONTHLY_CSV = (DATA / "cohort_monthly.csv").read_text(encoding="utf-8")

# the same customers as subscriptions: an end date is the first day not paid;
# C churns and comes back (two rows), D upgrades and E downgrades by a plan change,
# F starts and ends in March, G pays 720 a year
SUBSCRIPTIONS_CSV = (DATA / "cohort_subscriptions.csv").read_text(encoding="utf-8")


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="funnel")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_cohorts.add_parser(sub)
    args = parser.parse_args(argv)
    code = cli_cohorts.run(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def monthly_file(tmp_path: Path) -> Path:
    path = tmp_path / "monthly.csv"
    path.write_text(MONTHLY_CSV, encoding="utf-8")
    return path


def test_json_output(monthly_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["cohorts", str(monthly_file), "--format", "json"], capsys)
    assert code == 0 and err == ""
    data = json.loads(out)
    assert [c["cohort"] for c in data["cohorts"]] == ["2025-01", "2025-02", "2025-03",
                                                      "2025-06"]
    assert data["summary"]["revenue_inputs"]["month"] == "2025-06"
    assert "NaN" not in out and "Infinity" not in out


def test_month_option_selects_revenue_inputs(monthly_file: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["cohorts", str(monthly_file), "--format", "json",
                            "--month", "2025-03"], capsys)
    assert code == 0
    ri = json.loads(out)["summary"]["revenue_inputs"]
    assert (ri["customers_start"], ri["customers_churned"], ri["new_customers"]) == (5, 2, 2)
    assert (ri["mrr_expansion"], ri["mrr_contraction"]) == (50, 100)


def test_csv_output_long_form(monthly_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["cohorts", str(monthly_file), "--format", "csv"], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["cohort", "months_since_start", "logo_retention",
                             "revenue_retention", "size"]
    assert len(rows) == 16
    feb_k1 = next(r for r in rows if r["cohort"] == "2025-02" and r["months_since_start"] == "1")
    assert float(feb_k1["logo_retention"]) == 1.0
    assert float(feb_k1["revenue_retention"]) == pytest.approx(250 / 300, abs=1e-6)
    assert feb_k1["size"] == "2"


def test_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "subs.csv"
    path.write_text(SUBSCRIPTIONS_CSV, encoding="utf-8")
    code, out, _ = run_cli(["cohorts", str(path)], capsys)
    assert code == 0
    assert "Logo retention" in out and "Revenue retention" in out
    assert "2025-01" in out and "33%" in out
    assert "Most customers leave in" in out


def test_bad_file_exit_2_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "weird.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    code, out, err = run_cli(["cohorts", str(path), "--format", "json"], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "weird.csv" in err and "'foo'" in err
    assert "Traceback" not in err


def test_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["cohorts", str(tmp_path / "nope.csv")], capsys)
    assert code == 2 and "nope.csv" in err and err.count("\n") == 1


def test_bad_month_exit_2(monthly_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["cohorts", str(monthly_file), "--month", "2031-01"], capsys)
    assert code == 2 and "outside" in err
    code, _, err = run_cli(["cohorts", str(monthly_file), "--month", "soon"], capsys)
    assert code == 2 and "not a month" in err


def test_mapping_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("who,when,howmuch\nA,2025-01,1\nA,2025-02,1\n", encoding="utf-8")
    code, _, _ = run_cli(["cohorts", str(path)], capsys)
    assert code == 2
    code, out, _ = run_cli(["cohorts", str(path), "--format", "json", "--map",
                            "who=customer_id", "--map", "when=month", "--map",
                            "howmuch=mrr"], capsys)
    assert code == 0 and json.loads(out)["cohorts"][0]["size"] == 1
    code, _, err = run_cli(["cohorts", str(path), "--map", "who"], capsys)
    assert code == 2 and "COLUMN=ROLE" in err


def test_main_as_subprocess(monthly_file: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys; from funnel_core.cli.cohorts import main; sys.exit(main(sys.argv[1:]))",
         "cohorts", str(monthly_file), "--format", "json"],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["customers"] == 8
    bad = subprocess.run(
        [sys.executable, "-m", "funnel_core.cli.cohorts", "cohorts", "/no/such.csv"],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], check=False)
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("error:") and "Traceback" not in bad.stderr
