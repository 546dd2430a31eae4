"""KPIs, inputs, verdicts and the reasons a KPI is not computable, in German, French and Polish;
English stays word for word as it was."""

from __future__ import annotations

import pickle

import pytest

from funnel_core.domain.constants import (FIELDS_BY_NAME, PERIOD_LABELS, STAGES, TRIAL_TYPES, VERDICT_LABELS,
                                          Labels)
from funnel_core.domain.i18n import catalogue, use_language
from funnel_core.domain.model import Context, Snapshot, SnapshotError
from funnel_core.metrics.kpi_trends import Change, change_text
from funnel_core.metrics.kpis import KPIS, KPIS_BY_ID, compute_kpi
from funnel_core.metrics.levers import lower
from funnel_core.metrics.projection import ASSUMPTION, project

LANGUAGES = ["de", "fr", "pl"]

KPI_LABEL = {
    "de": "Kundenabwanderung (monatlich)",
    "fr": "Attrition des clients (mensuelle)",
    "pl": "Rezygnacja klientów (miesięczna)",
}
BETTER = {"de": "Besser", "fr": "Meilleur", "pl": "Lepiej"}
NOT_COMPARABLE = {"de": "Nicht vergleichbar", "fr": "Non comparable", "pl": "Nieporównywalne"}
VISITORS = {"de": "Website-Besucher", "fr": "Visiteurs du site web", "pl": "Odwiedzający stronę"}
ZERO = {"de": "ist null", "fr": "vaut zéro", "pl": "wynosi zero"}
MISSING = {"de": "fehlende Eingabe", "fr": "valeur manquante", "pl": "brak danych"}


def _result(kpi: str, **values: float):
    return compute_kpi(KPIS_BY_ID[kpi], Snapshot(values))


def test_english_is_unchanged() -> None:
    spec = KPIS_BY_ID["customer_churn_rate"]
    assert spec.label == "Customer churn (monthly)"
    assert spec.formula.startswith("churned customers / customers at start, per month")
    assert spec.description == "Share of paying accounts lost per month."
    assert VERDICT_LABELS["better"] == "Better" and VERDICT_LABELS["in_line"] == "In line"
    assert dict(VERDICT_LABELS) == {"better": "Better", "in_line": "In line", "worse": "Worse",
                                    "not_comparable": "Not comparable"}
    assert FIELDS_BY_NAME["visitors"].label == "Website visitors"
    assert _result("visitor_to_lead_rate", leads=10, visitors=0).reason == (
        "Website visitors is zero, so the ratio is not defined")
    assert _result("customer_churn_rate", customers_churned=0, customers_start=0).reason == (
        "Customers at start is zero, so churn is not defined")
    assert _result("visitor_to_lead_rate", leads=10).reason == "missing input: Website visitors (visitors)"
    assert _result("arr", mrr_start=1000, mrr_new=100).calculation.startswith("MRR at end 1,100 x 12 = 13,200")
    assert project(Snapshot({"mrr_start": 1000, "mrr_new": 100})).assumption == ASSUMPTION
    assert lower("New MRR") == "new MRR"


@pytest.mark.parametrize("language", LANGUAGES)
def test_kpi_label_formula_and_description_are_translated(language: str) -> None:
    spec = KPIS_BY_ID["customer_churn_rate"]
    with use_language(language):
        assert spec.label == KPI_LABEL[language]
        assert spec.formula != spec.formula_en and spec.description != spec.description_en
        assert _result("customer_churn_rate", customers_churned=5, customers_start=100).to_dict()["label"] == (
            KPI_LABEL[language])
    # every KPI's name, formula and description has a translation (CAC may read the same)
    book = catalogue(language).messages
    assert not [k.id for k in KPIS if not {k.label_en, k.formula_en, k.description_en} <= set(book)]
    assert spec.label == "Customer churn (monthly)"


