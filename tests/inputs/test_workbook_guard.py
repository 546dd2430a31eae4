"""The workbook guard refuses hostile XLSX files from their zip directory and first bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import hostile_files as hf
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.limits import DEFAULT_LIMITS, MIB, InputLimitError, UploadLimits
from funnel_core.inputs.sheet_scan import column_letters, column_number
from funnel_core.inputs.workbook_guard import check_workbook

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """Under 1 MB, inflating to 256 MB of rows (built in about two seconds)."""
    return hf.bomb_workbook(256 * MIB)  # type: ignore[return-value]


def test_real_workbooks_pass_and_report_their_extent() -> None:
    shape = check_workbook((DATA / "wide.xlsx").read_bytes(), "wide.xlsx")
    assert shape is not None and shape.sheets
    assert all(s.rows >= 1 and s.columns >= 1 for s in shape.sheets)
    small = hf.workbook(hf.funnel_rows([("visitors", 12000), ("leads", 340)]), dimension="A1:B3")
    shape = check_workbook(small, "funnel.xlsx")
    assert shape is not None
    (sheet,) = shape.sheets
    assert (sheet.name, sheet.declared, sheet.rows, sheet.columns, sheet.cells) == (
        "Numbers", (3, 2), 3, 2, 6)


def test_not_a_zip_is_left_to_the_reader() -> None:
    assert check_workbook(b"metric,value\nvisitors,10\n", "numbers.xlsx") is None
    assert check_workbook(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls") is None


def test_sparse_corner_cell_is_refused_after_a_few_bytes() -> None:
    data = hf.sparse_workbook("XFD1048576")
    assert len(data) < 2500  # the 1.6 KB file of issue 10
    with pytest.raises(InputLimitError) as info:
        check_workbook(data, "sparse.xlsx")
    message = info.value.issue.message
    assert info.value.limit == "table_rows"
    assert "'sparse.xlsx'" in message and "XFD1048576" in message and "Ctrl+End" in message
    with pytest.raises(InputLimitError) as info:
        check_workbook(data, "sparse.xlsx", kind="export")
    assert info.value.limit == "export_columns"


def test_sparse_corner_without_declared_dimension_is_found_by_the_scan() -> None:
    data = hf.sparse_workbook("XFD100000", declare=False)
    with pytest.raises(InputLimitError) as info:
        check_workbook(data, "sparse.xlsx")
    assert info.value.limit == "table_columns"
    assert "has cells reaching XFD100000" in info.value.issue.message


def test_a_small_declared_dimension_does_not_hide_the_real_corner() -> None:
    data = hf.workbook('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>',
                       dimension="A1:B2")
    with pytest.raises(InputLimitError, match="16,384 columns"):
        check_workbook(data, "liar.xlsx")


def test_zip_bomb_is_refused_from_the_directory(bomb: bytes) -> None:
    assert len(bomb) < 1 * MIB
    with pytest.raises(InputLimitError) as info:
        check_workbook(bomb, "bomb.xlsx", kind="export")
    assert info.value.limit == "compression_ratio"
    assert "compressed" in info.value.issue.message and "'bomb.xlsx'" in info.value.issue.message


def test_bomb_under_the_ratio_limit_stops_at_the_cell_limit(bomb: bytes) -> None:
    lenient = UploadLimits(compression_ratio=10_000)
    with pytest.raises(InputLimitError) as info:
        check_workbook(bomb, "bomb.xlsx", limits=lenient)
    # stopped after about 2 million cells, not after inflating all 256 MB
    assert info.value.limit == "table_cells"


def test_part_and_total_sizes() -> None:
    data = hf.rows_workbook(2000)
    with pytest.raises(InputLimitError) as info:
        check_workbook(data, "rows.xlsx", limits=UploadLimits(part_bytes=20_000))
    assert info.value.limit == "part_bytes"
    with pytest.raises(InputLimitError) as info:
        check_workbook(data, "rows.xlsx", limits=UploadLimits(total_bytes=20_000))
    assert info.value.limit == "total_bytes"


def test_too_many_parts() -> None:
    data = hf.workbook(hf.funnel_rows([("visitors", 1)]), extra_parts=DEFAULT_LIMITS.zip_entries)
    with pytest.raises(InputLimitError) as info:
        check_workbook(data, "parts.xlsx")
    assert info.value.limit == "zip_entries"
    assert f"{DEFAULT_LIMITS.zip_entries:,}" in info.value.issue.message


def test_missing_dimension_with_too_many_real_rows() -> None:
    data = hf.rows_workbook(DEFAULT_LIMITS.table_rows + 10)
    with pytest.raises(InputLimitError) as info:
        check_workbook(data, "rows.xlsx")
    assert info.value.limit == "table_rows"
    assert "100,010" in info.value.issue.message or "rows" in info.value.issue.message
    # the same file is fine as a billing export
    shape = check_workbook(data, "rows.xlsx", kind="export")
    assert shape is not None and shape.sheets[0].rows == DEFAULT_LIMITS.table_rows + 10


def test_rows_and_cells_without_references_are_counted_by_position() -> None:
    cells = "".join("<c><v>1</v></c>" for _ in range(2500))
    data = hf.workbook(f"<row>{cells}</row><row><c><v>2</v></c></row>")
    with pytest.raises(InputLimitError) as info:
        check_workbook(data, "wide.xlsx")
    assert info.value.limit == "table_columns"
    rows = "".join("<row><c><v>1</v></c><c><v>2</v></c></row>" for _ in range(50))
    shape = check_workbook(hf.workbook(rows), "rows.xlsx")
    assert shape is not None
    assert (shape.sheets[0].rows, shape.sheets[0].columns, shape.sheets[0].cells) == (50, 2, 100)


def test_lying_directory_is_a_damaged_workbook() -> None:
    data = hf.rows_workbook(3000)
    liar = hf.lying_directory(data, "xl/worksheets/sheet1.xml", 1000)
    with pytest.raises(InputError) as info:
        check_workbook(liar, "liar.xlsx")
    assert not isinstance(info.value, InputLimitError)
    assert "damaged" in info.value.issue.message


def test_truncated_zip_is_a_damaged_workbook() -> None:
    data = (DATA / "wide.xlsx").read_bytes()
    with pytest.raises(InputError, match="damaged"):
        check_workbook(data[: len(data) // 2], "cut.xlsx")


def test_namespace_prefixed_sheet_is_scanned() -> None:
    xml = ('<?xml version="1.0"?><x:worksheet xmlns:x="' + hf.MAIN_NS + '"><x:sheetData>'
           '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
           '<x:row r="200000"><x:c r="C200000"><x:v>1</x:v></x:c></x:row>'
           '</x:sheetData></x:worksheet>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    with pytest.raises(InputLimitError, match="200,000 rows"):
        check_workbook(buffer.getvalue(), "prefixed.xlsx")


def test_column_letters_round_trip() -> None:
    assert [column_number(c) for c in ("A", "Z", "AA", "XFD")] == [1, 26, 27, 16384]
    assert all(column_number(column_letters(n)) == n for n in (1, 26, 27, 702, 703, 16384))


def test_error_cells_are_found_with_their_position() -> None:
    data = hf.workbook('<row r="1"><c r="A1" t="inlineStr"><is><t>visitors</t></is></c>'
                       '<c r="B1" t="e"><v>#DIV/0!</v></c></row>'
                       '<row r="2"><c r="A2"><v>1</v></c><c r="C2" s="3" t="e"><f>NA()</f>'
                       '<v>#N/A</v></c></row>')
    shape = check_workbook(data, "errors.xlsx")
    assert shape is not None
    assert shape.sheets[0].errors == ((1, 2, "#DIV/0!"), (2, 3, "#N/A"))
