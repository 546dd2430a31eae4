"""The benchmark comparison speaks the session's language: caveats, gaps, percentiles, notes,
focus and target texts, funnel stages and catalogue errors in German, French and Polish, with
numbers in the language's format; catalogue data (sources, labels, notes) stays as written, and
English stays exactly as it was."""

from __future__ import annotations

import dataclasses
import re

import pytest

from funnel_core.benchmarks.age import source_with_year, year_text
from funnel_core.benchmarks.catalogue import Benchmark, CatalogueError, load_catalogue_bytes, no_benchmark_text
from funnel_core.benchmarks.compare import compare, compare_one
from funnel_core.benchmarks.focus import focus_areas
from funnel_core.benchmarks.funnel import benchmark_funnel
from funnel_core.benchmarks.funnel_stages import FUNNEL_STAGES
from funnel_core.benchmarks.percentile import beyond_spread, ordinal, short_position
from funnel_core.benchmarks.caveats import is_noisy
from funnel_core.benchmarks.targets import find_targets
from funnel_core.domain.constants import ASSETS_DIR
from funnel_core.domain.i18n import catalogue, current_language, use_language
from funnel_core.inputs.loading import load_snapshot
from funnel_core.metrics.kpis import KPIS_BY_ID, KpiResult

LANGUAGES = ["de", "fr", "pl"]

#: One month of churn compounded to a year, per language.
NOISY = {
    "en": "one month compounded to a year: noisy",
    "de": "ein Monat auf ein Jahr hochgerechnet: unsicher",
    "fr": "un mois composé sur une année : peu fiable",
    "pl": "jeden miesiąc przeliczony na rok: niepewne",
}
#: Monthly churn of 6.0 % against a 3.0 % median: the gap in words.
GAP = {
    "en": "3.0 pp above the median",
    "de": "3,0 Pp. über dem Median",
    "fr": "3,0 pts au-dessus de la médiane",
    "pl": "3,0 p.p. powyżej mediany",
}
#: A gap in percentage points to the median or average, in the language's number format.
PP_GAP = {
    "en": r"^\d+\.\d+ pp (above|below) the (median|average)$",
    "de": r"^\d+,\d+ Pp\. (über|unter) dem (Median|Durchschnitt)$",
    "fr": r"^\d+,\d+ pts (au-dessus|en dessous) de la (médiane|moyenne)$",
    "pl": r"^\d+,\d+ p\.p\. (powyżej|poniżej) (mediany|średniej)$",
}
BETTER_THAN = {
    "en": r"^better than about \d+ % of companies in ",
    "de": r"^besser als etwa \d+\s% der Unternehmen in ",
    "fr": r"^meilleur qu’environ \d+\s% des entreprises de ",
    "pl": r"^lepiej niż ok\. \d+\s?% firm w ",
}


@pytest.fixture(autouse=True)
def _fresh_catalogues():
    catalogue.cache_clear()
    yield
    catalogue.cache_clear()


@pytest.fixture(scope="module")
def example():
    snapshot, _ = load_snapshot(ASSETS_DIR / "example_company.csv")
    return snapshot


def bench(**kw) -> Benchmark:
    fields = dict(
        id="b", kpi="customer_churn_rate", label="Etikett aus der Datei", statistic="median",
        low=None, median=0.03, high=None, unit="fraction", period="month", basis="test",
        segment="SaaS companies", acv_band=("any",), trial_type=("any",), motion=("any",),
        product_category=("any",), source="Test source", year=2024, sample="", url="", status="V",
        note="a note in English",
    )
    fields.update(kw)
    return Benchmark(**fields)


def churn(value: float) -> KpiResult:
    return KpiResult(KPIS_BY_ID["customer_churn_rate"], value, "month")


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_the_gap_to_a_single_figure_is_in_the_language_with_its_number_format(language: str) -> None:
    with use_language(language):
        comparison = compare_one(churn(0.06), bench())
    assert comparison.verdict == "worse"
    assert comparison.position == GAP[language]


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_the_example_company_gets_translated_caveats_and_gaps(language: str, example) -> None:
    with use_language(language):
        report = compare(example, current_year=2026)
        gross = report.get("gross_revenue_retention")
        noisy = [c for comp in gross.comparisons for c in comp.caveats if is_noisy(c)]
        positions = [c.position for item in report.kpis for c in item.comparisons if c.position]
        note = gross.verdict_note
    assert noisy and set(noisy) == {NOISY[language]}
    assert NOISY[language] in note
    assert any(re.match(PP_GAP[language], p) for p in positions), positions
    assert any(re.match(BETTER_THAN[language], p) for p in positions), positions
    # the sources' names stay as published, whatever the language
    assert any("Aleph x Benchmarkit (FY2025)" in p for p in positions)
    if language != "en":
        assert not any(" pp " in p or p.endswith(" the median") for p in positions)


