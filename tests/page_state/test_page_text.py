"""funnel_core.page_state.page_text: file text shown as text in Markdown."""

from __future__ import annotations

import pytest

from funnel_core.page_state.page_text import escape_markdown


@pytest.mark.parametrize("text, escaped", [
    ("![i](http://127.0.0.1:8999/cell.png) **bold**",
     "!\\[i\\](http\\://127.0.0.1:8999/cell.png) \\*\\*bold\\*\\*"),
    ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
    ("`code` _it_ ~~del~~ $x$ a|b R&D #1", "\\`code\\` \\_it\\_ \\~\\~del\\~\\~ \\$x\\$ a\\|b R\\&D \\#1"),
    (":red[alert] :material/home:", ":red\\[alert\\] :material/home:"),
    ("# Heading\n- item", "\\# Heading - item"),
    ("- 2025-01", "\\- 2025-01"), ("12. apples", "12\\. apples"), ("> quote", "\\> quote"),
    ("2025-Q1 (Jan to Mar): 1,234.5 €", "2025-Q1 (Jan to Mar): 1,234.5 €"),
    (None, ""), (42, "42"),
])
def test_escape_markdown(text, escaped):
    assert escape_markdown(text) == escaped


def test_escaped_text_has_no_unescaped_special():
    text = escape_markdown("\\*[]<>#|~$&`_ \r\n x")
    assert "\n" not in text and "\r" not in text
    for i, ch in enumerate(text):
        if ch in "*[]<>#|~$&`_":
            assert text[i - 1] == "\\"
