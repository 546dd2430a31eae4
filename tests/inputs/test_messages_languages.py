"""The input wing's messages in German, French and Polish, and the template in each language.

English stays exactly as it was; in another language a parse error or warning comes out
translated and still names the file, row and column; the fill-in template downloaded in a
language reads back.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from funnel_core.domain.i18n import current_language, use_language
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.number_parse import parse_number
from funnel_core.inputs.number_text import NumberError
from funnel_core.inputs.parsing import parse_bytes, parse_text
from funnel_core.inputs.template import TEMPLATE_HEADER, template_csv, template_header, template_xlsx

LANGUAGES = ("de", "fr", "pl")
#: How each language names row 3 and the column "value" in an issue's text.
ROW_3 = {"de": "Zeile 3", "fr": "ligne 3", "pl": "wiersz 3"}
COLUMN_VALUE = {"de": "Spalte „value“", "fr": "colonne « value »", "pl": "kolumna „value”"}
NOT_A_NUMBER = {"de": "„abc“ ist keine Zahl", "fr": "« abc » n'est pas un nombre",
                "pl": "„abc” nie jest liczbą"}
NOT_WHOLE = {"de": "keine ganze Zahl", "fr": "pas un nombre entier", "pl": "nie jest liczbą całkowitą"}

TEXT_IN_NUMBER_CELL = "metric,value\nvisitors,12000\nleads,abc\n"
FRACTIONAL_COUNT = "metric,value\nvisitors,12000\nleads,1.5\n"


def _only_issue(text: str, level: str):
    parsed = parse_text(text, source_name="numbers.csv")
    issues = [i for i in parsed.issues if i.level == level]
    assert len(issues) == 1, [str(i) for i in parsed.issues]
    return parsed, issues[0]


def test_english_messages_are_unchanged():
    assert current_language() == "en"
    _, error = _only_issue(TEXT_IN_NUMBER_CELL, "error")
    assert str(error) == (
        "numbers.csv, row 3, column 'value': 'abc' is not a number; the cell was skipped. "
        "Enter a plain number such as 1234 or 1234.5, or leave the cell empty.")
    _, warning = _only_issue(FRACTIONAL_COUNT, "warning")
    assert str(warning) == (
        "numbers.csv, row 3, column 'value': '1.5' is not a whole number of Leads. If the file "
        "writes numbers as European (1.234,5 / 1 234,5), choose that number format; otherwise "
        "check the value.")
    assert template_header() == TEMPLATE_HEADER == ("metric", "value", "definition")


@pytest.mark.parametrize("language", LANGUAGES)
def test_text_in_a_number_cell_is_reported_in_the_language(language):
    with use_language(language):
        parsed, error = _only_issue(TEXT_IN_NUMBER_CELL, "error")
        shown = str(error)
    english = str(_only_issue(TEXT_IN_NUMBER_CELL, "error")[1])
    assert parsed.values["current"] == {"visitors": 12000.0}  # the bad cell skipped, the rest read
    assert (error.row, error.column, error.file) == (3, "value", "numbers.csv")
    assert shown != english
    assert NOT_A_NUMBER[language] in error.message
    assert shown.startswith("numbers.csv")
    assert ROW_3[language] in shown and COLUMN_VALUE[language] in shown
    assert "row 3" not in shown and "skipped" not in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_warning_is_reported_in_the_language(language):
    with use_language(language):
        parsed, warning = _only_issue(FRACTIONAL_COUNT, "warning")
        shown = str(warning)
    assert parsed.values["current"]["leads"] == 1.5  # a warning: read, but check it
    assert (warning.row, warning.column) == (3, "value")
    assert NOT_WHOLE[language] in warning.message and "'1.5'" not in warning.message
    assert ROW_3[language] in shown and COLUMN_VALUE[language] in shown
    assert "whole number" not in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_file_wide_warning_and_whole_input_errors_in_the_language(language):
    with use_language(language):
        parsed = parse_text("metric,value\nvisitors,12000\nfoo,3\n")
        (warning,) = parsed.warnings
        with pytest.raises(InputError) as nothing:
            parse_text("   ")
        with pytest.raises(InputError) as unknown:
            parse_bytes(b"visitors,1", "numbers.pdf")
        with pytest.raises(NumberError) as number:
            parse_number("12 apples")
    assert "'foo'" in warning.message and "not recognised" not in warning.message
    assert warning.file not in ("pasted text", None)  # the default source name is translated
    assert "Nothing was pasted" not in str(nothing.value)
    assert "numbers.pdf" in str(unknown.value) and "unsupported" not in str(unknown.value)
    assert "12 apples" in str(number.value) and "is not a number" not in str(number.value)


def test_the_language_does_not_leak_out_of_the_block():
    with use_language("de"):
        parse_text(TEXT_IN_NUMBER_CELL)
    _, error = _only_issue(TEXT_IN_NUMBER_CELL, "error")
    assert "is not a number" in error.message


def _filled_csv(data: bytes) -> bytes:
    return data.replace(b"\nvisitors,,", b"\nvisitors,12000,").replace(b"\nleads,,", b"\nleads,300,")


def _filled_xlsx(data: bytes) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "visitors":
            row[1].value = 12000
        elif row[0].value == "leads":
            row[1].value = 300
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("reader_language", ["same", "en"])
def test_the_template_is_translated_and_reads_back(language, reader_language):
    with use_language(language):
        header = template_header()
        csv_bytes = _filled_csv(template_csv())
        xlsx_bytes = _filled_xlsx(template_xlsx())
    assert header != TEMPLATE_HEADER  # translated, and still read as the header (below)
    first_line = csv_bytes.decode("utf-8-sig").splitlines()[0]
    assert first_line == ",".join(header)
    with use_language(language if reader_language == "same" else "en"):
        for data, name in ((csv_bytes, "template.csv"), (xlsx_bytes, "template.xlsx")):
            parsed = parse_bytes(data, name)
            assert parsed.layout == "long"
            assert parsed.latest() == {"visitors": 12000.0, "leads": 300.0}
            assert parsed.context == {"period": "month", "currency": "USD"}
            assert parsed.issues == [], [str(i) for i in parsed.issues]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_template_definitions_are_in_the_language(language):
    english = template_csv().decode("utf-8-sig").splitlines()
    with use_language(language):
        translated = template_csv().decode("utf-8-sig").splitlines()
    assert len(english) == len(translated)
    # column A (what the parser reads) and the example values stay; the definitions change
    assert [line.split(",")[0] for line in english[1:]] == [line.split(",")[0] for line in translated[1:]]
    assert english[1].split(",")[:2] == translated[1].split(",")[:2] == ["period", "month"]
    assert english[1] != translated[1]


def test_every_input_message_has_its_translations():
    from funnel_core.domain.i18n_source import gaps

    root = Path(__file__).resolve().parents[2]
    others = ("billing_", "isolated.py", "safe_workbook.py", "workbook_guard.py", "sheet_scan.py",
              "limits.py", "workbook_reader.py", "loading.py")
    mine = [g for g in gaps(root)
            if any(loc.startswith("funnel_core/inputs/")
                   and not loc.split("/")[-1].startswith(others)
                   for loc in g.message.locations)]
    assert mine == []


def test_context_labels_written_in_another_language_read_back(monkeypatch):
    """The app's own workbook, written in German, names the segment by its German label."""
    from types import SimpleNamespace

    from funnel_core.domain import i18n
    from funnel_core.domain.constants import ACV_BANDS
    from funnel_core.inputs import context_values

    english = ACV_BANDS.english if hasattr(ACV_BANDS, "english") else dict(ACV_BANDS)
    # a stand-in label no alias or keyword rule matches, so only the translations can
    books = {"de": {english["mid_market"]: "Kategorie drei",
                    "Not said (all segments)": "Nicht angegeben (alle Segmente)"},
             "fr": {}, "pl": {}, "en": {}}
    monkeypatch.setattr(i18n, "catalogue", lambda code: SimpleNamespace(messages=books[code]))
    context_values._translated_label_index.cache_clear()
    try:
        assert context_values.match_context_value("acv_band", "Kategorie drei") == "mid_market"
        assert context_values.match_context_value("acv_band", "Nicht angegeben (alle Segmente)") == "any"
        assert context_values.match_context_value("acv_band", english["mid_market"]) == "mid_market"
        parsed = parse_text("metric,value\nvisitors,100\nacv_band,Kategorie drei\n")
        assert parsed.context["acv_band"] == "mid_market" and not parsed.issues
    finally:
        context_values._translated_label_index.cache_clear()
