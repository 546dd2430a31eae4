"""What the command line prints is text, never code: no formulas in CSV, no terminal escapes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from funnel_core.cli.main import main
from funnel_core.exports.sanitize import terminal_text

ROOT = Path(__file__).resolve().parents[2]

NUMBERS = """metric,value
period,month
Website visitors,20000
Leads,1400
Customers at start,200
Churned customers,6
"""

FORMULAS = {
    "source": '=HYPERLINK("http://x","y")',
    "segment": "+cmd|' /C calc'!A0",
    "label": "@SUM(1)",
    "note": "-2+3",
}


def _catalogue(path: Path) -> Path:
    """A user catalogue: the template's example row, switched on, with formula-leading text."""
    rows = list(csv.reader(io.StringIO((ROOT / "assets" / "catalogue_template.csv").read_text("utf-8"))))
    row = dict(zip(rows[0], rows[1]))
    row.update(id="board_goal", **FORMULAS)
    row["sample"] = "\tTAB"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        writer.writerow([row[k] for k in rows[0]])
    return path


def test_compare_csv_neutralises_formula_leading_text(tmp_path, capsys):
    numbers = tmp_path / "numbers.csv"
    numbers.write_text(NUMBERS, encoding="utf-8")
    catalogue = _catalogue(tmp_path / "board.csv")
    assert main(["compare", str(numbers), "--catalogue", str(catalogue), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    rows = list(csv.DictReader(io.StringIO(out)))
    mine = [r for r in rows if r["benchmark_id"] == "board_goal"]
    assert mine, "the user's benchmark is compared"
    assert mine[0]["source"] == "'" + FORMULAS["source"]
    assert mine[0]["segment"] == "'" + FORMULAS["segment"]
    for row in rows:  # no cell at all may start a formula; numbers stay numbers
        for key, value in row.items():
            assert not str(value).startswith(("=", "+", "@", "\t", "\r")), (key, value)
            if str(value).startswith("-"):
                float(value)


@pytest.mark.parametrize("control", ["\x1b[31m", "\x1b]0;owned\x07", "\x07", "\x9b2J", "\x08\x08"])
def test_table_output_has_no_control_characters(tmp_path, capsys, control):
    numbers = tmp_path / "numbers.csv"
    numbers.write_text(f"metric,value\nFoo{control}bar,5\nLeads,1400\nWebsite visitors,20000\n",
                       encoding="utf-8")
    code = main(["compare", str(numbers)])
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert not any(ord(ch) < 32 and ch not in "\n\t" or 0x7F <= ord(ch) <= 0x9F for ch in stream)
    if code == 0:
        assert "Foo" in captured.out and "bar" in captured.out  # the name is still shown


def test_terminal_text_keeps_printable_text():
    assert terminal_text("Churn → 5 %\r\nMRR €1,200\tok") == "Churn → 5 %\nMRR €1,200\tok"
    assert terminal_text("a\x1b[2Jb\x07c\x00d\x7fe\x85f\u202eg") == "a[2Jbcdefg"
