"""Charts on screen: sized to their column, named for screen readers, readable scales.

funnel_core.charts.screen (the split into plot and words), the accessible description of every
chart, the cohort heatmap's size column and colours, the trend axes' minimum span, the small
multiples of every KPI, and one money format per view.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import altair as alt
import pytest

from funnel_core.benchmarks.compare import compare
from funnel_core.charts.catalog import chart_catalog
from funnel_core.charts.cohorts import (DIVERGING_RAMP, HEATMAP_RAMP, SIZE_COLUMN, cell_ink,
                                        cohort_heatmap, heatmap_scale, mrr_by_cohort_area,
                                        retention_curves)
from funnel_core.charts.screen import for_container
from funnel_core.charts.trend_grid import grid_bands, small_trend, trend_grid
from funnel_core.charts.trends import per_period, trend_chart, value_domain
from funnel_core.domain.formatting import format_value, money_digits
from funnel_core.domain.model import Snapshot
from funnel_core.inputs.billing_read import read_export
from funnel_core.inputs.loading import snapshots_from
from funnel_core.inputs.parsing import parse_bytes
from funnel_core.metrics.cohorts import compute_cohorts
from funnel_core.metrics.history import kpi_history
from funnel_core.metrics.kpi_trends import kpi_trends

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def example_report():
    path = ROOT / "assets" / "example_company.csv"
    parsed = parse_bytes(path.read_bytes(), path.name, mapping={"note": None})
    return compare(snapshots_from(parsed)[-1])


@pytest.fixture(scope="module")
def cohorts():
    path = DATA / "billing_export.csv"
    return compute_cohorts(read_export(path.read_bytes(), path.name))


@pytest.fixture(scope="module")
def expanding():
    """Four one-customer cohorts; the first grows to 150 % of its start MRR."""
    rows = ["customer,month,mrr"]
    for c, (start, amounts) in enumerate([(1, [100, 110, 120, 131, 140, 150]),
                                          (2, [200, 150, 160, 220, 262]),
                                          (3, [50, 50, 10, 60]), (4, [80, 60, 40])]):
        rows += [f"C{c},2025-0{start + i},{a}" for i, a in enumerate(amounts)]
    return compute_cohorts(read_export("\n".join(rows).encode(), "expanding.csv"))


@pytest.fixture(scope="module")
def periods():
    path = DATA / "browser_periods.csv"
    snapshots = snapshots_from(parse_bytes(path.read_bytes(), path.name))
    return snapshots, kpi_trends(kpi_history(snapshots))


def numeric_widths(node, path="") -> list[tuple[str, float]]:
    """Every numeric ``width`` anywhere in a spec (a fixed size in pixels)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "width" and isinstance(value, (int, float)):
                found.append((path, value))
            found += numeric_widths(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += numeric_widths(value, f"{path}/{index}")
    return found


def contrast(a: str, b: str) -> float:
    def lum(colour: str) -> float:
        rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# --- every chart is named for screen readers ----------------------------------------------

def test_every_results_chart_has_a_description_saying_what_it_shows(example_report):
    named = chart_catalog(example_report)
    assert len(named) > 5
    for chart in named:
        spec = chart.chart.to_dict()
        description = spec.get("description", "")
        assert description.startswith(spec["usermeta"]["words"]["title"]), chart.name
        assert len(description) > len(spec["usermeta"]["words"]["title"]) + 10, chart.name


def test_cohort_and_trend_charts_have_descriptions(cohorts, periods):
    snapshots, trends = periods
    for chart in (cohort_heatmap(cohorts), cohort_heatmap(cohorts, "revenue"),
                  retention_curves(cohorts), mrr_by_cohort_area(cohorts),
                  trend_chart(trends["customer_churn_rate"], None)):
        description = chart.to_dict()["description"]
        assert len(description) > 40 and "NaN" not in description


# --- the split for the screen --------------------------------------------------------------

@pytest.mark.parametrize("name", ["funnel", "focus", "mrr-bridge"])
def test_layered_charts_follow_their_column(example_report, name):
    chart = next(c.chart for c in chart_catalog(example_report) if c.name == name)
    export = chart.to_dict()
    screen = for_container(chart)
    assert screen.fits_container
    spec = screen.spec
    assert spec["width"] == "container" and "layer" in spec and "title" not in spec
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert numeric_widths(spec) == []  # nothing fixed that a phone could not hold
    assert spec["description"] == export["description"] == screen.description
    words = export["usermeta"]["words"]
    assert screen.title == words["title"] == export["title"]["text"]
    assert list(screen.subtitle) == words["subtitle"]
    assert not any(line.startswith(" ") for line in screen.footer)  # paragraphs, unwrapped
    assert screen.footer[-1].endswith(words["footer"][-1])
    assert spec["data"] == export["data"] and spec["config"] == export["config"]
    alt.LayerChart.from_dict({k: v for k, v in spec.items() if k != "width"} | {"width": 300})


def test_altair_layer_charts_lose_their_title_on_screen(cohorts):
    chart = cohort_heatmap(cohorts)
    screen = for_container(chart)
    assert screen.fits_container and "title" not in screen.spec
    assert screen.title == "Cohort logo retention"
    assert "First column: customers in each cohort" in screen.subtitle
    assert screen.spec["height"] == chart.to_dict()["height"]


def test_screen_split_without_words_falls_back_to_the_title():
    spec = {"mark": "point", "title": {"text": "T", "subtitle": ["a", "b"]}, "width": 900,
            "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x", "type": "quantitative"}}}
    screen = for_container(spec)
    assert (screen.title, screen.subtitle, screen.spec["width"]) == ("T", ("a", "b"), "container")
    assert screen.description == "T"
    side_by_side = {"hconcat": [{"mark": "point"}], "title": "Wide"}
    kept = for_container(side_by_side)
    assert not kept.fits_container and kept.spec["hconcat"] == side_by_side["hconcat"]


