"""Charts in German, French and Polish: translated words, the language's number formats for
the numbers Vega formats itself (``config.locale``), English specs unchanged."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from funnel_core.benchmarks.compare import compare
from funnel_core.charts.catalog import chart_catalog
from funnel_core.charts.funnel import funnel_chart
from funnel_core.charts.mrr_bridge import mrr_bridge_chart
from funnel_core.charts.overview import overview_chart
from funnel_core.charts.quadrant import quadrant_chart
from funnel_core.charts.vega import currency_affixes, js_text, vega_locale
from funnel_core.domain.i18n import tr, use_language
from funnel_core.domain.model import Context, Snapshot

AS_OF = date(2026, 11, 23)
VALUES = dict(
    visitors=20000, leads=600, mqls=240, sqls=60, opportunities=30, new_customers=8,
    trial_users=400, trial_conversions=20,
    customers_start=200, customers_churned=14,
    mrr_start=100000, mrr_new=4000, mrr_expansion=3000, mrr_contraction=1000, mrr_churned=5000,
    sales_marketing_spend=60000, gross_margin=0.8,
    nps_promoters=50, nps_passives=30, nps_detractors=20,
)
LANGUAGES = ("de", "fr", "pl")
DECIMAL = {"de": ",", "fr": ",", "pl": ","}
THOUSANDS = {"de": ".", "fr": "\u00a0", "pl": "\u00a0"}
TITLES = {"de": "MRR-Brücke", "fr": "Pont de MRR", "pl": "Most MRR"}


@pytest.fixture(scope="module")
def report():
    return compare(Snapshot(VALUES, Context(currency="EUR")))


def spec_of(chart) -> dict:
    return chart.to_dict()


@pytest.mark.parametrize("language", LANGUAGES)
def test_titles_and_axis_titles_are_translated(report, language):
    with use_language(language):
        bridge = spec_of(mrr_bridge_chart(report, as_of=AS_OF))
        overview = spec_of(overview_chart(report, as_of=AS_OF))
        quadrant = spec_of(quadrant_chart(report, as_of=AS_OF))
        expected_gap = tr("Gap to the main benchmark, as a share of its figure")
        expected_payback = tr("CAC payback (months; shorter to the right)")
    assert bridge["title"]["text"] == TITLES[language]
    assert expected_gap != "Gap to the main benchmark, as a share of its figure"
    text = json.dumps(overview, ensure_ascii=False)
    assert expected_gap in text
    assert "Your KPIs against published benchmarks" not in text
    assert expected_payback in json.dumps(quadrant, ensure_ascii=False)
    assert "CAC payback (months; shorter to the right)" not in json.dumps(quadrant)
    # the step names of the bridge are the language's, in the data and in the x axis's order
    steps = [r["step"] for r in bridge["datasets"][next(iter(bridge["datasets"]))]]
    assert "Start" not in steps or language == "en"


@pytest.mark.parametrize("language", LANGUAGES)
def test_locale_in_config_with_the_languages_decimal_symbol(report, language):
    with use_language(language):
        specs = [spec_of(c.chart) for c in chart_catalog(report, as_of=AS_OF)]
    assert specs
    for spec in specs:
        locale = spec["config"]["locale"]
        assert locale["number"]["decimal"] == DECIMAL[language]
        assert locale["number"]["thousands"] == THOUSANDS[language]
        assert len(locale["time"]["months"]) == 12 and len(locale["time"]["days"]) == 7


def test_english_specs_have_no_locale(report):
    with use_language("en"):
        specs = [spec_of(c.chart) for c in chart_catalog(report, as_of=AS_OF)]
    assert vega_locale() is None
    for spec in specs:
        assert "locale" not in spec.get("config", {})


def test_locale_names_months_and_currency():
    locale = vega_locale("EUR", "de")
    assert locale["time"]["months"][2] == "März"
    assert locale["time"]["days"][0] == "Sonntag"  # d3 weeks start on Sunday
    assert locale["number"]["currency"] == ["", "\u00a0€"]
    assert vega_locale("USD", "fr")["number"]["decimal"] == ","
    assert currency_affixes("EUR", "en") == ("€", "")
    assert currency_affixes("PLN", "pl") == ("", "\u00a0zł")
    assert js_text("l'indice") == "'l\\'indice'"


def test_german_svg_shows_a_decimal_comma(report):
    vl_convert = pytest.importorskip("vl_convert")
    with use_language("de"):
        spec = spec_of(quadrant_chart(report, as_of=AS_OF))
    spec["vconcat"][0]["layer"][0]["encoding"]["y"]["axis"]["format"] = ".1%"
    svg = vl_convert.vegalite_to_svg(spec)
    labels = re.findall(r">([^<>]*\d[^<>]*)</text>", svg)
    # the y axis (NRR, a ".1%" d3 format) in German: "100,0 %", never "100.0%"
    assert any(re.fullmatch(r"\d+,\d\u00a0%", label) for label in labels), labels
    assert not any(re.fullmatch(r"\d+\.\d%", label) for label in labels), labels


def test_english_svg_keeps_the_decimal_point(report):
    vl_convert = pytest.importorskip("vl_convert")
    with use_language("en"):
        spec = spec_of(quadrant_chart(report, as_of=AS_OF))
    spec["vconcat"][0]["layer"][0]["encoding"]["y"]["axis"]["format"] = ".1%"
    svg = vl_convert.vegalite_to_svg(spec)
    labels = re.findall(r">([^<>]*\d[^<>]*)</text>", svg)
    assert any(re.fullmatch(r"\d+\.\d%", label) for label in labels), labels


@pytest.mark.parametrize("language", LANGUAGES)
def test_python_labels_follow_the_language(report, language):
    with use_language(language):
        spec = spec_of(funnel_chart(report, as_of=AS_OF))
    rows = spec["datasets"][next(iter(spec["datasets"]))]
    visitors = next(r["label"] for r in rows if r["count"] == 20000)
    assert visitors.startswith("20" + THOUSANDS[language] + "000")
