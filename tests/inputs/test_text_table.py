"""Pasted lines without delimiters: split into name and value, in time linear in the line.

The long-line tests are sized so that the former splitter (which matched every prefix of a
line against the metric names, and used regular expressions that backtracked over runs of
digits and spaces) would take hours on them; they assert results, not timings. Such lines
are over the cell-length limit (:mod:`funnel_core.inputs.limits`), so these tests read them
with the limit raised; with the default limits a line that long is refused at once.
"""

from __future__ import annotations

import pytest

from funnel_core.inputs.limits import DEFAULT_LIMITS, InputLimitError, UploadLimits
from funnel_core.inputs.parsing import parse_text
from funnel_core.inputs.text_table import read_text_table

WORDS = 200_000
#: The limits with room for the 200,000-word lines of the linear-time tests.
LONG_CELLS = UploadLimits(cell_chars=10_000_000)


def _cells(text: str) -> list[list[str]]:
    return read_text_table(text, limits=LONG_CELLS).values.tolist()


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ("Visitors: 12 000", ["Visitors", "12 000"]),
        ("Leads = 120", ["Leads", "120"]),
        ("MQLs   40", ["MQLs", "40"]),
        ("New customers 12", ["New customers", "12"]),
        ("Number of new customers 12", ["Number of new customers", "12"]),
        ("Currency EUR", ["Currency", "EUR"]),
        ("Some revenue line € 1 200.50", ["Some revenue line", "€ 1 200.50"]),
        ("Unknown thing 12 12 units", ["Unknown thing 12 12 units"]),
        ("just words", ["just words"]),
    ],
)
def test_free_lines_split_into_name_and_value(line, cells):
    assert _cells(line) == [cells]


def test_a_line_of_200000_words_after_a_metric_name_is_split_at_the_name():
    rest = " ".join(["word"] * WORDS) + " 40"
    assert _cells("Visitors " + rest) == [["Visitors", rest]]


def test_a_line_of_200000_numbers_without_a_value_at_its_end_stays_one_cell():
    line = "Revenue so far " + " ".join(["12"] * WORDS) + " units"
    assert _cells(line) == [[line]]


def test_a_line_of_200000_words_ending_in_a_value_is_split_before_the_value():
    line = "Note " + " ".join(["word"] * WORDS) + " 1 234"
    assert _cells(line) == [[line[: -len(" 1 234")], "1 234"]]


def test_a_million_spaces_between_name_and_value_split_the_line():
    assert _cells("Leads" + " " * 1_000_000 + "40") == [["Leads", "40"]]


def test_a_200000_word_line_is_refused_at_once_by_the_cell_limit():
    with pytest.raises(InputLimitError) as info:
        parse_text("Visitors " + " ".join(["word"] * WORDS) + " 40\nLeads 10\n")
    assert info.value.limit == "cell_chars"
    assert f"more than the {DEFAULT_LIMITS.cell_chars:,} allowed" in info.value.issue.message


def test_a_long_word_value_is_reported_on_its_cell_and_the_other_rows_are_read():
    words = DEFAULT_LIMITS.cell_chars // 5 - 10  # as long as a cell may be
    parsed = parse_text("Visitors " + " ".join(["word"] * words) + " 40\nLeads 10\n")
    assert parsed.values == {"current": {"leads": 10.0}}
    (error,) = parsed.errors
    assert (error.row, error.column) == (1, "B")
    assert "skipped" in error.message