# --- cohort heatmap ------------------------------------------------------------------------

def test_heatmap_has_a_cohort_size_column(cohorts):
    spec = cohort_heatmap(cohorts).to_dict()
    rows = next(iter(spec["datasets"].values()))
    sizes = {r["cohort"]: r["size"] for r in rows if r["kind"] == "size"}
    assert sizes == {str(k): int(v) for k, v in cohorts.sizes.items()}
    assert all(r["column"] == SIZE_COLUMN for r in rows if r["kind"] == "size")
    x = next(layer["encoding"]["x"] for layer in spec["layer"])
    assert x["scale"]["domain"][0] == SIZE_COLUMN
    assert x["scale"]["domain"][1:] == [str(k) for k in range(cohorts.logo_retention.shape[1])]


def test_heatmap_colours_tell_over_100_percent_from_100_percent(cohorts, expanding):
    domain, ramp, diverging = heatmap_scale([0.4, 1.0, 0.8])
    assert (domain, ramp, diverging) == ([0.0, 0.5, 1.0], HEATMAP_RAMP, False)
    domain, ramp, diverging = heatmap_scale([0.4, 1.0, 1.31])
    assert (domain, ramp, diverging) == ([0.0, 1.0, 1.31], DIVERGING_RAMP, True)
    spec = cohort_heatmap(expanding, "revenue").to_dict()
    scale = next(layer["encoding"]["color"]["scale"] for layer in spec["layer"]
                 if layer["mark"]["type"] == "rect" and "color" in layer["encoding"])
    assert scale["domain"] == [0.0, 1.0, 1.5] and scale["range"] == list(DIVERGING_RAMP)
    assert "orange below 100 %" in json.dumps(spec)
    logo = cohort_heatmap(cohorts).to_dict()
    assert "orange below" not in json.dumps(logo)


@pytest.mark.parametrize("value", [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0])
def test_heatmap_labels_are_readable_on_their_cells(value):
    from funnel_core.charts.cohorts import _ramp_colour

    for domain, ramp in (([0.0, 0.5, 1.0], HEATMAP_RAMP), ([0.0, 1.0, 1.5], DIVERGING_RAMP)):
        for v in (value, 1.0 + value / 2):
            rgb = _ramp_colour(v, domain, ramp)
            cell = "#" + "".join(f"{round(c * 255):02x}" for c in rgb)
            assert contrast(cell, cell_ink(v, domain, ramp)) >= 4.5, (v, cell)


