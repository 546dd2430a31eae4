"""Reading numbers as people type them: conventions, separators, symbols, ambiguity."""

from __future__ import annotations

import math

import pytest

from funnel_core.inputs.number_conventions import normalise_convention
from funnel_core.inputs.number_format_detect import analyse_convention, detect_convention
from funnel_core.inputs.number_parse import format_number_cell, parse_number, parse_number_detail
from funnel_core.inputs.number_text import NumberError, is_missing

NBSP = "\u00a0"
NNBSP = "\u202f"


# --- unambiguous texts: the same result whatever the convention --------------------------------

UNAMBIGUOUS = [
    ("0", 0.0),
    ("1234", 1234.0),
    ("1234.5", 1234.5),
    ("1,234.5", 1234.5),
    ("1.234,5", 1234.5),
    ("1,234,567", 1234567.0),
    ("1.234.567", 1234567.0),
    ("1,234,567.89", 1234567.89),
    ("1.234.567,89", 1234567.89),
    ("1 234,5", 1234.5),
    (f"1{NBSP}234,5", 1234.5),
    (f"1{NNBSP}234,5", 1234.5),
    (f"12{NNBSP}345{NNBSP}678", 12345678.0),
    ("1 234", 1234.0),
    ("1 234.5", 1234.5),
    ("1'234.5", 1234.5),
    ("1’234.50", 1234.5),
    ("CHF 1'200", 1200.0),
    ("0,8", 0.8),
    ("0.8", 0.8),
    ("12,50", 12.5),
    ("12.5", 12.5),
    ("1234,567", 1234.567),
    ("0,123", 0.123),
    (".5", 0.5),
    ("  42  ", 42.0),
    ("+7", 7.0),
    ("1e3", 1000.0),
    ("1.5E+03", 1500.0),
]


@pytest.mark.parametrize("convention", ["en", "de", "auto", None])
@pytest.mark.parametrize(("text", "expected"), UNAMBIGUOUS)
def test_unambiguous_numbers_read_the_same_in_every_convention(text, expected, convention):
    warnings: list[str] = []
    assert parse_number(text, convention, warnings=warnings) == pytest.approx(expected)
    assert warnings == []


# --- percent, currency, brackets, multipliers ----------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 %", 0.07),
        ("7%", 0.07),
        ("%7", 0.07),
        ("12,5 %", 0.125),
        ("12.5%", 0.125),
        (f"7{NBSP}%", 0.07),
        ("€5,000.00", 5000.0),
        ("$5,000.00", 5000.0),
        ("$ 5 000", 5000.0),
        ("£1,200.50", 1200.5),
        ("5 000 zł", 5000.0),
        ("5 000,00 zł", 5000.0),
        ("5.000,00 €", 5000.0),
        ("5 000 PLN", 5000.0),
        ("EUR 1.234,56", 1234.56),
        ("USD 1,234.56", 1234.56),
        ("CHF 1'200.50", 1200.5),
        ("1.5k", 1500.0),
        ("1,5k", 1500.0),
        ("2M", 2_000_000.0),
        ("2 Mio. €", 2_000_000.0),
        ("5 k€", 5000.0),
        ("€5k", 5000.0),
        ("3 tys. zł", 3000.0),
        ("(1,200.00)", -1200.0),
        ("(€1.200,00)", -1200.0),
        ("-5", -5.0),
        ("−5", -5.0),  # U+2212 minus sign
        ("€-5", -5.0),
        ("-€5", -5.0),
    ],
)
def test_decorations(text, expected):
    assert parse_number(text) == pytest.approx(expected)


def test_percent_and_currency_are_reported():
    detail = parse_number_detail("€5.000,50")
    assert detail.currency == "EUR" and not detail.percent
    assert detail.value == pytest.approx(5000.5)
    assert parse_number_detail("7 %").percent
    assert parse_number_detail("5 000 zł").currency == "PLN"
    assert parse_number_detail("CHF 1'200").currency == "CHF"
    assert parse_number_detail("£3").currency == "GBP"
    assert parse_number_detail("$3").currency == "USD"


# --- missing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["", "   ", "-", "–", "—", "n/a", "N/A", "#N/A", None, float("nan")])
def test_missing_values_are_nan(text):
    assert math.isnan(parse_number(text))
    assert is_missing(text)
    assert parse_number_detail(text).missing


@pytest.mark.parametrize("text", ["0", "12", 0, 3.5])
def test_present_values_are_not_missing(text):
    assert not is_missing(text)


# --- ambiguous single separators ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "convention", "expected"),
    [
        ("1,234", "en", 1234.0),
        ("1,234", "de", 1.234),
        ("1.234", "en", 1.234),
        ("1.234", "de", 1234.0),
        ("€5,000", "en", 5000.0),
        ("€5,000", "de", 5.0),
        ("5.000 €", "de", 5000.0),
        ("123.456", "de", 123456.0),
        ("123,456", "en", 123456.0),
    ],
)
def test_ambiguous_cells_follow_the_given_convention_without_warning(text, convention, expected):
    warnings: list[str] = []
    assert parse_number(text, convention, warnings=warnings) == pytest.approx(expected)
    assert warnings == []


