"""The whatif, targets and project commands: exit codes, one-line errors, JSON keys, numbers.

The file is the projection example worked by hand in tests/metrics/test_projection.py: MRR at
end 11,200, +2 % a month on existing MRR, 1,000 new MRR; customers 105, 5 % churn, 10 new.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from funnel_core.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "assets" / "example_company.csv"
NUMBERS = """metric,value
period,month
MRR at start,10000
New MRR,1000
Expansion MRR,500
Contraction MRR,100
Churned MRR,200
Customers at start,100
New customers,10
Churned customers,5
Website visitors,10000
Leads,300
"""


@pytest.fixture()
def numbers(tmp_path: Path) -> str:
    path = tmp_path / "numbers.csv"
    path.write_text(NUMBERS, encoding="utf-8")
    return str(path)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def strict(text: str):
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))


def test_project_json_three_months_by_hand(capsys, numbers):
    code, out, err = run(capsys, "project", numbers, "--months", "3")
    assert code == 0, err
    data = strict(out)
    assert [m["month"] for m in data["months"]] == [1, 2, 3]
    assert all(set(m) == {"month", "mrr", "customers", "arr"} for m in data["months"])
    assert [m["mrr"] for m in data["months"]] == pytest.approx([12424, 13672.48, 14945.9296])
    assert [m["customers"] for m in data["months"]] == pytest.approx([109.75, 114.2625, 118.549375])
    assert data["months"][2]["arr"] == pytest.approx(14945.9296 * 12)
    assert data["start"] == {"month": 0, "mrr": 11200, "customers": 105, "arr": 134400}
    assert data["assumption"] == "Steady rates from the current period, no seasonality."
    assert data["milestones"][0]["level"] == 200000 and data["milestones"][0]["month"] is None


def test_project_with_a_scenario_starts_from_today(capsys, numbers):
    code, out, _ = run(capsys, "project", numbers, "--months", "1", "--set", "mrr_new=+100%")
    data = strict(out)
    # month 1: 11,200 x 1.02 + 2,000 = 13,424; at your numbers 12,424
    assert code == 0 and data["months"][0]["mrr"] == pytest.approx(13424)
    assert data["baseline_months"][0]["mrr"] == pytest.approx(12424)
    assert data["changes"] == [{"field": "mrr_new", "label": "New MRR", "before": 1000, "after": 2000}]


def test_project_csv(capsys, numbers):
    code, out, _ = run(capsys, "project", numbers, "--months", "2", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["month", "mrr", "customers", "arr"]
    assert rows[1:] == [["1", "12424.00", "109.75", "149088.00"], ["2", "13672.48", "114.26", "164069.76"]]


def test_whatif_json_has_baseline_and_scenario_with_kpi_lists(capsys, numbers):
    code, out, err = run(capsys, "whatif", numbers, "--set", "leads=+50%", "--set", "customers_churned=2",
                         "--format", "json")
    assert code == 0, err
    data = strict(out)
    for side in ("baseline", "scenario"):
        kpis = {k["id"]: k for k in data[side]["kpis"]}
        assert {"value", "verdict", "benchmarks", "main_benchmark"} <= set(kpis["customer_churn_rate"])
    assert data["baseline"]["kpis"][0]["id"] == "visitor_to_lead_rate"
    before = {k["id"]: k["value"] for k in data["baseline"]["kpis"]}
    after = {k["id"]: k["value"] for k in data["scenario"]["kpis"]}
    assert (before["visitor_to_lead_rate"], after["visitor_to_lead_rate"]) == (0.03, 0.045)  # 300 -> 450
    assert (before["customer_churn_rate"], after["customer_churn_rate"]) == (0.05, 0.02)
    side = {r["kpi"]: r for r in data["side_by_side"]}
    assert side["customer_churn_rate"]["changed"] and "percentile_after" in side["customer_churn_rate"]
    # customers at end 100 + 10 - 5 = 105 vs 100 + 10 - 2 = 108
    assert data["difference"]["customers_end"] == {"baseline": 105, "scenario": 108, "difference": 3}


def test_whatif_table(capsys, numbers):
    code, out, _ = run(capsys, "whatif", numbers, "--set", "leads=450")
    assert code == 0
    assert "Scenario: Leads 300 -> 450" in out
    assert "*Visitor to lead" in out and "* = value or verdict changed" in out


def test_targets_json_keys(capsys):
    code, out, err = run(capsys, "targets", str(EXAMPLE), "--format", "json")
    assert code == 0, err
    targets = strict(out)["targets"]
    assert targets, "the example company has KPIs worse than their benchmark"
    for t in targets:
        assert {"kpi", "field", "current", "required", "benchmark_id", "reference",
                "worth_mrr_12m"} <= set(t)
        assert (t["required"] is None) == (not t["reachable"])
    code, out, _ = run(capsys, "targets", str(EXAMPLE))
    assert code == 0 and "MRR in 12 months" in out


@pytest.mark.parametrize("command", ["whatif", "project"])
@pytest.mark.parametrize("change, words", [
    ("lead=5", "unknown field 'lead'"),
    ("leads=abc", "--set leads=abc: 'abc' is not a number"),
    ("customers_churned=-3", "Churned customers cannot be negative"),
    ("leads", "write FIELD=VALUE"),
])
def test_bad_set_exits_2_with_one_line_naming_it(capsys, numbers, command, change, words):
    code, out, err = run(capsys, command, numbers, "--set", change)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: --set ") and words in err


@pytest.mark.parametrize("args, words", [
    (["project", "{f}", "--months", "0"], "--months must be from 1 to 120"),
    (["whatif", "{f}", "--months", "500", "--set", "leads=1"], "--months must be from 1 to 120"),
    (["whatif", "{f}"], "at least one --set"),
    (["project", "{f}", "--set", "signups=+10%"], "Sign-ups is not in your numbers"),
    (["project", "missing.csv"], "missing.csv: no such file"),
])
def test_other_bad_input_exits_2(capsys, numbers, args, words):
    code, _, err = run(capsys, *[a.replace("{f}", numbers) for a in args])
    assert code == 2 and err.count("\n") == 1 and words in err


def test_project_without_mrr_exits_2_naming_the_input(capsys, tmp_path):
    path = tmp_path / "funnel.csv"
    path.write_text("metric,value\nWebsite visitors,1000\nLeads,50\n", encoding="utf-8")
    code, _, err = run(capsys, "project", str(path))
    assert code == 2 and "mrr_start" in err and err.count("\n") == 1


def test_python_m_entry_point(numbers):
    out = subprocess.run([sys.executable, "-m", "funnel_core", "whatif", numbers, "--set", "leads=x"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2 and "leads" in out.stderr and "Traceback" not in out.stderr
