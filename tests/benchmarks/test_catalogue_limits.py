"""An uploaded catalogue goes through the same limits and worker as the funnel readers."""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "inputs"))
import hostile_files as hf  # noqa: E402

from funnel_core.benchmarks.catalogue import load_catalogue_bytes  # noqa: E402
from funnel_core.benchmarks.catalogue_schema import CatalogueError  # noqa: E402
from funnel_core.inputs.limits import DEFAULT_LIMITS, MIB  # noqa: E402


@pytest.mark.parametrize(("data", "expected"), [
    (hf.sparse_workbook("XFD1048576"), "XFD1048576"),
    (hf.bomb_workbook(64 * MIB), "compressed"),
    (b"PK\x03\x04" + b"\0" * 100, "damaged"),
])
def test_hostile_catalogue_workbooks_are_clean_messages(data: bytes, expected: str) -> None:
    with pytest.raises(CatalogueError) as info:
        load_catalogue_bytes(data, "targets.xlsx")
    assert expected in info.value.message
    assert str(info.value).startswith("targets.xlsx: ")


def test_catalogue_over_the_byte_limit() -> None:
    with pytest.raises(CatalogueError, match="more than the 20 MB"):
        load_catalogue_bytes(b"x" * (DEFAULT_LIMITS.upload_bytes + 1), "targets.csv")


def test_unreadable_workbook_message_has_no_reader_internals() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(CatalogueError) as info:
        load_catalogue_bytes(buffer.getvalue(), "targets.xlsx")
    assert "cannot be read as an XLSX workbook" in info.value.message
    assert "Error" not in info.value.message
