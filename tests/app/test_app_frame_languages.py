"""The frame of every page (sidebar, language selector) and the numbers page in German, French
and Polish: opened with ``?lang=``, switched with the selector, with the example company loaded
and numbers typed the way each language writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from streamlit.testing.v1 import AppTest  # noqa: E402

from funnel_core.domain.i18n import tr, tr_n, use_language

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
TIMEOUT = 60
LANGUAGES = ("de", "fr", "pl")


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def in_language(language: str, message: str, **values: object) -> str:
    with use_language(language):
        return tr(message, **values)


def app_in(language: str | None) -> AppTest:
    """The numbers page, opened with ``?lang=<language>`` (no parameter for ``None``)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if language is not None:
        at.query_params["lang"] = language
    at.run()
    no_exception(at)
    return at


def sidebar_headings(at: AppTest) -> list[str]:
    return [m.value for m in at.sidebar.markdown if m.value.startswith("#### ")]


def run_in(language: str, action) -> None:
    """Do ``action`` (a widget change and run) while the page speaks ``language``: AppTest
    formats the options of every selector in the test's own thread, so that thread must speak
    the page's language too."""
    with use_language(language):
        action()


def button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return found[0]


def test_link_lang_de_opens_the_numbers_page_in_german() -> None:
    at = app_in("de")
    assert at.title[0].value == "Ihre Zahlen"
    assert sidebar_headings(at) == ["#### Ihre Momentaufnahme", "#### Ihr Unternehmen"]
    assert at.sidebar.selectbox(key="sb_language").value == "de"
    assert at.selectbox(key="form_convention").value == "de"  # German numbers: 1.234,5
    assert button(at, "Beispielunternehmen laden")


@pytest.mark.parametrize("language", LANGUAGES)
def test_frame_and_numbers_page_speak_the_language(language: str) -> None:
    at = app_in(language)
    assert at.title[0].value == in_language(language, "Your numbers")
    assert sidebar_headings(at) == ["#### " + in_language(language, "Your snapshot"),
                                    "#### " + in_language(language, "Your company")]
    assert sidebar_headings(at) != ["#### Your snapshot", "#### Your company"]
    # widget labels and the names of options are translated; the stored codes are not
    period = at.sidebar.selectbox(key="sb_period")
    assert period.label == in_language(language, "Period the numbers cover")
    assert period.value == "month"
    assert at.selectbox(key="form_convention").label == in_language(language, "Number format")
    tabs = [t.label for t in at.tabs]
    assert ":material/edit: " + in_language(language, "Form") in tabs


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_selector_switches_the_language(language: str) -> None:
    at = app_in(None)
    assert sidebar_headings(at)[0] == "#### Your snapshot"
    at.sidebar.selectbox(key="sb_language").set_value(language).run()
    no_exception(at)
    assert sidebar_headings(at)[0] == "#### " + in_language(language, "Your snapshot")
    assert at.title[0].value == in_language(language, "Your numbers")
    # and back to English
    run_in(language, lambda: at.sidebar.selectbox(key="sb_language").set_value("en").run())
    no_exception(at)
    assert sidebar_headings(at)[0] == "#### Your snapshot"
    assert at.title[0].value == "Your numbers"


def test_language_selector_overrides_the_link_language() -> None:
    at = app_in("de")
    run_in("de", lambda: at.sidebar.selectbox(key="sb_language").set_value("fr").run())
    no_exception(at)
    assert sidebar_headings(at)[0] == "#### Votre instantané"
    run_in("fr", at.run)  # the choice stays on the next run
    no_exception(at)
    assert sidebar_headings(at)[0] == "#### Votre instantané"


@pytest.mark.parametrize("language", LANGUAGES)
def test_example_company_can_be_loaded(language: str) -> None:
    at = app_in(language)
    run_in(language, lambda: button(at, in_language(language, "Load example company")).click().run())
    no_exception(at)
    assert at.session_state["periods"], "the example company was not stored"
    # its source note is stored in English (data), shown translated
    assert str(at.session_state["source_note"]).startswith("Example company")
    captions = [c.value for c in at.sidebar.caption]
    assert any(in_language(language, "Example company (fictional): Northwind Notes, a made-up "
                                     "note-taking SaaS") in c for c in captions), captions
    info = [i.value for i in at.info]
    assert any(in_language(language, "You are looking at a **fictional example company**. Replace "
                                     "its numbers with yours in any of the tabs below.") == i
               for i in info), info
    assert "fields filled" not in " ".join(m.value for m in at.sidebar.markdown)


@pytest.mark.parametrize("language", LANGUAGES)
def test_form_reads_numbers_the_way_the_language_writes_them(language: str) -> None:
    at = app_in(language)
    at.text_input(key="f_visitors").set_value("12.500")
    at.text_input(key="f_leads").set_value("1.250")
    run_in(language, lambda: button(at, in_language(language, "Apply")).click().run())
    no_exception(at)
    values = at.session_state["periods"][at.session_state["selected_period"]]
    assert values["visitors"] == 12500 and values["leads"] == 1250
    with use_language(language):
        stored = tr_n("Stored {n} numbers for {period}{read_as}. See them compared on **Benchmarks**.",
                      "Stored {n} numbers for {period}{read_as}. See them compared on **Benchmarks**.",
                      2, period=tr("Current period"),
                      read_as=tr(" (numbers read in the {format} format)", format="1.234,5"))
    assert stored in [s.value for s in at.success], [s.value for s in at.success]


def test_english_form_still_detects_the_format() -> None:
    at = app_in(None)
    assert at.selectbox(key="form_convention").value == "auto"
