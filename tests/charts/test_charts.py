"""funnel_core.charts: valid Vega-Lite specs, sources named, no NaN, good always on the right."""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path

import altair as alt
import pytest

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.charts.bullets import bullet_chart, bullet_charts
from funnel_core.charts.catalog import NamedChart, chart_catalog
from funnel_core.charts.focus import focus_chart
from funnel_core.charts.funnel import funnel_chart
from funnel_core.charts.mrr_bridge import mrr_bridge_chart
from funnel_core.charts.overview import overview_chart
from funnel_core.charts.theme import THEME_PATH, ThemeError, load_theme
from funnel_core.benchmarks.compare import compare
from funnel_core.domain.model import Context, Snapshot

AS_OF = date(2026, 11, 23)


def bm(kpi: str, *, median=None, low=None, high=None, statistic="median", period="none",
       unit="fraction", source="Test source", segment="Test segment", status="S", year=2024,
       id=None, label=None) -> Benchmark:
    return Benchmark(
        id=id or f"{kpi}_{statistic}_{source}_{period}".replace(" ", "_"), kpi=kpi,
        label=label or f"{source}, {kpi}", statistic=statistic, low=low, median=median, high=high,
        unit=unit, period=period, basis="test", segment=segment, acv_band=("any",),
        trial_type=("any",), motion=("any",), product_category=("any",), source=source,
        year=year, sample="", url="", status=status, note="",
    )


CATALOGUE = [
    bm("visitor_to_lead_rate", median=0.07, statistic="average", source="Capterra research",
       status="U", year=None),
    bm("lead_to_mql_rate", low=0.3, high=0.5, statistic="range", source="Range Source"),
    bm("opportunity_win_rate", median=0.29, statistic="average", source="HubSpot sales survey (2023)",
       year=2023),
    bm("trial_to_paid_rate", low=0.01, median=0.04, high=0.12, statistic="quartiles",
       source="Redpoint", status="V"),
    bm("customer_churn_rate", median=0.0479, statistic="average", period="month", source="Recurly"),
    bm("customer_churn_rate", high=0.03, statistic="threshold", period="month",
       source="SaaStr / Bessemer", segment="SMB, ACV < $12K"),
    bm("customer_churn_rate", median=0.10, period="year", source="Pacific Crest",
       segment="SaaS companies"),
    bm("net_revenue_retention", low=0.9, high=1.1, statistic="good_great", period="year",
       source="Rachitsky & Winters"),
    bm("quick_ratio", low=4.0, statistic="threshold", unit="ratio", source="Social Capital"),
    bm("cac_payback_months", low=6, median=16, high=24, statistic="quartiles", unit="months",
       source="Aleph x Benchmarkit"),
    bm("nps", low=31, median=36, high=41, statistic="average", unit="points", source="Vendors",
       status="U"),
]

VALUES = dict(
    visitors=20000, leads=600, mqls=240, sqls=60, opportunities=30, new_customers=8,
    trial_users=400, trial_conversions=20,
    customers_start=200, customers_churned=14,
    mrr_start=100000, mrr_new=4000, mrr_expansion=3000, mrr_contraction=1000, mrr_churned=5000,
    sales_marketing_spend=60000, gross_margin=0.8,
    nps_promoters=50, nps_passives=30, nps_detractors=20,
)


@pytest.fixture(scope="module")
def report():
    return compare(Snapshot(VALUES, Context(), label='2025-06 <b>"Q"</b>'), catalogue=CATALOGUE)


@pytest.fixture(scope="module")
def shipped_report():
    return compare(Snapshot(VALUES, Context(currency="EUR")))


# --- helpers -----------------------------------------------------------------------------------