@pytest.mark.parametrize("language", LANGUAGES)
def test_verdict_labels_are_translated(language: str) -> None:
    with use_language(language):
        assert VERDICT_LABELS["better"] == BETTER[language]
        assert VERDICT_LABELS.get("not_comparable") == NOT_COMPARABLE[language]
        assert dict(VERDICT_LABELS)["better"] == BETTER[language]
        assert {**VERDICT_LABELS}["better"] == BETTER[language]
        assert VERDICT_LABELS.get("nothing", "-") == "-"
    assert VERDICT_LABELS["better"] == "Better"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_not_computable_reason_names_the_input_by_its_translated_label(language: str) -> None:
    with use_language(language):
        zero = _result("visitor_to_lead_rate", leads=10, visitors=0)
        missing = _result("visitor_to_lead_rate", leads=10)
        churn = _result("customer_churn_rate", customers_churned=0, customers_start=0)
    assert zero.value is None and VISITORS[language] in zero.reason and ZERO[language] in zero.reason
    assert "is zero" not in zero.reason
    assert missing.reason.startswith(MISSING[language]) and VISITORS[language] in missing.reason
    assert ZERO[language] in churn.reason and "Customers at start" not in churn.reason


@pytest.mark.parametrize("language", LANGUAGES)
def test_contradictions_and_input_errors_are_translated(language: str) -> None:
    with use_language(language):
        result = _result("customer_churn_rate", customers_churned=250, customers_start=200)
        churned = FIELDS_BY_NAME["customers_churned"].label
        with pytest.raises(SnapshotError) as error:
            Snapshot({"visitors": -1})
    assert result.value is None and churned in result.reason and "which cannot be" not in result.reason
    assert VISITORS[language] in str(error.value) and "cannot be negative" not in str(error.value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_calculations_and_notes_follow_the_language(language: str) -> None:
    snapshot = Snapshot({"mrr_start": 1000, "mrr_new": 100, "mrr_churned": 10, "mrr_contraction": 0},
                        Context(period="quarter"))
    with use_language(language):
        retention = compute_kpi(KPIS_BY_ID["gross_revenue_retention"], snapshot)
        projection = project(snapshot)
        assert projection.assumption != ASSUMPTION
        assert all("Your numbers cover" not in note for note in projection.notes)
    assert "per quarter" not in retention.calculation
    assert projection.notes and "Not given" not in " ".join(projection.notes)


@pytest.mark.parametrize("language", LANGUAGES)
def test_field_and_context_labels_are_translated(language: str) -> None:
    spec = FIELDS_BY_NAME["visitors"]
    with use_language(language):
        assert spec.label == VISITORS[language] and spec.help != spec.help_en
        assert STAGES["acquisition"] != "Acquisition & sales funnel"
        assert PERIOD_LABELS["month"] != "Month"
        assert list(TRIAL_TYPES) == ["no_card", "card_required", "freemium", "none"]
        assert "no_card" in TRIAL_TYPES and TRIAL_TYPES.english["no_card"] == "Free trial, no credit card (opt-in)"
    assert spec.label == "Website visitors"


def test_labels_pickle_and_compare_like_dicts() -> None:
    assert pickle.loads(pickle.dumps(VERDICT_LABELS)) == VERDICT_LABELS
    assert Labels({"a": "A"}) == {"a": "A"} and len(STAGES) == 6


def test_german_keeps_capitals_inside_sentences() -> None:
    with use_language("de"):
        assert lower("Neuer MRR") == "Neuer MRR"
    with use_language("fr"):
        assert lower("Nouveau MRR") == "nouveau MRR"


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "+1.5 pp (+25.0 %), better"),
    ("de", "+1,5 Pp. (+25,0\u00a0%), besser"),
])
def test_change_text_follows_the_language(language: str, expected: str) -> None:
    change = Change(against="2025-01", absolute=0.015, relative=0.25, improved=True)
    with use_language(language):
        assert change_text(change, "fraction", verdict=True) == expected
