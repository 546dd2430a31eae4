"""Every page in German, French and Polish: it runs, and shows no message left in English.

Each page is opened with the example company loaded and ``?lang=<code>`` in the link. The texts
a reader sees (titles, headers, markdown, captions, alerts, tabs, expanders, metric and widget
labels, buttons) are compared with the English messages of the source
(:func:`funnel_core.domain.i18n_source.source_messages`) that the language translates
differently: a text (or, for markdown, a whole line) that still equals such a message was not
passed through ``tr()`` where it is shown. Only messages of at least three words and without
placeholders are checked, so short words that read the same in both languages
("Status", "MRR bridge") and formatted messages never give a false alarm.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from streamlit.testing.v1 import AppTest  # noqa: E402

from funnel_core.domain.i18n import catalogue, placeholders, use_language
from funnel_core.domain.i18n_source import source_messages

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60

LANGUAGES = ("de", "fr", "pl")
PAGES = ("pages/numbers.py", "pages/results.py", "pages/whatif.py", "pages/downloads.py",
         "pages/history.py", "pages/cohorts.py", "pages/sources.py")

_ICON = re.compile(r"^(:material/[a-z0-9_]+:\s*)+")
_LIST_OR_HEADING = re.compile(r"^(#{1,6}\s+|[-*+]\s+|\d+\.\s+)")


# --------------------------------------------------------------------------------------
# the English messages each language translates
# --------------------------------------------------------------------------------------

_SOURCE: list[str] | None = None


def _checked_messages() -> list[str]:
    """English messages of at least three words, without placeholders (read once)."""
    global _SOURCE
    if _SOURCE is None:
        _SOURCE = [m.id for m in source_messages(ROOT)
                   if isinstance(m.id, str) and len(m.id.split()) >= 3 and not placeholders(m.id)]
    return _SOURCE


def translated_away(language: str) -> dict[str, str]:
    """English message -> its translation, for the messages ``language`` words differently."""
    book = catalogue(language).messages
    return {m: book[m] for m in _checked_messages() if m in book and book[m] != m}


# --------------------------------------------------------------------------------------
# what the page shows
# --------------------------------------------------------------------------------------

def _normalised(line: str) -> str:
    """A line without icons, list or heading marks and wrapping emphasis."""
    text = _ICON.sub("", line.strip())
    text = _LIST_OR_HEADING.sub("", text).strip()
    for mark in ("**", "*", "_"):
        if len(text) > 2 * len(mark) and text.startswith(mark) and text.endswith(mark):
            text = text[len(mark):-len(mark)].strip()
    return text


def _texts(at: AppTest) -> list[tuple[str, str, bool]]:
    """(kind, text, is_markdown) of every text element and label on the page."""
    found: list[tuple[str, str, bool]] = []

    def add(kind: str, elements, attribute: str, markdown: bool = False) -> None:
        for element in elements:
            value = getattr(element, attribute, None)
            if isinstance(value, str) and value:
                found.append((kind, value, markdown))

    add("title", at.title, "value")
    add("header", at.header, "value")
    add("subheader", at.subheader, "value")
    add("markdown", at.markdown, "value", markdown=True)
    add("caption", at.caption, "value", markdown=True)
    for kind in ("info", "warning", "error", "success"):
        add(kind, getattr(at, kind), "value", markdown=True)
    add("tab", at.tabs, "label")
    add("expander", at.expander, "label")
    add("status", at.status, "label")
    add("metric", at.metric, "label")
    add("button", at.button, "label")
    add("download_button", at.get("download_button"), "label")
    for kind in ("selectbox", "multiselect", "text_input", "number_input", "text_area", "toggle",
                 "checkbox", "radio", "slider", "select_slider", "date_input", "pills",
                 "segmented_control"):
        add(kind, getattr(at, kind), "label")
    return found


def untranslated(at: AppTest, language: str) -> list[str]:
    """The page's texts that are still an English message ``language`` translates."""
    messages = translated_away(language)
    problems: list[str] = []
    for kind, text, markdown in _texts(at):
        candidates = {text.strip(), _normalised(text)}
        if markdown or "\n" in text:
            candidates |= {line.strip() for line in text.splitlines()}
            candidates |= {_normalised(line) for line in text.splitlines()}
        for candidate in sorted(c for c in candidates if c):
            if candidate in messages:
                problems.append(f"{kind}: {candidate!r}")
    return sorted(set(problems))


# --------------------------------------------------------------------------------------
# the app with the example company, once per language
# --------------------------------------------------------------------------------------

_APPS: dict[str, AppTest] = {}


def _button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return found[0]


def app_in(language: str) -> AppTest:
    """An app with the example company loaded (in English), then speaking ``language``."""
    if language not in _APPS:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.run()
        at.switch_page("pages/numbers.py")
        at.run()
        _button(at, "Load example company").click().run()
        assert not at.exception, [e.value for e in at.exception]
        at.query_params["lang"] = language
        at.run()  # the English page's widgets are sent back in English; from now on it speaks
        assert not at.exception, [e.value for e in at.exception]
        _APPS[language] = at
    return _APPS[language]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_speaks_the_language(language: str, page: str) -> None:
    at = app_in(language)
    at.query_params["lang"] = language
    at.switch_page(page)
    # AppTest calls the widgets' format_func in this thread to send their values back: it has
    # to speak the page's language too (the server only calls them while the page runs)
    with use_language(language):
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["language"] == language
    assert at.title, "every page has a title"
    left = untranslated(at, language)
    assert not left, f"{page} in {language} shows English messages:\n" + "\n".join(left)


def test_the_check_finds_an_english_message() -> None:
    """The check itself: an English text the language translates is reported."""
    messages = translated_away("de")
    assert messages, "the German catalogue translates checked messages"
    english = next(iter(messages))

    class _Element:
        def __init__(self, value: str) -> None:
            self.value = value
            self.label = value

    class _Page:
        def __getattr__(self, name: str):
            return [_Element("**" + english + "**")] if name == "markdown" else []

        def get(self, name: str):
            return []

    assert untranslated(_Page(), "de") == [f"markdown: {english!r}"]  # type: ignore[arg-type]
