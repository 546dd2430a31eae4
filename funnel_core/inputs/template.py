"""Fill-in templates (CSV and XLSX) in the long layout the parser reads."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from funnel_core.domain.constants import (
    ACV_BANDS,
    ARR_BANDS,
    CURRENCIES,
    FIELDS,
    FUNDING,
    MOTIONS,
    PERIODS,
    PRODUCT_CATEGORIES,
    STAGES,
    TRIAL_TYPES,
)

TEMPLATE_HEADER = ("metric", "value", "definition")


def template_rows() -> list[tuple[str, str, str]]:
    """Rows of the template: context first, then every field grouped by stage, values empty."""
    rows: list[tuple[str, str, str]] = [
        ("period", "month", f"Period the numbers cover: {', '.join(PERIODS)}"),
        ("currency", "USD", f"Currency of money amounts: {', '.join(CURRENCIES)}"),
        ("trial_type", "", "Optional: " + ", ".join(TRIAL_TYPES)),
        ("motion", "", "Optional: " + ", ".join(MOTIONS)),
        ("acv_band", "", "Optional: " + ", ".join(ACV_BANDS)),
        ("product_category", "", "Optional: " + ", ".join(PRODUCT_CATEGORIES)),
        ("arr_band", "", "Optional, your ARR band (peers for growth and efficiency): "
         + ", ".join(ARR_BANDS)),
        ("funding", "", "Optional: " + ", ".join(FUNDING)),
    ]
    for stage in STAGES:
        for spec in FIELDS:
            if spec.stage == stage:
                rows.append((spec.name, "", f"{spec.label}: {spec.help}"))
    return rows


def template_csv() -> bytes:
    """The template as UTF-8 CSV bytes (with BOM so Excel opens it with the right encoding)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TEMPLATE_HEADER)
    writer.writerows(template_rows())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The template as an XLSX workbook (one sheet, definitions in column C)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Funnel numbers"
    ws.append(TEMPLATE_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF6D5")
    for row in template_rows():
        ws.append(row)
        ws.cell(ws.max_row, 2).fill = fill
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 90
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_template(path: str | Path) -> Path:
    """Write the template to ``path``; the extension (.csv or .xlsx) picks the format."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_bytes(template_csv())
    elif suffix == ".xlsx":
        path.write_bytes(template_xlsx())
    else:
        raise ValueError(f"{path.name}: the template can be written as .csv or .xlsx, not {suffix or 'no extension'}")
    return path