def test_english_is_unchanged_after_another_language(example) -> None:
    before = compare(example, current_year=2026).to_dict()
    with use_language("de"):
        compare(example, current_year=2026)
    assert current_language() == "en"
    assert compare(example, current_year=2026).to_dict() == before


@pytest.mark.parametrize("language, expected", [
    ("en", ("below the 25th percentile", "below P25", "~68th percentile")),
    ("de", ("unter dem 25. Perzentil", "unter P25", "~68. Perzentil")),
    ("fr", ("en dessous du 25e centile", "en dessous de P25", "~68e centile")),
    ("pl", ("poniżej 25. percentyla", "poniżej P25", "~68. percentyl")),
])
def test_percentile_wording(language: str, expected: tuple[str, str, str]) -> None:
    quartiles = bench(kpi="cac_payback_months", statistic="quartiles", low=12, median=18, high=24,
                      unit="months", period="none", source="Aleph x Benchmarkit (FY2025)", year=2025)
    result = KpiResult(KPIS_BY_ID["cac_payback_months"], 30, "none")
    with use_language(language):
        comparison = compare_one(result, quartiles)
        text = comparison.position
        short = short_position(comparison.percentile_rank, text)
        ranked = short_position(68, None)
        beyond = beyond_spread(text)
    assert text.startswith(expected[0]) and text.endswith("Aleph x Benchmarkit (FY2025)")
    assert (short, ranked, beyond) == (expected[1], expected[2], True)


def test_ordinals_follow_the_language() -> None:
    assert [ordinal(n) for n in (1, 22, 75)] == ["1st", "22nd", "75th"]
    with use_language("de"):
        assert ordinal(75) == "75."
    with use_language("fr"):
        assert [ordinal(1), ordinal(75)] == ["1er", "75e"]


@pytest.mark.parametrize("language, margin", [
    ("en", "not comparable: the benchmark is margin-adjusted, your figure is not (add gross margin)"),
    ("de", "nicht vergleichbar: der Benchmark ist margenbereinigt, Ihre Zahl nicht (Bruttomarge ergänzen)"),
    ("fr", "non comparable : le benchmark est ajusté de la marge, votre chiffre ne l’est pas (ajoutez la marge brute)"),
    ("pl", "nieporównywalne: benchmark uwzględnia marżę, Twoja wartość nie (dodaj marżę brutto)"),
])
def test_not_comparable_reason(language: str, margin: str) -> None:
    payback = bench(kpi="cac_payback_months", median=18, unit="months", period="none",
                    basis="CAC / (new MRR x gross margin)")
    result = KpiResult(KPIS_BY_ID["cac_payback_months"], 20, "none")
    with use_language(language):
        comparison = compare_one(result, payback, margin_given=False)
    assert comparison.verdict is None and comparison.reason == margin


@pytest.mark.parametrize("language, dated, published, not_stated", [
    ("en", "2017, dated", "2022, published 2023", "Test source (year not stated)"),
    ("de", "2017, veraltet", "2022, veröffentlicht 2023", "Test source (Jahr nicht angegeben)"),
    ("fr", "2017, ancien", "2022, publié en 2023", "Test source (année non indiquée)"),
    ("pl", "2017, nieaktualne", "2022, opublikowano w 2023", "Test source (nie podano roku)"),
])
def test_age_wording(language: str, dated: str, published: str, not_stated: str) -> None:
    with use_language(language):
        assert year_text(bench(year=2017), 2026) == dated
        assert year_text(bench(year=2022, published=2023), 2026) == published
        assert source_with_year("Test source", bench(year=None)) == not_stated


