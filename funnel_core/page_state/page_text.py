"""Text from the user's files shown as text in the pages, never read as Markdown or HTML.

Streamlit renders ``st.markdown``, ``st.caption``, ``st.info``/``warning``/``error``/
``success``, widget labels and radio captions as Markdown: a period label or a column header such
as ``![i](http://host/cell.png) **bold**`` would become an image the browser fetches (telling
that host the user opened the page) and bold text. Every piece of file-derived text (period
labels, unrecognised headers, quoted cells, file and sheet names, pasted names, the source and
notes of a user's catalogue, error messages that quote a cell) goes through
:func:`escape_markdown` before it is put into such a string; tables (``st.dataframe``) and
``st.text``/``st.code`` show text as it is and need nothing.
"""

from __future__ import annotations

import re

__all__ = ["MARKDOWN_SPECIALS", "escape_markdown"]

#: Characters with a meaning anywhere in a line of Streamlit's Markdown: emphasis and
#: strikethrough, code, links and images (and Streamlit's ``:red[...]`` directives, which need
#: a ``[``), HTML and entities, tables, headings, LaTeX (``$``) and the escape itself.
MARKDOWN_SPECIALS = frozenset("\\`*_[]<>#|~$&")

#: What starts a block when it opens a line: a list item (``-``, ``+``, ``1.``, ``1)``), a quote,
#: a heading (``#`` is escaped anyway).
_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")


def escape_markdown(text: object) -> str:
    r"""``text`` shown exactly as given by Markdown, on one line.

    Parameters
    ----------
    text : anything; ``None`` gives ``""`` and other objects their ``str()``.

    Returns
    -------
    str
        Each character of :data:`MARKDOWN_SPECIALS` gets a backslash (CommonMark shows ``\*``
        as ``*``); so does the colon of ``://`` (a bare web address is not made a link) and a
        list or quote marker at the start; line breaks become spaces, so the text cannot start
        a heading, list, quote or table row of its own. Dots, dashes and colons elsewhere stay
        as they are, so the escaped text still reads naturally in the page's source.

    Examples
    --------
    >>> print(escape_markdown("![i](http://x/a.png) **bold**"))
    !\[i\](http\://x/a.png) \*\*bold\*\*
    >>> print(escape_markdown("- 2025-01 <b>"))
    \- 2025-01 \<b\>
    """
    if text is None:
        return ""
    value = str(text).replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    out = "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in value)
    out = out.replace("://", "\\://")
    match = _LINE_START.match(out)
    if match:
        marker = match.group(2)
        out = match.group(1) + marker[:-1] + "\\" + marker[-1] + out[match.end():]
    return out
