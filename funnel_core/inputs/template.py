"""Fill-in templates (CSV and XLSX) in the long layout the parser reads.

The template speaks the current language where people read it -- the header row, the
definitions in column C and the sheet's name -- and keeps what the parser reads as it is:
the metric and context names in column A and the example values (``month``, ``USD``). The
translated header row is read back too (``Kennzahl | Wert``, ``Indicateur | Valeur``,
``Wskaźnik | Wartość``: :mod:`funnel_core.inputs.long_layout`, :mod:`funnel_core.inputs.headers`).
"""

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
from funnel_core.domain.i18n import mark, tr

#: The header row, in English (:func:`template_header` gives it in the current language; the
#: parser reads the names of the first two columns in English, German, French and Polish).
TEMPLATE_HEADER = (mark("metric"), mark("value"), mark("definition"))
#: The name of the template workbook's sheet, in English.
TEMPLATE_SHEET = mark("Funnel numbers")


def template_header() -> tuple[str, str, str]:
    """The header row in the current language (``metric, value, definition`` in English).

    A translation the parser would not read back as the header of a long table (the metric
    column, the value column, a definition column that is neither a value nor a period) is
    replaced by the English word, so the filled-in template always reads back.
    """
    from funnel_core.inputs.headers import match_value_header
    from funnel_core.inputs.long_layout import is_long_header_word
    from funnel_core.inputs.period_labels import parse_period_label

    metric, value, definition = (tr(text) for text in TEMPLATE_HEADER)
    if not is_long_header_word(metric):
        metric = TEMPLATE_HEADER[0]
    if not match_value_header(value):
        value = TEMPLATE_HEADER[1]
    if match_value_header(definition) or parse_period_label(definition) is not None \
            or is_long_header_word(definition):
        definition = TEMPLATE_HEADER[2]
    return metric, value, definition


def template_rows() -> list[tuple[str, str, str]]:
    """Rows of the template: context first, then every field grouped by stage, values empty.

    Column A (the names) and the example values stay as the parser reads them; the
    definitions are in the current language.
    """
    optional = tr("Optional: {choices}")
    rows: list[tuple[str, str, str]] = [
        ("period", "month", tr("Period the numbers cover: {choices}", choices=", ".join(PERIODS))),
        ("currency", "USD", tr("Currency of money amounts: {choices}", choices=", ".join(CURRENCIES))),
        ("trial_type", "", optional.format(choices=", ".join(TRIAL_TYPES))),
        ("motion", "", optional.format(choices=", ".join(MOTIONS))),
        ("acv_band", "", optional.format(choices=", ".join(ACV_BANDS))),
        ("product_category", "", optional.format(choices=", ".join(PRODUCT_CATEGORIES))),
        ("arr_band", "", tr("Optional, your ARR band (peers for growth and efficiency): {choices}",
                            choices=", ".join(ARR_BANDS))),
        ("funding", "", optional.format(choices=", ".join(FUNDING))),
    ]
    for stage in STAGES:
        for spec in FIELDS:
            if spec.stage == stage:
                rows.append((spec.name, "", tr("{label}: {definition}", label=tr(spec.label),
                                               definition=tr(spec.help))))
    return rows


def template_csv() -> bytes:
    """The template as UTF-8 CSV bytes (with BOM so Excel opens it with the right encoding)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(template_header())
    writer.writerows(template_rows())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The template as an XLSX workbook (one sheet, definitions in column C)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = tr(TEMPLATE_SHEET)[:31]
    ws.append(template_header())
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
        raise ValueError(tr("{name}: the template can be written as .csv or .xlsx, not {suffix}",
                            name=path.name, suffix=suffix or tr("no extension")))
    return path
