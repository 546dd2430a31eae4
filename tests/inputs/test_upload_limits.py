"""Every upload path checks the limits first and never crashes on a hostile file.

Funnel files (CSV, XLSX, pasted text), billing exports (CSV, XLSX) and the sheet/header
helpers of the cohorts page: hostile workbooks are refused before the native reader sees
them, text tables at once by their line count, width or cell length; error cells and
counts that are not whole are noted like the same text in a CSV file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import hostile_files as hf
from funnel_core.inputs.billing_errors import CohortInputError
from funnel_core.inputs.billing_read import read_export
from funnel_core.inputs.billing_sheets import export_columns, export_sheet_names
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.limits import DEFAULT_LIMITS, MIB, InputLimitError
from funnel_core.inputs.number_parse import parse_number
from funnel_core.inputs.number_text import NumberError
from funnel_core.inputs.parsing import parse_bytes, parse_file, parse_text
from funnel_core.inputs.raw_table import list_sheets

DATA = Path(__file__).resolve().parents[1] / "data"
AS_OF = "2025-06-30"


def _cells_row(r: int, *cells: str) -> str:
    """A ``<row>`` of cells: text, ``=number`` or ``!error``."""
    out = []
    for i, cell in enumerate(cells):
        ref = f"{chr(65 + i)}{r}"
        if cell.startswith("="):
            out.append(f'<c r="{ref}"><v>{cell[1:]}</v></c>')
        elif cell.startswith("!"):
            out.append(f'<c r="{ref}" t="e"><v>{cell[1:]}</v></c>')
        else:
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{cell}</t></is></c>')
    return f'<row r="{r}">{"".join(out)}</row>'


# --- funnel files ------------------------------------------------------------------------

def test_sparse_workbook_is_a_clean_message_for_every_funnel_entry_point() -> None:
    data = hf.sparse_workbook("XFD1048576")
    for call in (lambda: list_sheets(data, "sparse.xlsx"), lambda: parse_bytes(data, "sparse.xlsx")):
        with pytest.raises(InputLimitError) as info:
            call()
        assert "'sparse.xlsx'" in info.value.issue.message and "XFD1048576" in info.value.issue.message


def test_zip_bomb_is_refused_at_once() -> None:
    bomb = hf.bomb_workbook(64 * MIB)
    with pytest.raises(InputLimitError, match="compressed"):
        parse_bytes(bomb, "bomb.xlsx")


def test_real_workbooks_still_read() -> None:
    parsed = parse_bytes((DATA / "wide.xlsx").read_bytes(), "wide.xlsx")
    assert parsed.periods and parsed.values


def test_csv_over_the_row_limit_is_refused_before_splitting() -> None:
    lines = DEFAULT_LIMITS.table_rows + 5
    data = ("period,visitors\n" + "2025-01,1\n" * lines).encode()
    with pytest.raises(InputLimitError) as info:
        parse_bytes(data, "long.csv")
    assert info.value.limit == "table_rows" and f"{lines + 1:,} lines" in info.value.issue.message


@pytest.mark.parametrize(("text", "limit"), [
    (",".join(f"c{i}" for i in range(DEFAULT_LIMITS.table_columns + 1)) + "\n1\n", "table_columns"),
    ("\n".join(",".join(["1"] * 500) for _ in range(DEFAULT_LIMITS.table_cells // 500 + 2)),
     "table_cells"),
    ("metric,value\nvisitors," + "9" * (DEFAULT_LIMITS.cell_chars + 1) + "\n", "cell_chars"),
    ("visitors " + "word " * 20_000, "cell_chars"),
])
def test_text_tables_over_a_limit_name_it(text: str, limit: str) -> None:
    with pytest.raises(InputLimitError) as info:
        parse_bytes(text.encode(), "numbers.csv")
    assert info.value.limit == limit
    assert "'numbers.csv'" in info.value.issue.message


def test_paste_over_the_limit_is_refused() -> None:
    with pytest.raises(InputLimitError, match="characters, more than the"):
        parse_text("Visitors 12\n" + " " * DEFAULT_LIMITS.paste_chars)


def test_files_over_the_byte_limit_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:
        fh.truncate(DEFAULT_LIMITS.upload_bytes + 1)  # sparse file: nothing to write
    with pytest.raises(InputLimitError) as info:
        parse_file(path)
    assert info.value.limit == "upload_bytes" and "'big.csv' is 20,971,521 bytes, more than the 20 MB" in info.value.issue.message
    with pytest.raises(InputLimitError):
        parse_bytes(b"x" * (DEFAULT_LIMITS.upload_bytes + 1), "big.csv")


def test_xlsx_error_cells_get_the_same_note_as_in_csv() -> None:
    rows = _cells_row(1, "metric", "value") + _cells_row(2, "visitors", "!#DIV/0!") \
        + _cells_row(3, "leads", "=120")
    from_xlsx = parse_bytes(hf.workbook(rows), "funnel.xlsx")
    from_csv = parse_bytes(b"metric,value\nvisitors,#DIV/0!\nleads,120\n", "funnel.csv")
    assert from_xlsx.values == from_csv.values == {"current": {"leads": 120.0}}
    (xlsx_issue,), (csv_issue,) = from_xlsx.errors, from_csv.errors
    assert (xlsx_issue.row, xlsx_issue.column) == (csv_issue.row, csv_issue.column) == (2, "value")
    assert xlsx_issue.message == csv_issue.message
    assert "'#DIV/0!' is a spreadsheet error" in xlsx_issue.message


@pytest.mark.parametrize("cell", ["1e-320", "-0", "0.5"])
def test_counts_must_be_whole_and_not_negative(cell: str) -> None:
    parsed = parse_bytes(f"metric,value\nvisitors,{cell}\nleads,12\n".encode(), "funnel.csv")
    assert parsed.values == {"current": {"leads": 12.0}}
    (issue,) = parsed.errors
    assert (issue.row, issue.column) == (2, "value") and f"'{cell}'" in issue.message
    with pytest.raises(NumberError):
        parse_number(cell, field="visitors")


def test_tiny_count_in_a_workbook_is_refused_with_its_cell() -> None:
    rows = _cells_row(1, "metric", "value") + _cells_row(2, "visitors", "=1e-320") \
        + _cells_row(3, "leads", "=12")
    parsed = parse_bytes(hf.workbook(rows), "funnel.xlsx")
    assert parsed.values == {"current": {"leads": 12.0}}
    (issue,) = parsed.errors
    assert issue.row == 2 and "not a whole number of" in issue.message


def test_whole_counts_and_other_fields_are_unchanged() -> None:
    assert parse_number("0", field="visitors") == 0.0
    assert parse_number("12", field="visitors") == 12.0
    assert parse_number("0.5", field="gross_margin") == 0.5


# --- billing exports ---------------------------------------------------------------------

@pytest.mark.parametrize(("data", "expected"), [
    (hf.sparse_workbook("XFD1048576"), "XFD1048576"),
    (hf.bomb_workbook(64 * MIB), "compressed"),
    ((DATA / "wide.xlsx").read_bytes()[:3000], "damaged"),
    (b"PK\x03\x04" + b"\0" * 200, "damaged"),
])
def test_billing_export_hostile_workbooks_are_clean_messages(data: bytes, expected: str) -> None:
    with pytest.raises(CohortInputError) as info:
        read_export(data, "export.xlsx", as_of=AS_OF)
    assert expected in str(info.value)
    assert str(info.value).startswith("export.xlsx: ")
    for leak in ("Error", "Traceback", "codec", "assert"):
        assert leak not in info.value.problem


def test_billing_export_cp1252_file_is_read() -> None:
    # 0x81 is one of the five bytes Windows-1252 leaves undefined
    data = ("customer_id,month,mrr\r\nMüller € GmbH,2025-01,99\r\n".encode("cp1252")
            + b"cus_\x81,2025-02,49\r\n")
    export = read_export(data, "export.csv", as_of=AS_OF)
    assert export.rows_read == 2 and export.skipped_rows == 0
    assert any("Müller" in str(c) for c in export.customers)


def test_billing_export_error_cells_and_tiny_amounts_are_noted() -> None:
    rows = (_cells_row(1, "customer_id", "month", "mrr")
            + _cells_row(2, "c1", "2025-01", "=99")
            + _cells_row(3, "c2", "2025-01", "!#DIV/0!")
            + _cells_row(4, "c3", "2025-01", "=1e-320"))
    from_xlsx = read_export(hf.workbook(rows), "export.xlsx", as_of=AS_OF)
    from_csv = read_export(b"customer_id,month,mrr\nc1,2025-01,99\nc2,2025-01,#DIV/0!\n"
                           b"c3,2025-01,-0\n", "export.csv", as_of=AS_OF)
    for export in (from_xlsx, from_csv):
        messages = {issue.row: issue.message for issue in export.issues}
        assert messages[3] == "unparseable amount '#DIV/0!'"
        assert 4 in messages and export.skipped_rows == 2


def test_billing_export_too_wide_is_refused() -> None:
    header = ",".join(["customer_id", "month", "mrr"] + [f"x{i}" for i in range(1000)])
    with pytest.raises(CohortInputError, match="1,003 columns, more than the 1,000 allowed"):
        read_export((header + "\nc1,2025-01,9\n").encode(), "wide.csv", as_of=AS_OF)


def test_cohort_page_helpers_never_crash_on_hostile_workbooks() -> None:
    sparse = hf.sparse_workbook("XFD1048576")
    assert export_sheet_names(sparse, "sparse.xlsx") == []
    assert export_columns(sparse, "sparse.xlsx", None) == []
    good = hf.workbook(_cells_row(1, "customer_id", "month", "mrr") + _cells_row(2, "c", "2025-01", "=1"))
    assert export_sheet_names(good, "export.xlsx") == ["Numbers"]
    assert export_columns(good, "export.xlsx", None) == ["customer_id", "month", "mrr"]


def test_input_limit_error_is_the_package_error() -> None:
    assert issubclass(InputLimitError, InputError)
