"""Deciding the number convention of a whole file from its cells.

A cell decides when it holds both separators (the last one is the decimal one), several
of the same separator (thousands), or one separator not followed by exactly three digits
(decimal); ``1,234`` and ``1.234`` do not decide, they are ambiguous. The majority of the
deciding cells wins; when no cell decides, English is used (the caller warns).
One cell is read by :mod:`funnel_core.inputs.number_parse`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from funnel_core.inputs.number_conventions import DEFAULT_CONVENTION
from funnel_core.inputs.number_text import (
    MISSING_TOKENS,
    PLAIN_DIGITS_RE,
    SCIENTIFIC_RE,
    NumberError,
    clean_cell,
    read_digits,
    strip_decorations,
)

__all__ = [
    "ConventionGuess",
    "analyse_convention",
    "cell_vote",
    "detect_convention",
]


@dataclass
class ConventionGuess:
    """What the cells of one file say about their number convention.

    Attributes
    ----------
    convention : str
        ``"en"`` or ``"de"``: the majority of the deciding cells, else the default.
    decided : bool
        At least one cell decided (it had both separators, or a decimal part that is not
        exactly three digits, or several thousands separators).
    en_votes, de_votes : int
        Number of deciding cells for each convention.
    ambiguous : list of str
        Cells whose reading depends on the convention (``1,234``, ``1.234``).
    examples : dict
        One deciding cell per convention, for messages.
    """

    convention: str = DEFAULT_CONVENTION
    decided: bool = False
    en_votes: int = 0
    de_votes: int = 0
    ambiguous: list[str] = field(default_factory=list)
    examples: dict[str, str] = field(default_factory=dict)

    @property
    def conflicting(self) -> bool:
        """True when some cells look English and others European."""
        return self.en_votes > 0 and self.de_votes > 0


def cell_vote(text: object) -> tuple[str | None, bool]:
    """Say what one cell tells about the number convention.

    Parameters
    ----------
    text : object
        Cell content.

    Returns
    -------
    (vote, ambiguous) : tuple
        ``vote`` is ``"en"`` or ``"de"`` when the cell decides, else None; ``ambiguous``
        is True when its reading depends on the convention. Unreadable cells give
        ``(None, False)``.
    """
    if not isinstance(text, str) or PLAIN_DIGITS_RE.fullmatch(text):
        return None, False
    s = clean_cell(text)
    if s.lower() in MISSING_TOKENS or s.startswith("#"):
        return None, False
    core = strip_decorations(s).core
    if SCIENTIFIC_RE.fullmatch(core):
        return None, False
    try:
        reading = read_digits(core, DEFAULT_CONVENTION, text)
    except NumberError:
        return None, False
    return reading.vote, reading.ambiguous


def analyse_convention(samples: Iterable[object], default: str = DEFAULT_CONVENTION) -> ConventionGuess:
    """Decide the number convention of a file from its cells.

    Parameters
    ----------
    samples : iterable
        The cell texts that will be read as numbers (other cells are harmless: they do
        not vote).
    default : str
        Used when no cell decides (``"en"``).

    Returns
    -------
    ConventionGuess
    """
    guess = ConventionGuess(convention=default)
    for sample in samples:
        vote, ambiguous = cell_vote(sample)
        if vote == "en":
            guess.en_votes += 1
            guess.examples.setdefault("en", str(sample).strip())
        elif vote == "de":
            guess.de_votes += 1
            guess.examples.setdefault("de", str(sample).strip())
        if ambiguous:
            guess.ambiguous.append(str(sample).strip())
    if guess.en_votes or guess.de_votes:
        guess.decided = True
        if guess.de_votes > guess.en_votes:
            guess.convention = "de"
        elif guess.en_votes > guess.de_votes:
            guess.convention = "en"
    return guess


def detect_convention(samples: Iterable[object]) -> str:
    """Return ``"en"`` or ``"de"`` for a file's cells (``"en"`` when nothing decides).

    A cell decides when it holds both separators (the last one is the decimal one),
    several of the same separator (thousands), or one separator not followed by exactly
    three digits (decimal). The majority of deciding cells wins.

    Parameters
    ----------
    samples : iterable of str

    Returns
    -------
    str

    Examples
    --------
    >>> detect_convention(["1.234", "0,8"])
    'de'
    >>> detect_convention(["1,234"])
    'en'
    """
    return analyse_convention(samples).convention