@pytest.mark.parametrize(("text", "expected"), [("1,234", 1234.0), ("1.234", 1.234), ("5.000 €", 5.0)])
def test_ambiguous_cell_alone_reads_english_and_warns_how_to_override(text, expected):
    warnings: list[str] = []
    assert parse_number(text, "auto", warnings=warnings) == pytest.approx(expected)
    assert len(warnings) == 1
    assert text in warnings[0] and "'de'" in warnings[0] and "English" in warnings[0]
    assert parse_number_detail(text).ambiguous


def test_explicit_convention_does_not_break_self_deciding_cells():
    # a decimal part that is not three digits decides by itself, whatever the convention
    assert parse_number("1.5", "de") == 1.5
    assert parse_number("0,75", "en") == 0.75
    assert parse_number("1,234.5", "de") == 1234.5
    assert parse_number("1.234,5", "en") == 1234.5


# --- convention detection -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("samples", "expected", "decided"),
    [
        (["1.234", "0,8"], "de", True),             # decimal comma decides
        (["1,234", "12.50"], "en", True),           # decimal point decides
        (["1.234", "1.234,5"], "de", True),         # both separators decide
        (["1,234", "1,234.5"], "en", True),
        (["1.234", "1.234.567"], "de", True),       # several dots are thousands
        (["1,234", "2,345,678"], "en", True),
        (["1 234,5", "1.234"], "de", True),
        (["1,234"], "en", False),                   # nothing decides: English default
        (["1.234"], "en", False),
        (["12", "7 %", "abc", ""], "en", False),
        ([], "en", False),
    ],
)
def test_detect_convention(samples, expected, decided):
    assert detect_convention(samples) == expected
    guess = analyse_convention(samples)
    assert guess.convention == expected
    assert guess.decided is decided


def test_analyse_convention_lists_ambiguous_cells_and_conflicts():
    guess = analyse_convention(["1,234", "5.000", "12"])
    assert guess.ambiguous == ["1,234", "5.000"] and not guess.decided
    mixed = analyse_convention(["1,234.5", "0,8", "2,5"])
    assert mixed.conflicting and mixed.convention == "de"


@pytest.mark.parametrize(("name", "expected"), [
    ("en", "en"), ("DE", "de"), ("fr", "de"), ("pl", "de"), ("auto", "auto"), (None, "auto"),
])
def test_normalise_convention(name, expected):
    assert normalise_convention(name) == expected


def test_unknown_convention_is_rejected():
    with pytest.raises(ValueError, match="number convention"):
        parse_number("1", "xx")


# --- gross margin (kind fraction) -----------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected", "warns"),
    [
        ("80 %", 0.8, False),
        ("80%", 0.8, False),
        ("0.8", 0.8, False),
        ("0,8", 0.8, False),
        ("80", 0.8, True),
        ("78,5", 0.785, True),
        (80, 0.8, True),
        (0.8, 0.8, False),
        ("1", 1.0, False),
        ("100 %", 1.0, False),
    ],
)
def test_gross_margin(text, expected, warns):
    warnings: list[str] = []
    assert parse_number(text, field="gross_margin", warnings=warnings) == pytest.approx(expected)
    assert bool(warnings) is warns
    if warns:
        assert "%" in warnings[0] and "Gross margin" in warnings[0]


@pytest.mark.parametrize("text", ["150 %", "250"])
def test_gross_margin_above_100_percent_is_an_error(text):
    with pytest.raises(NumberError, match="between 0 % and 100 %"):
        parse_number(text, field="gross_margin")


def test_count_field_is_not_treated_as_percentage():
    assert parse_number("80", field="leads") == 80.0


# --- errors ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    ["12a", "abc", "1.2.3", "1,23,4", "1 , 5", "1..2", "1.234.5", "12 34", "nan", "inf", "NaN",
     "--5", "€", "%", "1e", "1,234.5.6", "TRUE"],
)
def test_not_a_number_raises_with_quoted_text(text):
    with pytest.raises(NumberError) as info:
        parse_number(text)
    assert f"'{text}'" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_spreadsheet_errors_are_explained():
    with pytest.raises(NumberError, match="spreadsheet error"):
        parse_number("#DIV/0!")


def test_infinite_numbers_are_rejected():
    with pytest.raises(NumberError):
        parse_number(float("inf"))
    with pytest.raises(NumberError):
        parse_number("1e400")


def test_bool_is_not_a_number():
    with pytest.raises(NumberError):
        parse_number(True)


# --- numbers from workbooks -----------------------------------------------------------------------

@pytest.mark.parametrize("value", [0, 7, 1234, 1234.5, 0.8, 1.234, 12.345, 999.125, -1.5, 1e-7, 1e20,
                                   123456789.123])
@pytest.mark.parametrize("convention", ["en", "de", "auto"])
def test_formatted_workbook_numbers_read_back_exactly(value, convention):
    text = format_number_cell(value)
    warnings: list[str] = []
    assert parse_number(text, convention, warnings=warnings) == pytest.approx(value, rel=1e-12)
    assert warnings == []


def test_numbers_pass_through():
    assert parse_number(12) == 12.0
    assert parse_number(0.5) == 0.5
