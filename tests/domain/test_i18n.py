"""Languages: every English message has a translation in DE, FR and PL with the same
placeholders; the language is per context; numbers follow the language's format."""

from __future__ import annotations

from pathlib import Path

import pytest

from funnel_core.domain import i18n
from funnel_core.domain.formatting import format_number, format_value
from funnel_core.domain.i18n import (catalogue, current_language, keep_language, language_from_header,
                                     normalise_language,
                                     placeholders, tr, tr_n, use_language)
from funnel_core.domain.i18n_source import gaps, po_stub, source_messages

ROOT = Path(__file__).resolve().parents[2]
NBSP = "\u00a0"


def test_the_source_has_messages_to_translate() -> None:
    messages = {m.id for m in source_messages(ROOT)}
    assert "{value} months" in messages and "n/a" in messages


@pytest.mark.parametrize("language", ["de", "fr", "pl"])
def test_every_english_message_is_translated_with_the_same_placeholders(language: str) -> None:
    found = gaps(ROOT, (language,))
    listing = "\n".join(f"{g.problem}: {g.message.id!r} at {g.message.locations[0]}" for g in found[:40])
    assert not found, (f"{len(found)} messages of {language} are missing or differ "
                       f"(python dev.py i18n {language} lists them):\n{listing}")


@pytest.mark.parametrize("language", ["de", "fr", "pl"])
def test_no_translation_was_rejected_for_its_placeholders(language: str) -> None:
    catalogue.cache_clear()
    assert catalogue(language).rejected == ()


