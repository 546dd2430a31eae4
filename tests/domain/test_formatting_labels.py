"""Labels inside sentences."""

from __future__ import annotations

import pytest

from funnel_core.domain.formatting import lower_keeping_acronyms


@pytest.mark.parametrize(("label", "expected"), [
    ("MQL to SQL", "MQL to SQL"),
    ("Lead to MQL", "lead to MQL"),
    ("Visitors", "visitors"),
    ("CAC payback", "CAC payback"),
    ("SaaS quick ratio", "SaaS quick ratio"),
    ("S&M spend", "S&M spend"),
    ("Trial-to-paid", "trial-to-paid"),
    ("", ""),
])
def test_a_label_in_an_english_sentence_keeps_its_acronyms(label: str, expected: str) -> None:
    assert lower_keeping_acronyms(label) == expected
