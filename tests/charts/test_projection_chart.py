"""The projection chart: both lines, milestones marked, the assumption and a description."""

from __future__ import annotations

import json
import math

import pytest

from funnel_core.charts.projection import BASELINE_NAME, EXPORT_WIDTH, projection_chart
from funnel_core.domain.model import Context, Snapshot
from funnel_core.exports.images import chart_png, chart_svg
from funnel_core.metrics.projection import ASSUMPTION, project

# ARR 1.68M now; new MRR 60,000 a month: ARR (140,000 + 60,000 n) x 12 -> 2M in month 1 (2.4M),
# 5M in month 5 (5.28M); the scenario (new MRR 80,000) reaches 5M in month 4 (5.52M)
BASE = Snapshot({"mrr_start": 80000, "mrr_new": 60000, "customers_start": 100, "new_customers": 10,
                 "customers_churned": 2}, Context(currency="EUR"))
BASELINE = project(BASE)
SCENARIO = project(BASE.with_values(mrr_new=80000), start_from=BASELINE.start)


def rows_of(s: dict) -> list[dict]:
    """The chart's one data set (Altair moves inline values into ``datasets``)."""
    return s["datasets"][s["data"]["name"]] if "name" in s["data"] else s["data"]["values"]


def spec(**kwargs) -> dict:
    chart = projection_chart(BASELINE, SCENARIO, scenario_name="More sales", **kwargs)
    return chart.to_dict()  # validates against the Vega-Lite schema


def test_both_lines_milestones_and_the_assumption_are_on_the_chart():
    s = spec(measure="arr", currency="EUR")
    rows = rows_of(s)
    lines = [r for r in rows if r["part"] == "line"]
    assert {r["series"] for r in lines} == {BASELINE_NAME, "More sales"}
    assert len(lines) == 2 * 13                                   # months 0..12 each
    crossings = {(r["series"], r["milestone"], r["month"]) for r in rows if r["part"] == "crossing"}
    assert (BASELINE_NAME, "€5M ARR reached", 5) in crossings
    assert ("More sales", "€5M ARR reached", 4) in crossings
    assert {r["milestone"] for r in rows if r["part"] == "level"} >= {"€2M ARR", "€5M ARR"}
    subtitle = " ".join(s["title"]["subtitle"])
    assert "Assumption: steady rates from the current period, no seasonality." in subtitle
    assert "€5M ARR: month 5 at current rates, month 4 in More sales." in subtitle
    assert ASSUMPTION.rstrip(".").lower()[:20] in s["description"].lower()
    assert s["description"].startswith("Line chart of projected ARR for 12 months")
    assert all(isinstance(v, (int, float)) and math.isfinite(v)
               for r in rows for v in r.values() if not isinstance(v, str))
    json.dumps(s, allow_nan=False)


def test_mrr_chart_draws_arr_milestones_at_a_twelfth():
    s = spec(measure="mrr")
    level = next(r for r in rows_of(s) if r["part"] == "level" and r["milestone"].startswith("$5M"))
    assert level["value"] == pytest.approx(5_000_000 / 12)
    assert "MRR" in level["milestone"]
    assert s["title"]["text"] == "MRR projection, next 12 months"


def test_readable_on_a_narrow_screen():
    s = spec(width="container")
    assert s["width"] == "container" and s["autosize"]["type"] == "fit-x"
    assert all(len(line) <= 44 for line in s["title"]["subtitle"])   # fits 360 px at 12 px
    assert s["title"]["subtitle"][0].startswith("Current rates:")
    assert spec()["width"] == EXPORT_WIDTH


def test_baseline_alone_and_a_quarter_note():
    quarterly = project(Snapshot({"mrr_start": 30000, "mrr_new": 9000}, Context(period="quarter")))
    s = projection_chart(quarterly).to_dict()
    assert {r["series"] for r in rows_of(s) if r["part"] == "line"} == {BASELINE_NAME}
    assert any("cover a quarter" in line for line in s["title"]["subtitle"])


def test_bad_measure():
    with pytest.raises(ValueError, match="measure"):
        projection_chart(BASELINE, measure="customers")


def test_exports_render():
    chart = projection_chart(BASELINE, SCENARIO, scenario_name="More sales")
    assert chart_png(chart).startswith(b"\x89PNG")
    assert b"More sales" in chart_svg(chart)
