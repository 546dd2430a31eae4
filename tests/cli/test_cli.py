"""The command line: exit codes, one-line errors, valid JSON, templates."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from funnel_core.cli.main import main

ROOT = Path(__file__).resolve().parents[2]

LONG_CSV = """metric,value
period,month
Website visitors,"20,000"
Leads,1400
MQLs,560
New customers,20
Customers at start,200
Churned customers,6
S&M spend,"$60,000"
"""


@pytest.fixture()
def long_csv(tmp_path: Path) -> Path:
    path = tmp_path / "numbers.csv"
    path.write_text(LONG_CSV, encoding="utf-8")
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "funnel_core", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_compare_json_is_valid_and_has_the_contract(long_csv):
    out = run_cli("compare", str(long_csv), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    kpis = {k["id"]: k for k in data["kpis"]}
    assert kpis["visitor_to_lead_rate"]["value"] == pytest.approx(0.07)
    assert kpis["customer_churn_rate"]["value"] == pytest.approx(0.03)
    assert kpis["cac"]["value"] == pytest.approx(3000)
    assert kpis["nps"]["value"] is None and "missing input" in kpis["nps"]["reason"]
    churn = kpis["customer_churn_rate"]["benchmarks"]
    assert churn and all({"verdict", "source", "low", "median", "high"} <= set(b) for b in churn)
    annual = [b for b in churn if b["period"] == "year"]
    assert annual and annual[0]["user_value"] == pytest.approx(1 - 0.97 ** 12)


def test_compare_table_and_csv(long_csv, capsys):
    assert main(["compare", str(long_csv)]) == 0
    table = capsys.readouterr().out
    assert "Visitor to lead" in table and "7.0 %" in table
    assert main(["compare", str(long_csv), "--format", "csv"]) == 0
    csv_text = capsys.readouterr().out
    assert csv_text.splitlines()[0].startswith("kpi,label,value")
    assert "nan" not in csv_text.lower() and "inf" not in csv_text.lower().replace("info", "")


def test_context_flag_narrows_benchmarks(long_csv, capsys):
    main(["compare", str(long_csv), "--format", "json"])
    everyone = json.loads(capsys.readouterr().out)
    main(["compare", str(long_csv), "--format", "json", "--acv-band", "enterprise"])
    enterprise = json.loads(capsys.readouterr().out)
    count = lambda d: len(next(k for k in d["kpis"] if k["id"] == "customer_churn_rate")["benchmarks"])
    assert count(enterprise) < count(everyone)


@pytest.mark.parametrize(
    "args, message_part",
    [
        (["compare", "missing.csv"], "missing.csv: no such file"),
        (["compare", "{bad}"], "bad.txt"),
        (["compare", "{empty}"], "empty.csv"),
        (["compare", "{long}", "--format", "yaml"], "usage"),
        (["template", "-o", "out.txt"], "out.txt"),
        (["frobnicate"], "usage"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path, long_csv, args, message_part):
    (tmp_path / "bad.txt").write_text("hello")
    (tmp_path / "empty.csv").write_text("")
    args = [a.format(bad=tmp_path / "bad.txt", empty=tmp_path / "empty.csv", long=long_csv) for a in args]
    out = run_cli(*args) if args[0] != "template" else run_cli(*args[:2], str(tmp_path / args[2]))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and message_part in lines[0]


@pytest.mark.parametrize("name", ["t.csv", "t.xlsx"])
def test_template_round_trips_through_the_parser(tmp_path, name):
    from funnel_core.inputs.parsing import parse_file

    path = tmp_path / name
    assert main(["template", "-o", str(path)]) == 0
    parsed = parse_file(path)
    assert parsed.context.get("period") == "month"
    assert not parsed.unknown


def test_cli_json_on_all_zero_input_has_no_nan(tmp_path, capsys):
    path = tmp_path / "zeros.csv"
    path.write_text("metric,value\n" + "\n".join(f"{f},0" for f in (
        "visitors", "leads", "customers_start", "customers_churned", "mrr_start", "mrr_churned",
        "new_customers", "sales_marketing_spend")), encoding="utf-8")
    assert main(["compare", str(path), "--format", "json"]) == 0
    text = capsys.readouterr().out
    json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))


def test_an_ambiguous_file_gets_the_command_line_flag_as_its_hint(tmp_path, capsys):
    path = tmp_path / "ambiguous.csv"
    path.write_text("metric,value\nLeads,\"1.234\"\nMQLs,\"1,500\"\n", encoding="utf-8")
    assert main(["compare", str(path), "--format", "json"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    (note,) = [n for n in notes if "thousands or decimals" in n]
    assert note.endswith("(here: --number-format de)")
