"""The link that carries the numbers: round trips, and hostile links fail cleanly."""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from funnel_core.domain.model import Context
from funnel_core.page_state.share_link import (MAX_LINK_CHARS, LinkError, decode_state,
                                               encode_state)

PERIODS = {
    "2025-01": {"visitors": 20000.0, "leads": 1400.0, "mrr_start": 100000.0, "gross_margin": 0.8},
    "2025-02": {"visitors": 21000.0, "leads": 1512.5, "mrr_start": 104321.12345678},
}
# every context key (new ones included), with a few said
CONTEXT = {**Context().to_dict(), "period": "month", "trial_type": "no_card", "acv_band": "smb",
           "currency": "EUR"}


def _raw(payload: object, version: str = "1") -> str:
    data = zlib.compress(json.dumps(payload).encode())
    return version + "." + base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_round_trip_gives_the_same_numbers_periods_and_context() -> None:
    text, left_out = encode_state(PERIODS, "2025-01", CONTEXT)
    assert not left_out and len(text) < 400
    state = decode_state(text)
    assert state.periods == PERIODS
    assert list(state.periods) == ["2025-01", "2025-02"]  # order kept
    assert state.selected_period == "2025-01"
    assert state.context == CONTEXT


def test_user_benchmarks_travel_when_they_fit_and_are_flagged_when_not() -> None:
    small = "id,kpi\nboard_target,cac\n"
    text, left_out = encode_state(PERIODS, None, CONTEXT, small)
    assert not left_out and decode_state(text).user_catalogue_csv == small
    import random
    rng = random.Random(1)  # incompressible text larger than a link holds
    big = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(20000))
    text, left_out = encode_state(PERIODS, None, CONTEXT, big)
    assert left_out and len(text) <= MAX_LINK_CHARS
    assert decode_state(text).user_catalogue_csv is None


@pytest.mark.parametrize(("name", "text", "words"), [
    ("empty", "", "no numbers"),
    ("no version", "abc", "not in a form"),
    ("other version", "9.eJwDAAAAAAE", "different version"),
    ("not base64", "1.!!!***", "damaged"),
    ("not zlib", "1." + base64.urlsafe_b64encode(b"hello world").decode(), "damaged"),
    ("truncated", None, "incomplete"),
    ("not json", "1." + base64.urlsafe_b64encode(zlib.compress(b"{nope")).decode(), "damaged"),
    ("unknown field", _raw({"p": [["x", {"rm -rf": 1}]]}), "unknown field"),
    ("negative count", _raw({"p": [["x", {"leads": -5}]]}), "cannot be negative"),
    ("text value", _raw({"p": [["x", {"leads": "12"}]]}), "not a number"),
    ("margin above 1", _raw({"p": [["x", {"gross_margin": 80}]]}), "fraction"),
    ("segments not a mapping", _raw({"p": [], "c": ["smb"]}), "segment"),
    ("too long", "1." + "A" * (MAX_LINK_CHARS + 1), "longer"),
    ("too many periods", _raw({"p": [[str(i), {}] for i in range(500)]}), "periods"),
    ("bomb", "1." + base64.urlsafe_b64encode(zlib.compress(b" " * 2_000_000, 9)).decode(), "more data"),
    ("list payload", _raw([1, 2, 3]), "not in a form"),
])
def test_a_tampered_link_fails_with_a_message(name: str, text: str | None, words: str) -> None:
    if text is None:
        good, _ = encode_state(PERIODS, None, CONTEXT)
        text = good[: len(good) // 2]
    with pytest.raises(LinkError) as info:
        decode_state(text)
    assert words in str(info.value), (name, str(info.value))


@pytest.mark.parametrize(("name", "raw_context", "dropped", "kept"), [
    # the label the period selector showed in English, stored by mistake after a language switch
    ("a label instead of a code", {"period": "Month", "acv_band": "smb"}, ("period",), {"acv_band": "smb"}),
    ("an unknown band", {"acv_band": "galactic", "currency": "EUR"}, ("acv_band",), {"currency": "EUR"}),
    ("two at once", {"period": "Monat", "trial_type": 7, "motion": "sales_assisted"}, ("period", "trial_type"),
     {"motion": "sales_assisted"}),
    ("all usable", {"period": "quarter", "funding": None}, (), {"period": "quarter"}),
])
def test_an_unusable_segment_choice_costs_that_choice_not_the_numbers(
        name: str, raw_context: dict, dropped: tuple, kept: dict) -> None:
    state = decode_state(_raw({"p": [["2025-01", {"leads": 10, "visitors": 100}]], "c": raw_context}))
    assert state.periods == {"2025-01": {"leads": 10.0, "visitors": 100.0}}, name
    assert state.context_dropped == dropped, name
    default = Context().to_dict()
    for key, value in state.context.items():
        assert value == kept.get(key, default[key]), (name, key)


def test_unknown_selected_period_falls_back_to_latest() -> None:
    state = decode_state(_raw({"p": [["a", {"leads": 1}]], "s": "zzz"}))
    assert state.selected_period is None and state.periods == {"a": {"leads": 1.0}}


def test_too_many_periods_to_encode_is_a_clear_error() -> None:
    import random
    rng = random.Random(7)
    many = {f"p{i}": {"visitors": rng.random() * 1e6, "leads": rng.random() * 1e5,
                      "mrr_start": rng.random() * 1e7} for i in range(400)}
    with pytest.raises(LinkError, match="too many for a link"):
        encode_state(many, None, CONTEXT)


def test_source_note_and_benchmark_file_name_travel_and_are_bounded() -> None:
    text, _ = encode_state(PERIODS, None, CONTEXT, "id,kpi\n", source_note="typed in the form",
                           catalogue_name="board.csv")
    state = decode_state(text)
    assert state.source_note == "typed in the form" and state.catalogue_name == "board.csv"
    long_note = encode_state(PERIODS, None, CONTEXT, source_note="x" * 5000)[0]
    assert decode_state(long_note).source_note == "x" * 200
    hostile = decode_state(_raw({"p": [], "n": ["not", "text"], "bn": "b.csv"}))
    assert hostile.source_note is None and hostile.catalogue_name is None  # no rows: no name
    control = decode_state(_raw({"p": [], "n": "a\x00b\nc"}))
    assert control.source_note == "abc"


def test_typed_but_not_applied_texts_travel_and_are_bounded() -> None:
    text, _ = encode_state({}, None, CONTEXT, draft={"leads": "1.500", "nope": "9", "mqls": "x" * 99})
    assert decode_state(text).draft == {"leads": "1.500", "mqls": "x" * 40}
    hostile = decode_state(_raw({"p": [], "d": {"leads": 5, "mqls": "a\x00b", "rm -rf": "1"}}))
    assert hostile.draft == {"mqls": "ab"}
    assert decode_state(_raw({"p": [], "d": ["leads"]})).draft == {}