def test_retention_curves_say_why_the_average_can_rise_and_keep_legends_below(cohorts):
    spec = retention_curves(cohorts).to_dict()
    assert any("reactivations" in line for line in spec["usermeta"]["words"]["subtitle"])
    legends = [layer["encoding"]["color"]["legend"] for layer in spec["layer"]
               if isinstance(layer.get("encoding", {}).get("color", {}).get("legend"), dict)]
    assert legends and all(legend["orient"] == "bottom" for legend in legends)
    assert "direction: 'vertical'" in spec["config"]["legend"]["layout"]["expr"]


# --- trends --------------------------------------------------------------------------------

def test_retention_axis_spans_at_least_ten_points():
    low, high = value_domain("fraction", [0.994, 1.0, 1.006], zero=False)
    assert high - low == pytest.approx(0.10) and low < 0.994 and high > 1.006
    assert value_domain("fraction", [0.5, 0.9], zero=False) == [0.5, 0.9]
    assert value_domain("fraction", [0.01, 0.02], zero=False) == [0.0, pytest.approx(0.10)]
    assert value_domain("fraction", [0.03, 0.05], zero=True) is None
    low, high = value_domain("points", [30, 32], zero=False)
    assert high - low == pytest.approx(20)
    assert value_domain("fraction", [float("nan")], zero=False) is None


def test_trend_chart_draws_no_text_over_the_data(periods):
    snapshots, trends = periods
    band = grid_bands(snapshots, ["net_revenue_retention"])["net_revenue_retention"]
    spec = trend_chart(trends["net_revenue_retention"], band).to_dict()
    assert not [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    words = " ".join(spec["usermeta"]["words"]["subtitle"])
    assert "Best:" in words and band.benchmark.label in words
    y = next(layer["encoding"]["y"] for layer in spec["layer"] if layer["mark"]["type"] == "line")
    low, high = y["scale"]["domain"]
    assert high - low >= 0.10 - 1e-9


def test_per_period_is_not_said_twice():
    assert per_period("Customer churn (monthly)", "month") == ""
    assert per_period("Customer churn (annualised)", "year") == ""
    assert per_period("Visitor to lead", "month") == " per month"
    assert per_period("CAC", "none") == ""


def test_small_multiples_cover_every_kpi_with_two_periods(periods):
    snapshots, trends = periods
    bands = grid_bands(snapshots, list(trends))
    grid = trend_grid(trends, bands)
    expected = [k for k, t in trends.items() if t.computable_count >= 2]
    assert [k for k, _ in grid] == expected and len(expected) > 10
    for kpi_id, spec in grid:
        text = json.dumps(spec, allow_nan=False)
        assert "NaN" not in text and spec["width"] == "container"
        assert spec["description"].startswith("Small line chart of")
        alt.LayerChart.from_dict(dict(spec, width=300))  # valid Vega-Lite
    churn = dict(grid)["customer_churn_rate"]
    assert any(layer["mark"]["type"] == "rule" for layer in churn["layer"])  # its benchmark
    single = snapshots[-1:]
    assert trend_grid(kpi_trends(kpi_history(single)), {}) == []


def test_small_trend_needs_two_values(periods):
    snapshots, trends = periods
    trend = kpi_trends(kpi_history([Snapshot({"visitors": 100, "leads": 5}, snapshots[0].context,
                                             label="2025-01")]))["visitor_to_lead_rate"]
    assert small_trend(trend) is None


# --- money ---------------------------------------------------------------------------------

def test_one_money_format_per_view():
    amounts = [6915.0, 647.0, 90.0]
    digits = money_digits(amounts)
    assert [format_value(a, "currency", digits=digits) for a in amounts] == ["$6,915", "$647", "$90"]
    assert money_digits([49.9, 12.0]) == 2 and money_digits([]) == 0
    assert money_digits([None, math.nan, 5.0]) == 2
