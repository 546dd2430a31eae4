"""funnel_core.page_state.upload_mapping: what the numbers page shows of a pasted or uploaded table."""

from __future__ import annotations

import pandas as pd

from funnel_core.inputs.parsing import parse_text
from funnel_core.page_state import upload_mapping


def test_parsed_frames_show_values_as_typed() -> None:
    parsed = parse_text("Visitors;20.000\nMRR at start;12.500,50", number_convention="de")
    frame = upload_mapping.parsed_frame(parsed, currency="EUR")
    assert frame.set_index("Name")["Value"].to_dict() == {"visitors": "20,000", "mrr_start": "€12,500.50"}
    wide = parse_text("Month\tVisitors\n2025-05\t10\n2025-06\t20\n")
    table = upload_mapping.parsed_periods_frame(wide)
    assert list(table.columns) == ["Field", "2025-05", "2025-06"]


def test_raw_preview_uses_spreadsheet_coordinates() -> None:
    raw = pd.DataFrame([["metric", "value"], ["visitors", "1"]])
    raw.attrs["private"] = frozenset({1})
    shown = upload_mapping.raw_preview(raw)
    assert list(shown.columns) == ["A", "B"] and list(shown.index) == [1, 2]
    assert shown.attrs == {}
    assert upload_mapping.column_letter(26) == "AA"


def test_mapping_candidates_are_texts_of_first_row_and_column() -> None:
    raw = pd.DataFrame([["Zorbs", "Quuxes", "12"], ["Blips", "1", "2"], ["Zorbs", "3", "4"]])
    assert upload_mapping.mapping_candidates(raw) == ["Zorbs", "Quuxes", "Blips"]