def walk_numbers(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from walk_numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from walk_numbers(v)
    elif isinstance(obj, float):
        yield obj


def assert_clean(chart) -> dict:
    """Valid spec (to_dict validates), no NaN/inf anywhere in the data, strict JSON."""
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec.get("datasets"), "chart has no inline data"
    for name, rows in spec["datasets"].items():
        for x in walk_numbers(rows):
            assert math.isfinite(x), f"{name}: {x}"
        for row in rows:
            for value in row.values():
                assert isinstance(value, (str, int, float, bool)), row   # no null either
    json.loads(json.dumps(spec, allow_nan=False))  # strict JSON: raises on NaN/inf
    return spec


def dumps(spec) -> str:
    return json.dumps(spec, ensure_ascii=False)


def text_of(chart) -> str:
    return chart.to_json()


def scales(spec, channel="x"):
    """Every scale dict set on ``channel`` anywhere in the spec."""
    found = []

    def visit(node):
        if isinstance(node, dict):
            enc = node.get("encoding")
            if isinstance(enc, dict) and isinstance(enc.get(channel), dict) and "scale" in enc[channel]:
                found.append(enc[channel]["scale"])
            for v in node.values():
                visit(v)
        elif isinstance(node, list):
            for v in node:
                visit(v)

    visit(spec)
    return found


# --- theme ---------------------------------------------------------------------------------------

def test_shipped_theme_is_valid():
    theme = load_theme()
    assert theme.width == 640
    assert len({theme.shapes[k] for k in ("better", "in_line", "worse")}) == 3
    assert all(re.match(r"^#[0-9A-Fa-f]{6}$", c) for c in theme.colors.values())


@pytest.mark.parametrize("change, key", [
    (lambda t: t["colors"].__setitem__("better", "blue"), "colors.better"),
    (lambda t: t["colors"].pop("worse"), "colors.worse"),
    (lambda t: t["shapes"].__setitem__("worse", "hexagon"), "shapes.worse"),
    (lambda t: t.__setitem__("width", "640"), "width"),
    (lambda t: t["font_sizes"].__setitem__("title", 0), "font_sizes.title"),
    (lambda t: t.pop("font"), "font"),
    (lambda t: t.pop("colors"), "colors"),
])
def test_bad_theme_fails_naming_the_key(tmp_path: Path, change, key):
    data = json.loads(THEME_PATH.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "theme.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ThemeError, match=re.escape(f"'{key}'")):
        load_theme(path)


def test_theme_not_json_or_missing(tmp_path: Path):
    path = tmp_path / "theme.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ThemeError, match="not valid JSON"):
        load_theme(path)
    with pytest.raises(ThemeError, match="cannot read"):
        load_theme(tmp_path / "missing.json")


# --- overview ------------------------------------------------------------------------------------

def test_overview_valid_sourced_and_clean(report):
    chart = overview_chart(report, as_of=AS_OF)
    assert isinstance(chart, alt.TopLevelMixin)
    spec = assert_clean(chart)
    text = text_of(chart)
    # churn's main benchmark is Pacific Crest's median (a median before Recurly's average); trial
    # to paid 5 % against Redpoint's 1 / 4 / 12 % is about the 53rd percentile (50 + 1/8 x 25)
    for needle in ("Capterra research", "HubSpot sales survey (2023)", "Pacific Crest", "Redpoint",
                   "as of 2026-11-23", "status U", "better than the benchmark",
                   "3.0 % vs 7 % average", "~53rd percentile", "One row per KPI"):
        assert needle in text, needle
    assert "Recurly" not in text  # one row per KPI: only the main benchmark is drawn
    assert spec["config"]["background"] == "#FFFFFF"


def test_overview_puts_good_on_the_right(report):
    spec = overview_chart(report, as_of=AS_OF).to_dict()
    rows = {r["kpi"]: r for rows in spec["datasets"].values() for r in rows if "x" in r and "kpi" in r}
    # the scale: the gap as a share of the main benchmark's figure, better to the right
    # visitor -> lead 3 % vs 7 % (higher is better): 4/7 below the figure, worse, left of its band
    v2l = rows["Visitor to lead"]
    assert v2l["x"] == pytest.approx(-4 / 7) and v2l["x"] < v2l["band_lo"]
    assert v2l["verdict"] == "Worse"
    # customer churn 7 % a month = 58 % a year (lower is better) vs Pacific Crest's 10 % a year:
    # worse, far off the scale: drawn at the left edge, labelled with its value
    churn = rows["Customer churn (monthly)"]
    assert churn["x"] == -1.0 and churn["edge"].startswith("◄ −4")
    assert churn["verdict"] == "Worse" and "off the scale" in churn["note"]
    # opportunity win rate 26.7 % vs 29 % average: in line, inside its band (+-15 %)
    win = rows["Opportunity win rate"]
    assert win["band_lo"] <= win["x"] <= win["band_hi"]
    assert win["band_lo"] == pytest.approx(-0.15, abs=0.005)  # 29 % +- 15 %, rounded
    # NPS +30 vs 31-41 (median 36): a point below a higher-is-better band is left of it
    nps = rows["Net Promoter Score"]
    assert nps["x"] == pytest.approx(-6 / 36) and nps["x"] < nps["band_lo"] < 0
    # tooltips carry provenance
    churn = rows["Customer churn (monthly)"]
    assert {"source", "segment", "period", "status", "year"} <= set(churn)


def test_overview_none_without_benchmarks():
    r = compare(Snapshot(dict(visitors=100, leads=5), Context()), catalogue=[])
    assert overview_chart(r, as_of=AS_OF) is None


def test_overview_renders_to_png(report):
    import vl_convert as vlc
    png = vlc.vegalite_to_png(overview_chart(report, as_of=AS_OF).to_json(), scale=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


# --- bullet charts -----------------------------------------------------------------------------

def test_bullet_chart_lower_is_better_is_reversed(report):
    churn = report.get("customer_churn_rate")
    spec = assert_clean(bullet_chart(churn, as_of=AS_OF))
    assert scales(spec) and all(s.get("reverse") is True for s in scales(spec) if "domain" in s)
    text = dumps(spec)
    assert "← worse · better →" in text and "per year" in text and "as of 2026-11-23" in text
    recurly = next(c for c in churn.comparisons if c.benchmark.source == "Recurly")
    assert "per month" in dumps(assert_clean(bullet_chart(churn, recurly, as_of=AS_OF)))


def test_bullet_chart_higher_is_better_is_not_reversed(report):
    spec = assert_clean(bullet_chart(report.get("trial_to_paid_rate"), as_of=AS_OF))
    assert scales(spec) and all(s.get("reverse") is False for s in scales(spec) if "domain" in s)
    text = dumps(spec)
    assert "Redpoint" in text and "P25" in text and "median 4.0 %" in text


def test_bullet_chart_uses_the_value_in_the_benchmarks_period(report):
    churn = report.get("customer_churn_rate")
    annual = next(c for c in churn.comparisons if c.benchmark.period == "year")
    spec = assert_clean(bullet_chart(churn, annual, as_of=AS_OF))
    users = [r["x"] for rows in spec["datasets"].values() for r in rows if r.get("what") == "You"]
    assert users == [pytest.approx(1 - (1 - 0.07) ** 12)]
    assert "Pacific Crest" in dumps(spec) and "compounding" in dumps(spec)


def test_bullet_chart_without_benchmark_raises():
    r = compare(Snapshot(dict(visitors=100, leads=5), Context()), catalogue=[])
    with pytest.raises(ValueError, match="Visitor to lead"):
        bullet_chart(r.get("visitor_to_lead_rate"))


def test_bullet_charts_show_every_source(report):
    churn = report.get("customer_churn_rate")
    chart = bullet_charts(churn, as_of=AS_OF)
    spec = assert_clean(chart)
    text = dumps(spec)
    for source in ("Recurly", "SaaStr / Bessemer", "Pacific Crest", "SMB, ACV < $12K", "SaaS companies"):
        assert source in text, source
    # one panel per period (month, year), each with good on the right
    assert len(spec["vconcat"][0]["vconcat"]) == 2
    assert all(s.get("reverse") is True for s in scales(spec) if "domain" in s)


@pytest.mark.parametrize("kpi", ["quick_ratio", "cac_payback_months", "nps", "net_revenue_retention"])
def test_bullet_charts_units(report, kpi):
    spec = assert_clean(bullet_charts(report.get(kpi), as_of=AS_OF))
    text = dumps(spec)
    expected = {"quick_ratio": "'x'", "cac_payback_months": "months", "nps": "points",
                "net_revenue_retention": ".0%"}[kpi]
    assert expected in text
    reverse = {"cac_payback_months": True}.get(kpi, False)
    assert all(s.get("reverse") is reverse for s in scales(spec) if "domain" in s)


# --- funnel --------------------------------------------------------------------------------------

def test_funnel_chart(report):
    chart = funnel_chart(report, as_of=AS_OF)
    spec = assert_clean(chart)
    text = dumps(spec)
    assert "(no benchmark)" in text           # MQL -> SQL and SQL -> opportunity have none
    assert "Capterra research" in text and "HubSpot" in text
    assert any(s.get("type") == "log" for s in scales(spec))
    counts = [r["count"] for rows in spec["datasets"].values() for r in rows if "count" in r]
    assert 1400 in [round(c) for c in counts]   # 20,000 visitors x 7 %


def test_funnel_chart_zero_counts_have_no_nan():
    r = compare(Snapshot(dict(visitors=100, leads=0, mqls=0), Context()), catalogue=CATALOGUE)
    spec = assert_clean(funnel_chart(r, as_of=AS_OF))
    assert any(s.get("type") == "symlog" for s in scales(spec))
    zero = compare(Snapshot(dict(visitors=0, leads=0, mqls=0), Context()), catalogue=CATALOGUE)
    assert funnel_chart(zero) is None


def test_funnel_chart_none_without_a_funnel():
    r = compare(Snapshot(dict(visitors=100), Context()), catalogue=CATALOGUE)
    assert funnel_chart(r) is None


# --- MRR bridge ----------------------------------------------------------------------------------

def test_mrr_bridge(report):
    spec = assert_clean(mrr_bridge_chart(report, as_of=AS_OF))
    text = dumps(spec)
    assert "'$'" in text and "$100,000" in text and "$101,000" in text and "−$5,000" in text
    steps = [r["step"] for rows in spec["datasets"].values() for r in rows if "step" in r]
    assert steps == ["Start", "New", "Expansion", "Contraction", "Churned", "End"]


def test_mrr_bridge_currency_and_none():
    eur = compare(Snapshot(dict(mrr_start=1000, mrr_new=100), Context(currency="EUR")), catalogue=[])
    text = dumps(assert_clean(mrr_bridge_chart(eur, as_of=AS_OF)))
    assert "€1,100" in text and "'€'" in text and "taken as 0" in text
    pln = compare(Snapshot(dict(mrr_start=1000, mrr_churned=100), Context(currency="PLN")), catalogue=[])
    assert "zł" in dumps(assert_clean(mrr_bridge_chart(pln, as_of=AS_OF)))
    none = compare(Snapshot(dict(visitors=10, leads=1), Context()), catalogue=[])
    assert mrr_bridge_chart(none) is None


@pytest.mark.parametrize(("values", "labels"), [
    # not given, taken as 0: whole dollars like the rest, and no sign on nothing
    (dict(mrr_start=88000, mrr_new=5600, mrr_churned=2300), ["$88,000", "+$5,600", "$0", "$0", "−$2,300", "$91,300"]),
    (dict(mrr_start=1000, mrr_new=100.4, mrr_expansion=0, mrr_churned=20.25),
     ["$1,000", "+$100", "$0", "$0", "−$20", "$1,080"]),
    # every amount below 100: the cents stay
    (dict(mrr_start=50, mrr_new=12.5), ["$50.00", "+$12.50", "$0.00", "$0.00", "$0.00", "$62.50"]),
])
def test_mrr_bridge_labels_use_one_money_format(values, labels):
    spec = mrr_bridge_chart(compare(Snapshot(values, Context()), catalogue=[]), as_of=AS_OF).to_dict()
    shown = [r["label"] for rows in spec["datasets"].values() for r in rows if "step" in r]
    assert shown == labels


# --- focus ---------------------------------------------------------------------------------------

def test_focus_chart(report):
    spec = assert_clean(focus_chart(report, as_of=AS_OF))
    text = dumps(spec)
    assert "Extra MRR per month" in text and "Capterra research" in text
    rows = [r for rows in spec["datasets"].values() for r in rows if "arithmetic" in r]
    assert rows and all("x ARPA" in r["arithmetic"] for r in rows)
    values = [r["value"] for r in rows]
    assert values == sorted(values, reverse=True)


def test_focus_chart_none_when_nothing_is_worse():
    r = compare(Snapshot(dict(visitors=1000, leads=100, new_customers=5), Context()),
                catalogue=[bm("visitor_to_lead_rate", median=0.07)])
    assert focus_chart(r) is None


# --- catalogue of charts -------------------------------------------------------------------------

def test_chart_catalog(report):
    named = chart_catalog(report, as_of=AS_OF)
    names = [n.name for n in named]
    assert names[:4] == ["overview", "funnel", "focus", "mrr-bridge"]
    assert "bullet-customer_churn_rate" in names and "bullet-quick_ratio" in names
    assert len(names) == len(set(names))
    for n in named:
        assert isinstance(n, NamedChart) and n.title
        assert re.fullmatch(r"[a-z0-9_\-]+", n.name)
        assert "as of 2026-11-23" in dumps(assert_clean(n.chart))


def test_chart_catalog_on_shipped_catalogue(shipped_report):
    named = chart_catalog(shipped_report, as_of=AS_OF)
    assert {"overview", "funnel", "mrr-bridge"} <= {n.name for n in named}
    for n in named:
        spec = assert_clean(n.chart)
        if n.name.startswith("bullet-") or n.name == "overview":
            assert "Sources:" in dumps(spec)
    bridge = next(n for n in named if n.name == "mrr-bridge").chart
    assert "€" in dumps(bridge.to_dict(validate=False))


def test_user_text_is_data_not_markup(report):
    # the snapshot label (user text) stays a plain string in the spec
    text = mrr_bridge_chart(report, as_of=AS_OF).to_json()
    assert '2025-06 <b>\\"Q\\"</b>' in text


# --- one data set, padding, verdict glyphs, clipping, speed ---------------------------------------

def nested_data(node, top=True):
    """Every ``data`` property below the top level of a spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "data" and not top:
                yield value
            elif key != "datasets":
                yield from nested_data(value, top=False)
    elif isinstance(node, list):
        for value in node:
            yield from nested_data(value, top=False)


def test_every_chart_has_one_data_set_given_once_at_the_top(report):
    for n in chart_catalog(report, as_of=AS_OF):
        spec = n.chart.to_dict(validate=False)
        assert len(spec["datasets"]) == 1, n.name
        assert set(spec["data"]) == {"name"} and spec["data"]["name"] in spec["datasets"], n.name
        assert list(nested_data(spec)) == [], n.name   # layers share the top-level rows


def test_padding_is_a_per_side_dict(report):
    # Streamlit's chart element cannot take a single number (pages/_ui.py need not convert it)
    for n in chart_catalog(report, as_of=AS_OF):
        assert n.chart.padding == {"left": 16, "right": 16, "top": 16, "bottom": 16}, n.name
        assert n.chart.to_dict(validate=False)["padding"] == n.chart.padding


def test_in_line_glyph_and_shape_match_the_app(report):
    # the results table and the app show ▲ better, ● in line, ▼ worse
    theme = load_theme()
    assert theme.shapes["in_line"] == "circle"
    assert theme.shapes["none"] not in {theme.shapes[v] for v in ("better", "in_line", "worse")}
    overview = dumps(overview_chart(report, as_of=AS_OF).to_dict(validate=False))
    assert "◊" not in overview and "diamond" not in overview
    spec = bullet_chart(report.get("opportunity_win_rate"), as_of=AS_OF).to_dict(validate=False)
    labels = [r["label"] for rows in spec["datasets"].values() for r in rows if r.get("what") == "You"]
    assert labels == ["● You: 26.7 % · in line"]


def mark_specs(node):
    if isinstance(node, dict):
        if isinstance(node.get("mark"), dict):
            yield node
        for value in node.values():
            yield from mark_specs(value)
    elif isinstance(node, list):
        for value in node:
            yield from mark_specs(value)


def test_bullet_bands_are_clipped_and_inside_the_domain(report):
    # a value next to a single figure used to narrow the axis so far that the ±10 % band drew
    # thousands of pixels outside the plot
    item = report.get("visitor_to_lead_rate")
    close = compare(Snapshot(dict(visitors=100000, leads=7001), Context()),
                    catalogue=CATALOGUE).get("visitor_to_lead_rate")
    for chart in (bullet_chart(close, as_of=AS_OF), bullet_chart(item, as_of=AS_OF),
                  bullet_charts(report.get("customer_churn_rate"), as_of=AS_OF)):
        spec = chart.to_dict(validate=False)
        bands = [m for m in mark_specs(spec) if m["mark"]["type"] in ("rect", "bar")]
        assert bands and all(m["mark"].get("clip") is True for m in bands)
    spec = bullet_chart(close, as_of=AS_OF).to_dict(validate=False)
    band = next(r for rows in spec["datasets"].values() for r in rows if r.get("part") == "band")
    low, high = scales(spec)[0]["domain"]
    assert low <= band["lo"] and band["hi"] <= high


def test_png_width_stays_the_theme_width(report):
    import vl_convert as vlc
    close = compare(Snapshot(dict(visitors=100000, leads=7001), Context()),
                    catalogue=CATALOGUE).get("visitor_to_lead_rate")
    png = vlc.vegalite_to_png(bullet_chart(close, as_of=AS_OF).to_json(), scale=1)
    width = int.from_bytes(png[16:20], "big")
    assert width <= load_theme().width + 40

