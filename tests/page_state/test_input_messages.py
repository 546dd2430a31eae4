"""funnel_core.page_state.input_messages: where a problem is, what is wrong, what to do."""

from __future__ import annotations

from funnel_core.inputs.parsing import parse_bytes
from funnel_core.page_state import input_messages


def test_issue_texts_name_row_and_column() -> None:
    parsed = parse_bytes(b"metric,value\nvisitors,-5\nleads,10\n", "f.csv")
    text = input_messages.issues_markdown(parsed.issues)
    assert "row 2" in text and "column 'value'" in text and "**Error**" in text
    error = input_messages.error_text(parsed.issues[0], "Could not read f.csv", "Fix it.")
    assert error.startswith("**Could not read f.csv.** Row 2, column 'value': ")
    assert ".." not in error and error.endswith("Fix it.")
    assert input_messages.describe_issue(parsed.issues[0]).startswith("f.csv, row 2, column 'value': ")


def test_negative_issue_message_says_what_to_do() -> None:
    parsed = parse_bytes(b"metric;value\nLeads;-500\nChurned MRR;-1.200,50\n", "neg.csv")
    messages = [input_messages.issue_message(i) for i in parsed.issues]
    assert any("Leads 500, not -500" in m for m in messages), messages
    assert any("Churned MRR 1.200,50, not -1.200,50" in m for m in messages), messages
    text = input_messages.issues_markdown(parsed.issues)
    assert "row 2" in text and "column 'value'" in text and "Leads 500, not -500" in text
    assert "not -500" in input_messages.describe_issue(parsed.issues[0])
    # a message that already gives the example is not repeated
    once = input_messages.issue_message(parsed.issues[0])
    assert input_messages.issue_message(once) == once
