"""Which language a session speaks: the link's ``?lang=``, the choice made in the app, the
browser's language, else English (see :mod:`funnel_core.domain.i18n`)."""

from __future__ import annotations

from funnel_core.domain.i18n import DEFAULT_LANGUAGE, LANGUAGES, language_from_header

__all__ = ["LANGUAGE_KEY", "LANGUAGE_PARAM", "choose_language", "language_options"]

#: The link's parameter (``?lang=de``) and the session's key of the chosen language.
LANGUAGE_PARAM = "lang"
LANGUAGE_KEY = "language"


def choose_language(link_value: str | None, chosen: str | None, browser_locale: str | None) -> str:
    """The session's language.

    Parameters
    ----------
    link_value : the link's ``lang`` value (wins when it names a supported language).
    chosen : the language chosen earlier in this session, if any.
    browser_locale : the browser's locale (``"de-DE"``) or ``Accept-Language`` header.

    Returns
    -------
    str
        ``"en"``, ``"de"``, ``"fr"`` or ``"pl"``; English when nothing names a supported one.
    """
    if link_value:
        code = str(link_value).strip().lower()
        if code in LANGUAGES:
            return code
    if chosen in LANGUAGES:
        return str(chosen)
    return language_from_header(browser_locale) if browser_locale else DEFAULT_LANGUAGE


def language_options() -> tuple[list[str], dict[str, str]]:
    """The selector's codes, in order, and each language's own name."""
    return list(LANGUAGES), dict(LANGUAGES)
