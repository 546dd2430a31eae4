"""Property-based tests of the readers: any input ends in a result or the package's own error.

Each target runs a couple of hundred generated examples (Hypothesis); ``bench/fuzz_long.py``
runs the same properties with many more. The property is always the same: the reader
returns a result (with finite numbers) or raises the error type its callers show as a
clean message -- never another exception, never a crash.
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funnel_core.inputs.billing_errors import CohortInputError
from funnel_core.inputs.billing_read import read_export
from funnel_core.inputs.issues import InputError, ParsedInput
from funnel_core.inputs.number_parse import parse_number
from funnel_core.inputs.number_text import NumberError
from funnel_core.inputs.parsing import parse_bytes, parse_text
from funnel_core.inputs.period_labels import parse_period_label

DATA = Path(__file__).resolve().parents[1] / "data"
WIDE_XLSX = (DATA / "wide.xlsx").read_bytes()
BILLING_CSV = (DATA / "billing_export.csv").read_bytes()

#: The examples each target runs in the normal suite (bench/fuzz_long.py runs more).
EXAMPLES = 200
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --------------------------------------------------------------------------------------
# strategies
# --------------------------------------------------------------------------------------

_NUMBERISH = st.text(alphabet="0123456789.,'-+()%$€£ kKmM\u00a0\u202fe", max_size=24)
_WORDS = st.sampled_from([
    "visitors", "leads", "MQLs", "sqls", "new_customers", "mrr_start", "churned_mrr", "period",
    "currency", "EUR", "month", "2025-01", "Q1 2025", "Jan 2025", "Umsatz", "total", "#DIV/0!",
    "#N/A", "=SUM(A1)", "1e-320", "-0", "nan", "inf", "", " ", "sep=;", "\"", "metric", "value",
])
_CELL = st.one_of(_WORDS, _NUMBERISH, st.text(max_size=12))
_DELIMITER = st.sampled_from([",", ";", "\t", " ", ": ", "  ", "|"])


@st.composite
def table_texts(draw: st.DrawFn) -> str:
    """Text that looks like a pasted or exported table (or almost does)."""
    delimiter = draw(_DELIMITER)
    rows = draw(st.lists(st.lists(_CELL, min_size=1, max_size=6), min_size=0, max_size=12))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(delimiter.join(row) for row in rows)
    if draw(st.booleans()):
        noise = draw(st.text(max_size=40))
        at = draw(st.integers(0, len(text)))
        text = text[:at] + noise + text[at:]
    return text


def _flip(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    raw = bytearray(data)
    for position, value in flips:
        raw[position % len(raw)] = value
    return bytes(raw)


_FLIPS = st.lists(st.tuples(st.integers(0, 10**9), st.integers(0, 255)), min_size=1, max_size=8)


def _sheet_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _billing_workbook() -> bytes:
    """tests/data/billing_export.csv as a workbook (the seed of the billing XLSX target)."""
    import csv

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(BILLING_CSV.decode("utf-8-sig"))):
        sheet.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


BILLING_XLSX = _billing_workbook()


@st.composite
def mutated_workbooks(draw: st.DrawFn, seed: bytes = WIDE_XLSX) -> bytes:
    """A seed workbook with one XML part's bytes changed, cut, extended or the part dropped."""
    parts = _sheet_parts(seed)
    name = draw(st.sampled_from(sorted(n for n in parts if n.endswith(".xml"))))
    xml = parts[name]
    action = draw(st.sampled_from(["flip", "cut", "insert", "drop"]))
    if action == "flip":
        xml = _flip(xml, draw(_FLIPS))
    elif action == "cut":
        xml = xml[: draw(st.integers(0, len(xml)))]
    elif action == "insert":
        at = draw(st.integers(0, len(xml)))
        snippet = draw(st.sampled_from([
            b'<c r="XFD1048576"><v>1</v></c>', b'<row r="0">', b"<v>1e-320</v>", b'<c t="e"><v>#N/A</v></c>',
            b"\xff\xfe", b"&#0;", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b'<c r="A1" t="s"><v>99999</v></c>',
        ]))
        xml = xml[:at] + snippet + xml[at:]
    else:
        del parts[name]
    if action != "drop":
        parts[name] = xml
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------

def _check_parsed(parsed: ParsedInput) -> None:
    assert isinstance(parsed, ParsedInput)
    for period in parsed.values.values():
        for value in period.values():
            assert math.isfinite(value), f"{value!r} in the result"


@FUZZ
@given(text=st.one_of(_NUMBERISH, st.text(max_size=30), _WORDS),
       convention=st.sampled_from([None, "en", "de", "auto"]),
       field=st.sampled_from([None, "visitors", "gross_margin", "mrr_start"]))
def test_number_parser(text: str, convention: str | None, field: str | None) -> None:
    try:
        value = parse_number(text, convention, field=field)
    except NumberError:
        return
    assert isinstance(value, float) and not math.isinf(value)


@FUZZ
@given(text=st.one_of(st.text(max_size=30), _WORDS,
                      st.from_regex(r"\A(?:[0-9]{1,5}[-/. ]){0,3}[A-Za-z]{0,9}\Z")),
       dayfirst=st.booleans(), bare=st.booleans())
def test_period_labels(text: str, dayfirst: bool, bare: bool) -> None:
    label = parse_period_label(text, dayfirst=dayfirst, allow_bare_year=bare)
    if label is not None:
        assert label.granularity in (None, "month", "quarter", "year")
        if label.start is not None:
            year, month, day = label.start
            assert 1 <= month <= 12 and 1 <= day <= 31


@FUZZ
@given(text=table_texts())
def test_pasted_text_reader(text: str) -> None:
    try:
        parsed = parse_text(text, source_name="pasted text")
    except InputError:
        return
    _check_parsed(parsed)


@FUZZ
@given(data=st.one_of(table_texts().map(lambda t: t.encode("utf-8")),
                      table_texts().map(lambda t: t.encode("cp1252", errors="replace")),
                      st.binary(max_size=200)),
       name=st.sampled_from(["numbers.csv", "numbers.txt", "numbers.tsv"]))
def test_csv_reader(data: bytes, name: str) -> None:
    try:
        parsed = parse_bytes(data, name)
    except InputError:
        return
    _check_parsed(parsed)


@FUZZ
@given(data=st.one_of(mutated_workbooks(), _FLIPS.map(lambda flips: _flip(WIDE_XLSX, flips))))
def test_xlsx_reader_on_mutated_workbooks(data: bytes) -> None:
    try:
        parsed = parse_bytes(data, "wide.xlsx")
    except InputError:
        return
    _check_parsed(parsed)


@FUZZ
@given(data=st.one_of(
    _FLIPS.map(lambda flips: _flip(BILLING_CSV, flips)),
    st.integers(0, len(BILLING_CSV)).map(lambda n: BILLING_CSV[:n]),
    table_texts().map(lambda t: t.encode("utf-8")),
    st.binary(max_size=300),
), name=st.sampled_from(["export.csv", "export.txt"]))
def test_billing_export_reader_on_text(data: bytes, name: str) -> None:
    try:
        read_export(data, name, as_of="2025-06-30")
    except CohortInputError:
        return


@FUZZ
@given(data=st.one_of(mutated_workbooks(BILLING_XLSX),
                      _FLIPS.map(lambda flips: _flip(BILLING_XLSX, flips)),
                      st.binary(max_size=300)))
def test_billing_export_reader_on_workbooks(data: bytes) -> None:
    try:
        read_export(data, "export.xlsx", as_of="2025-06-30")
    except CohortInputError:
        return