def test_a_translation_with_other_placeholders_is_rejected(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "de"
    folder.mkdir()
    (folder / "x.po").write_text('msgid "{n} files"\nmsgstr "{anzahl} Dateien"\n\n'
                                 'msgid "Hello"\nmsgstr "Hallo"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    catalogue.cache_clear()
    try:
        book = catalogue("de")
        assert book.rejected == ("{n} files",)
        with use_language("de"):
            assert tr("Hello") == "Hallo"
            assert tr("{n} files", n=3) == "3 files"  # English, not a KeyError
    finally:
        catalogue.cache_clear()


def test_polish_plural_forms(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "pl"
    folder.mkdir()
    (folder / "x.po").write_text('msgid "{n} file"\nmsgid_plural "{n} files"\n'
                                 'msgstr[0] "{n} plik"\nmsgstr[1] "{n} pliki"\nmsgstr[2] "{n} plików"\n',
                                 encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    catalogue.cache_clear()
    try:
        with use_language("pl"):
            got = [tr_n("{n} file", "{n} files", n) for n in (1, 2, 4, 5, 12, 22, 25)]
        assert got == ["1 plik", "2 pliki", "4 pliki", "5 plików", "12 plików", "22 pliki", "25 plików"]
        assert tr_n("{n} file", "{n} files", 2) == "2 files"  # English outside the block
    finally:
        catalogue.cache_clear()


@pytest.mark.parametrize(("header", "expected"), [
    ("de-DE,de;q=0.9,en;q=0.8", "de"),
    ("en-GB,en;q=0.9", "en"),
    ("es-ES,fr;q=0.5,pl;q=0.7", "pl"),
    ("pt-BR", "en"),
    ("", "en"),
    (None, "en"),
    ("fr-CA", "fr"),
    ("de;q=0,fr", "fr"),
    ("pl;q=abc,de;q=0.1", "de"),
])
def test_language_from_accept_language(header: str | None, expected: str) -> None:
    assert language_from_header(header) == expected


@pytest.mark.parametrize(("code", "expected"), [("DE", "de"), ("fr_FR", "fr"), ("pl-PL", "pl"),
                                                ("xx", "en"), (None, "en"), ("", "en")])
def test_normalise_language(code: str | None, expected: str) -> None:
    assert normalise_language(code) == expected


def test_the_language_is_set_for_a_block_only() -> None:
    assert current_language() == "en"
    with use_language("pl"):
        assert current_language() == "pl"
        with use_language("de"):
            assert current_language() == "de"
        assert current_language() == "pl"
    assert current_language() == "en"


def test_user_text_with_braces_is_not_formatted() -> None:
    assert tr("Revenue {Q1}") == "Revenue {Q1}"


@pytest.mark.parametrize(("message", "names"), [("{n} of {total}", {"n", "total"}), ("plain", set()),
                                                ("{a.b} {c[0]}", {"a", "c"}), ("{{literal}}", set())])
def test_placeholders(message: str, names: set[str]) -> None:
    assert placeholders(message) == names


@pytest.mark.parametrize(("language", "value", "unit", "currency", "expected"), [
    ("en", 0.125, "fraction", "USD", "12.5 %"),
    ("de", 0.125, "fraction", "USD", f"12,5{NBSP}%"),
    ("fr", 0.125, "fraction", "USD", f"12,5{NBSP}%"),
    ("pl", 0.125, "fraction", "USD", "12,5%"),
    ("en", 1234.5, "currency", "EUR", "€1,234"),
    ("de", 1234.5, "currency", "EUR", f"1.234{NBSP}€"),
    ("fr", 1234.5, "currency", "EUR", f"1{NBSP}234{NBSP}€"),
    ("pl", 1234.5, "currency", "PLN", f"1{NBSP}234{NBSP}zł"),
    ("de", 49.9, "currency", "USD", f"49,90{NBSP}$"),
    ("de", 3.2, "ratio", "USD", "3,20x"),
    ("de", 14.0, "months", "USD", "14,0 Monate"),
    ("pl", 14.0, "months", "USD", "14,0 mies."),
    ("de", 5.0, "points", "USD", "+5"),
    ("de", None, "fraction", "USD", "n. v."),
])
def test_numbers_follow_the_language(language: str, value, unit: str, currency: str, expected: str) -> None:
    with use_language(language):
        assert format_value(value, unit, currency) == expected


@pytest.mark.parametrize(("language", "value", "expected"), [
    ("en", 12345.0, "12,345"), ("de", 12345.0, "12.345"), ("fr", 12345.0, f"12{NBSP}345"),
    ("de", 0.125, "0,125"), ("de", 1234.567, "1.234,57"),
])
def test_plain_numbers_follow_the_language(language: str, value: float, expected: str) -> None:
    with use_language(language):
        assert format_number(value) == expected


def test_po_stub_has_polish_three_forms() -> None:
    from funnel_core.domain.i18n_source import Gap, SourceMessage

    text = po_stub([Gap("pl", SourceMessage(("{n} file", "{n} files"), ("x.py:1",)), "missing")])
    assert 'msgstr[2] ""' in text and "msgid_plural" in text


def test_keep_language_runs_later_in_the_language_it_was_bound_in() -> None:
    import threading

    with use_language("de"):
        bound = keep_language(current_language)
    seen: list[str] = []
    thread = threading.Thread(target=lambda: seen.append(bound()))
    thread.start()
    thread.join()
    assert seen == ["de"] and current_language() == "en"


@pytest.mark.parametrize("language", ["de", "fr", "pl"])
def test_a_message_in_two_area_files_has_one_translation(language: str) -> None:
    """The catalogue merges every area's file; a message two areas share must read the same,
    or what the app shows would depend on the order the files load in."""
    from babel.messages.pofile import read_po

    seen: dict[object, set[object]] = {}
    for path in sorted((i18n.LOCALES_DIR / language).glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=i18n.BABEL_LOCALES[language]):
                if not message.id or not message.string:
                    continue
                key = message.id if isinstance(message.id, str) else tuple(message.id)
                value = message.string if isinstance(message.string, str) else tuple(s for s in message.string if s)
                seen.setdefault(key, set()).add(value)
    conflicts = {key: values for key, values in seen.items() if len(values) > 1}
    assert not conflicts, conflicts


@pytest.mark.parametrize(("language", "value", "expected"), [
    ("en", "2026-01-31", "2026-01-31"),
    ("de", "2026-01-31", "31. Januar 2026"),
    ("fr", "2026-01-31", "31 janvier 2026"),
    ("pl", "2026-01-31", "31 stycznia 2026"),
    ("de", "Q1 2025", "Q1 2025"),      # not a date: as it is
    ("de", "2026-01-31x", "2026-01-31x"),
    ("de", None, ""),
])
def test_dates_follow_the_language(language: str, value, expected: str) -> None:
    from funnel_core.domain.formatting import date_text

    with use_language(language):
        assert date_text(value) == expected