@pytest.mark.parametrize("language, stages", [
    ("en", ["Visitors", "Leads", "MQLs"]),
    ("de", ["Besucher", "Leads", "MQLs"]),
    ("fr", ["Visiteurs", "Leads", "MQL"]),
    ("pl", ["Odwiedzający", "Leady", "MQL"]),
])
def test_funnel_stage_names(language: str, stages: list[str]) -> None:
    with use_language(language):
        assert [s.label for s in FUNNEL_STAGES[:3]] == stages
    assert FUNNEL_STAGES[0].label == "Visitors"


@pytest.mark.parametrize("language, start, per_month", [
    ("de", "Ausgangspunkt: Ihre 42.000 Besucher.", "zusätzliche Neukunden pro Monat"),
    ("fr", "Point de départ : vos 42\u00a0000 visiteurs.", "nouveaux clients supplémentaires par mois"),
    ("pl", "Punkt wyjścia: Twoi odwiedzający: 42\u00a0000.", "dodatkowych nowych klientów miesięcznie"),
])
def test_funnel_focus_and_targets_speak_the_language(language: str, start: str, per_month: str,
                                                      example) -> None:
    with use_language(language):
        report = compare(example, current_year=2026)
        steps = benchmark_funnel(report)
        areas = focus_areas(report)
        targets = find_targets(report)
    with use_language("en"):
        english = [a.arithmetic for a in focus_areas(compare(example, current_year=2026))]
    assert steps[0].note == start
    assert areas and any(per_month in a.arithmetic for a in areas)
    assert all(a.arithmetic != e for a, e in zip(areas, english))
    assert all(" extra new customers per " not in a.arithmetic for a in areas)
    assert targets and all("Worth " not in t.text and " instead of " not in t.text for t in targets)
    assert any(re.search(r"\d,\d", t.text) for t in targets)  # a decimal comma


@pytest.mark.parametrize("language, where, message", [
    ("en", "mine.csv, row 2, column 'kpi'", "'nope' is not a known KPI id; use one of: "),
    ("de", "mine.csv, Zeile 2, Spalte „kpi“", "'nope' ist keine bekannte KPI-ID; verwenden Sie eine von: "),
    ("fr", "mine.csv, ligne 2, colonne « kpi »", "'nope' n'est pas un identifiant de KPI connu ; utilisez l'un de : "),
    ("pl", "mine.csv, wiersz 2, kolumna „kpi”", "'nope' to nieznany identyfikator KPI; użyj jednego z: "),
])
def test_a_users_catalogue_is_checked_in_the_language(language: str, where: str, message: str) -> None:
    header = ("id,kpi,label,statistic,low,median,high,unit,period,basis,segment,acv_band,trial_type,"
              "motion,product_category,source,year,sample,url,status,note")
    row = "x,nope,Mein Etikett,median,,0.05,,fraction,none,b,s,any,any,any,any,Quelle,2024,,,V,"
    with use_language(language):
        with pytest.raises(CatalogueError) as info:
            load_catalogue_bytes(f"{header}\n{row}\n".encode(), "mine.csv")
        text = str(info.value)
    assert text.startswith(f"{where}: {message}")
    assert "visitor_to_lead_rate" in text  # the allowed ids stay ids


@pytest.mark.parametrize("language, expected", [
    ("en", "no published benchmark in our catalogue"),
    ("de", "kein veröffentlichter Benchmark in unserem Katalog"),
    ("fr", "aucun benchmark publié dans notre catalogue"),
    ("pl", "brak opublikowanego benchmarku w naszym katalogu"),
])
def test_no_benchmark_text(language: str, expected: str) -> None:
    with use_language(language):
        assert no_benchmark_text("gross_margin", [bench()]) == expected


def test_catalogue_data_is_not_translated() -> None:
    row = bench(note="a note in English", label="Etikett aus der Datei")
    with use_language("de"):
        comparison = compare_one(churn(0.06), row)
        data = comparison.to_dict(2026)
    assert (data["note"], data["label"], data["source"], data["segment"]) == (
        "a note in English", "Etikett aus der Datei", "Test source", "SaaS companies")
    assert data["position"] == GAP["de"]
    assert dataclasses.asdict(row) == dataclasses.asdict(bench(note="a note in English",
                                                              label="Etikett aus der Datei"))
