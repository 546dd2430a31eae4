"""The NRR x CAC payback quadrant: a valid spec, the source named, the user's point placed."""

from __future__ import annotations

import json
from datetime import date

import pytest

from funnel_core.benchmarks.compare import compare
from funnel_core.charts.catalog import chart_catalog
from funnel_core.charts.quadrant import QUADRANTS, quadrant_chart, quadrant_of
from funnel_core.domain.model import Context, Snapshot

AS_OF = date(2026, 11, 23)
# NRR = (100,000 + 3,000 - 500 - 1,000) / 100,000 = 1.015 a month -> 1.015^12 = 119.6 % a year;
# CAC = 30,000 / 20 = 1,500; accounts 200 + 20 - 4 = 216; MRR at end 101,500 + 8,000 = 109,500;
# ARPA = 109,500 / 216 = 506.9; payback = 1,500 / (506.9 x 0.8) = 3.7 months
VALUES = dict(mrr_start=100000, mrr_new=8000, mrr_expansion=3000, mrr_contraction=500,
              mrr_churned=1000, customers_start=200, new_customers=20, customers_churned=4,
              sales_marketing_spend=30000, gross_margin=0.8)


def _rows(spec: dict) -> list[dict]:
    data = spec["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def _spec(values: dict, period: str = "month") -> dict:
    chart = quadrant_chart(compare(Snapshot(values, Context(period=period))), as_of=AS_OF)
    assert chart is not None
    return chart.to_dict()  # validates against the Vega-Lite schema


def test_spec_is_valid_names_the_source_and_places_the_point() -> None:
    spec = _spec(VALUES)
    text = json.dumps(spec, ensure_ascii=False)
    assert "High Alpha" in text and "status S" in text and "as of 2026-11-23" in text
    points = [r for r in _rows(spec) if r["part"] == "you"]
    assert len(points) == 1
    you = points[0]
    assert you["y"] == pytest.approx(1.015 ** 12)
    assert you["x"] == pytest.approx(1500 / (109500 / 216 * 0.8))
    assert you["quadrant"] == "NRR ≥ 100 %, payback < 18 months"
    # the four quadrants with High Alpha's medians, the user's one marked
    quadrants = [r for r in _rows(spec) if r["part"] == "quadrant"]
    assert len(quadrants) == 4 and sum(r["mine"] == "yes" for r in quadrants) == 1
    assert {r["figures"] for r in quadrants} == {q.figures for q in QUADRANTS}
    assert "median growth 65 %, Rule of 40 score 45" in text
    # accessible name: what the chart shows and where the company is
    assert spec["description"].startswith("Growth and efficiency: NRR against CAC payback. A "
                                          "quadrant chart of net revenue retention")
    assert "median growth of 65 %" in spec["description"]
    # good is to the right: the payback axis runs from long to short
    assert spec["vconcat"][0]["layer"][0]["encoding"]["x"]["scale"]["domain"][1] == 0
    assert "compounded to a year" in text  # a monthly NRR says how it was read
    assert "NaN" not in text and "Infinity" not in text


def test_revenue_payback_without_gross_margin_says_so() -> None:
    values = {k: v for k, v in VALUES.items() if k != "gross_margin"}
    assert "add gross margin" in json.dumps(_spec(values))


def test_no_chart_without_nrr_or_payback() -> None:
    assert quadrant_chart(compare(Snapshot({"mrr_start": 1000, "mrr_new": 10}))) is None
    assert quadrant_chart(compare(Snapshot({"sales_marketing_spend": 1, "new_customers": 1}))) is None


@pytest.mark.parametrize(("nrr", "payback", "key"), [
    (1.0, 17.9, "nrr_high_fast"),   # exactly 100 % counts as high
    (1.0, 18.0, "nrr_high_slow"),   # exactly 18 months is not under 18
    (0.99, 6, "nrr_low_fast"),
    (0.7, 40, "nrr_low_slow"),
])
def test_quadrant_edges(nrr: float, payback: float, key: str) -> None:
    assert quadrant_of(nrr, payback).key == key


def test_quadrant_is_in_the_chart_catalogue() -> None:
    names = [c.name for c in chart_catalog(compare(Snapshot(VALUES)), as_of=AS_OF)]
    assert "quadrant" in names and names.index("quadrant") == names.index("mrr-bridge") + 1
