"""The header alias table: assets/header_aliases.csv is read once and checked row by row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from funnel_core.domain.constants import CONTEXT_FIELDS, FIELD_NAMES
from funnel_core.inputs.header_alias_table import (
    ALIAS_LANGUAGES,
    CONTEXT_KEY_ALIASES,
    FIELD_ALIASES,
    HEADER_ALIASES_FILE,
    HeaderAliasError,
    load_header_aliases,
)
from funnel_core.inputs.headers import match_context_key, match_header, name_language


def _table(tmp_path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    path = tmp_path / "aliases.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header or ["field", "language", "alias"])
        writer.writerows(rows)
    return path


def test_shipped_table_is_the_one_in_use() -> None:
    loaded = load_header_aliases()
    assert loaded.fields == FIELD_ALIASES
    assert loaded.context_keys == CONTEXT_KEY_ALIASES
    assert set(FIELD_ALIASES) <= set(FIELD_NAMES)
    assert set(CONTEXT_KEY_ALIASES) == set(CONTEXT_FIELDS)
    with HEADER_ALIASES_FILE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {row["language"] for row in rows} <= set(ALIAS_LANGUAGES)
    for row in rows:
        if row["field"] in FIELD_NAMES:
            assert match_header(row["alias"]) == row["field"], row
        else:
            assert match_context_key(row["alias"]) == row["field"], row


def test_rows_keep_file_order_and_languages(tmp_path: Path) -> None:
    path = _table(tmp_path, [
        ["leads", "any", "Leads"],
        ["leads", "de", "Interessenten"],
        [],
        ["leads", "en", "Inbound leads"],
        ["leads", "en", "Inbound-leads"],  # spelling variant of the same field: allowed
        ["currency", "pl", "Waluta"],
    ])
    loaded = load_header_aliases(path)
    assert loaded.fields == {"leads": {"any": ("Leads",), "de": ("Interessenten",),
                                       "en": ("Inbound leads", "Inbound-leads")}}
    assert list(loaded.fields["leads"]) == ["any", "de", "en"]
    assert loaded.context_keys == {"currency": {"pl": ("Waluta",)}}


@pytest.mark.parametrize(("rows", "row", "words"), [
    ([["leads", "en", "New leads"], ["lead_count", "en", "Lead count"]], 3,
     ["unknown field 'lead_count'"]),
    ([["leads", "english", "New leads"]], 2, ["unknown language 'english'", "en, de, fr, pl, any"]),
    ([["leads", "en", "New leads"], ["mqls", "de", "new-leads"]], 3,
     ["'new-leads' for 'mqls'", "an alias of 'leads' (row 2, 'New leads')"]),
    ([["mqls", "en", "Website visitors"]], 2, ["'Website visitors' for 'mqls'", "label of 'visitors'"]),
    ([["leads", "en", "Deal size"], ["acv_band", "en", "Deal size"]], 3,
     ["'Deal size' for 'acv_band'", "an alias of 'leads'"]),
    ([["leads", "en", "Currency"]], 2, ["the name of context key 'currency'"]),
    ([["leads", "en", "%"]], 2, ["'%' has no letters or digits"]),
    ([["leads", "en", "New leads", "extra"]], 2, ["expected 3 cells", "found 4"]),
])
def test_bad_rows_name_file_and_row(tmp_path: Path, rows, row, words) -> None:
    path = _table(tmp_path, rows)
    with pytest.raises(HeaderAliasError) as info:
        load_header_aliases(path)
    message = str(info.value)
    assert message.startswith(f"{path}, row {row}: "), message
    for word in words:
        assert word in message


def test_wrong_columns_and_missing_file(tmp_path: Path) -> None:
    path = _table(tmp_path, [["leads", "en", "New leads"]], header=["field", "alias"])
    with pytest.raises(HeaderAliasError, match=r"row 1: the columns must be field, language, alias"):
        load_header_aliases(path)
    with pytest.raises(HeaderAliasError, match="cannot read the alias table"):
        load_header_aliases(tmp_path / "missing.csv")


def test_first_listing_gives_the_language() -> None:
    # "Periode" (German) and "Période" (French) share one comparison key
    assert name_language("Période") == "de"
    assert name_language("Neukunden") == "de"


@pytest.mark.parametrize(("alias", "field", "language"), [
    ("Neuer MRR", "mrr_new", "de"), ("Neu-MRR", "mrr_new", "de"), ("Nouveau MRR", "mrr_new", "fr"),
    ("Nowy MRR", "mrr_new", "pl"),
    ("Reactivated customers", "customers_reactivated", None),  # the field's own label
    ("Won-back customers", "customers_reactivated", "en"),
    ("Reaktivierte Kunden", "customers_reactivated", "de"),
    ("Clients réactivés", "customers_reactivated", "fr"),
    ("Odzyskani klienci", "customers_reactivated", "pl"),
    ("Reactivated MRR", "mrr_reactivation", "en"), ("Reaktivierter MRR", "mrr_reactivation", "de"),
    ("MRR de réactivation", "mrr_reactivation", "fr"), ("MRR z reaktywacji", "mrr_reactivation", "pl"),
])
def test_common_german_french_and_polish_spellings_are_recognised(alias, field, language) -> None:
    assert match_header(alias) == field
    assert name_language(alias) == language


def test_every_field_with_aliases_has_german_french_and_polish_ones() -> None:
    listed = [name for name in FIELD_NAMES if name in FIELD_ALIASES]
    assert len(listed) >= 30
    for name in listed:
        languages = set(FIELD_ALIASES[name])
        assert {"de", "fr", "pl"} <= languages, (name, languages)


@pytest.mark.parametrize(("text", "expected"), [
    ("leeds", "leads"),
    ("Vistors", "visitors"),
    ("new custmers", "new_customers"),
    ("oportunities", "opportunities"),
    ("mrr churnd", "mrr_churned"),
    ("Leads", None),      # recognised already: nothing to suggest
    ("weather", None),    # like nothing
    ("", None),
    ("x", None),
])
def test_a_misspelt_name_gets_the_field_it_was_meant_to_be(text: str, expected: str | None) -> None:
    from funnel_core.inputs.headers import suggest_field

    assert suggest_field(text) == expected


@pytest.mark.parametrize("text", ["customers", "conversions"])
def test_a_name_between_two_fields_gets_no_suggestion(text: str) -> None:
    """'customers' is as close to new customers as to customers at start; 'conversions' nearly
    as close to trial conversions as to PQL conversions: no guess."""
    import difflib

    from funnel_core.inputs.headers import _FIELD_INDEX, SUGGESTION_CUTOFF, suggest_field

    close = {target for known, target in _FIELD_INDEX.items()
             if difflib.SequenceMatcher(None, text, known).ratio() >= SUGGESTION_CUTOFF}
    assert len(close) >= 2, close  # the case this test is about
    assert suggest_field(text) is None


def test_a_name_longer_than_any_known_one_is_not_compared() -> None:
    """Comparing is quadratic in the length: a long cell is not compared at all (checked with
    padding that the name's reading would otherwise strip)."""
    from funnel_core.inputs.headers import SUGGESTION_MAX_CHARS, suggest_field

    assert suggest_field("leeds ") == "leads"
    assert suggest_field("leeds" + " " * SUGGESTION_MAX_CHARS) is None
