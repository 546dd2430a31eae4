"""funnel_core.page_state.form: the form read like a file, and the editable table."""

from __future__ import annotations

import math

import pytest

from funnel_core.domain.constants import FIELDS
from funnel_core.domain.model import SnapshotError
from funnel_core.page_state import form


def test_editor_frame_and_edits() -> None:
    frame = form.editor_frame({"visitors": 20000.0})
    assert list(frame.columns) == list(form.EDITOR_COLUMNS)
    assert len(frame) == len(FIELDS)
    assert frame.loc[frame["Name"] == "visitors", "Value"].item() == 20000.0
    assert math.isnan(frame.loc[frame["Name"] == "leads", "Value"].item())
    names = list(frame["Name"])
    edits = form.editor_edits({1: {"Value": 1400}, "0": {"Value": None}, 99: {"Value": 3}}, names)
    assert set(edits) == {"leads", "visitors"}
    assert form.apply_editor_edits({"visitors": 20000.0}, edits) == {"leads": 1400.0}
    with pytest.raises(SnapshotError):
        form.apply_editor_edits({}, {"gross_margin": {"Value": 75}})


def test_read_form_german_thousands_alone_is_an_error_with_the_fix() -> None:
    reading = form.read_form({"visitors": "12.500"})
    assert not reading.ok and reading.values == {}
    (error,) = reading.errors
    assert error == ("'12.500' reads as 12.5, which is not a whole number of Website visitors; "
                     "if you meant 12,500, choose the number format 1.234,5.")
    assert form.read_form({"visitors": "12.500"}, "de").values == {"visitors": 12500.0}


def test_read_form_decides_the_format_from_all_typed_fields() -> None:
    reading = form.read_form({"visitors": "12.500", "leads": "1.400", "mrr_start": "48.000,50",
                              "gross_margin": "80 %", "mqls": "", "sqls": None})
    assert reading.ok, reading.errors
    assert reading.convention == "de"
    assert reading.values == {"visitors": 12500.0, "leads": 1400.0, "mrr_start": 48000.5,
                              "gross_margin": pytest.approx(0.8)}
    english = form.read_form({"visitors": "12,500", "mrr_start": "48,000.50", "gross_margin": "0.8"})
    assert english.convention == "en" and english.values["mrr_start"] == 48000.5


def test_read_form_non_whole_count_negative_percent_and_text_are_errors() -> None:
    reading = form.read_form({"leads": "1.234,5", "mrr_churned": "-1.200", "new_customers": "7 %",
                              "mqls": "lots"})
    text = " ".join(reading.errors)
    assert len(reading.errors) == 4
    assert "'1.234,5' reads as 1,234.5, which is not a whole number of Leads" in text
    assert "Enter amounts lost as positive numbers: Churned MRR 1.200, not -1.200" in text
    assert "New customers: '7 %' is a percentage" in text
    assert "MQLs: 'lots' is not a number" in text


def test_read_form_warns_about_an_undecided_ambiguous_reading() -> None:
    reading = form.read_form({"visitors": "1.000"})
    assert reading.values == {"visitors": 1.0}
    assert any("could be read either way" in w and "1,000" in w for w in reading.warnings)
    assert form.read_form({"gross_margin": "80"}).warnings  # a bare 80 is read as 80 %


def test_form_texts_read_back_to_the_stored_values_in_both_formats() -> None:
    stored = {"visitors": 20000.0, "mrr_start": 24180.5, "mrr_new": 1.234, "gross_margin": 0.78}
    for convention in ("auto", "en", "de"):
        shown = form.form_texts(stored, convention)
        assert shown["visitors"] == "20000" and shown["gross_margin"] == "78 %"
        # unchanged texts keep the stored value; re-read from scratch they give it too
        assert form.read_form(shown, convention, stored=stored, shown=shown).values == stored
        fresh = form.read_form(shown, "de" if convention == "de" else "en")
        assert fresh.values == pytest.approx(stored)
    assert form.form_texts({"mrr_start": 24180.5}, "de") == {"mrr_start": "24180,5"}


def test_read_form_kept_fields_do_not_vote_on_the_format() -> None:
    stored = {"mrr_start": 24180.5}
    shown = form.form_texts(stored, "en")                      # "24180.5"
    reading = form.read_form({**shown, "leads": "1.400", "mrr_new": "1.890,00"}, "auto",
                             stored=stored, shown=shown)
    assert reading.ok and reading.convention == "de"
    assert reading.values == {"leads": 1400.0, "mrr_start": 24180.5, "mrr_new": 1890.0}
    assert reading.typed == ("leads", "mrr_new")
