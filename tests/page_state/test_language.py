"""Which language a session speaks."""

from __future__ import annotations

import pytest

from funnel_core.page_state.language import choose_language
from funnel_core.page_state.link_state import share_url


@pytest.mark.parametrize(("link", "chosen", "browser", "expected"), [
    ("de", None, None, "de"),
    ("DE", "fr", "pl-PL", "de"),          # the link wins
    ("xx", "fr", "pl-PL", "fr"),          # an unknown link value is ignored
    (None, "pl", "de-DE", "pl"),          # a choice made in the app beats the browser
    (None, None, "fr-FR,fr;q=0.9", "fr"),  # the browser's language
    (None, None, "ja-JP", "en"),
    (None, None, None, "en"),
    ("", "zz", "", "en"),
])
def test_choose_language(link, chosen, browser, expected) -> None:
    assert choose_language(link, chosen, browser) == expected


@pytest.mark.parametrize(("language", "expected"), [
    (None, "https://h/results?s=abc"), ("en", "https://h/results?s=abc"), ("pl", "https://h/results?s=abc&lang=pl"),
])
def test_the_link_carries_the_language(language, expected) -> None:
    assert share_url("https://h/results?x=1", "abc", language) == expected
