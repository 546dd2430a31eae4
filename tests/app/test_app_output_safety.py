"""Text from the user's file is shown as text on every page, never read as Markdown.

A header and a period label ``![i](http://127.0.0.1:8999/cell.png) **bold**`` made the browser
fetch the image and print bold text. Every element that Streamlit renders as Markdown (texts,
captions, alerts, headings, widget labels and help, radio options) must carry it escaped.
"""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import AlertBase, Dataframe, HeadingBase, Markdown, Radio, Toast

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")

EVIL = "![i](http://127.0.0.1:8999/cell.png) **bold**"
ESCAPED = "!\\[i\\](http\\://127.0.0.1:8999/cell.png) \\*\\*bold\\*\\*"
WIDE = (f"period,visitors,leads,customers_start,customers_churned,{EVIL}\n"
        f"{EVIL},20000,1400,200,6,5\n"
        "2025-06,21000,1500,210,7,6\n").encode()
PAGES = ("pages/numbers.py", "pages/results.py", "pages/downloads.py", "pages/history.py",
         "pages/sources.py")


def _nodes(node):
    """Every block (expanders, tabs, status boxes have labels) and element of the page."""
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _nodes(child)


def markdown_texts(at: AppTest) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown."""
    texts: list[str] = []
    for node in _nodes(at._tree):
        if isinstance(node, Dataframe):
            continue
        if isinstance(node, (Markdown, AlertBase, HeadingBase, Toast)) and isinstance(node.value, str):
            texts.append(node.value)
        for attribute in ("label", "help"):
            value = getattr(node, attribute, None)
            if isinstance(value, str):
                texts.append(value)
        if isinstance(node, Radio):
            texts += [str(o) for o in node.options]
    return texts


def assert_shown_as_text(at: AppTest) -> int:
    """No Markdown string holds the payload unescaped; returns how many hold it escaped."""
    assert not at.exception, [e.value for e in at.exception]
    shown = 0
    for text in markdown_texts(at):
        assert "](http" not in text.replace("\\](http", ""), text
        assert not re.search(r"(?<!\\)\*\*bold(?<!\\)\*\*", text), text
        if "cell.png" in text:
            assert ESCAPED in text, text
            shown += 1
    return shown


def test_file_text_is_escaped_on_every_page() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/numbers.py")
    at.run()
    at.file_uploader(key="numbers_file").set_value((f"{EVIL}.csv", WIDE, "text/csv"))
    at.run()
    # the unknown header (matching step), the period range and the issue list quote it
    assert assert_shown_as_text(at) >= 3
    apply = [b for b in at.button if b.label == "Apply these numbers"]
    assert apply, [b.label for b in at.button]
    apply[0].click().run()
    assert EVIL in at.session_state["periods"], "the label is stored as it was written"
    assert_shown_as_text(at)
    at.session_state["selected_period"] = EVIL  # compare the hostile period: every page names it
    for page in PAGES:
        at.switch_page(page)
        at.run()
        shown = assert_shown_as_text(at)
        if page != "pages/sources.py":
            assert shown >= 1, (page, markdown_texts(at))
