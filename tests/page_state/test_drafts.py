"""Typed but not applied: the draft is data, and says how many fields wait."""

from __future__ import annotations

from funnel_core.page_state.drafts import pending_fields, shown_texts, unapplied_text, update_draft

SHOWN = {"visitors": "20000", "leads": "1400"}


def test_typing_the_stored_text_again_is_no_draft() -> None:
    draft = update_draft({}, "visitors", "21000", SHOWN)
    assert draft == {"visitors": "21000"}
    draft = update_draft(draft, "mqls", "560", SHOWN)
    draft = update_draft(draft, "visitors", " 20000 ", SHOWN)  # back to the stored number
    assert draft == {"mqls": "560"}
    assert update_draft(draft, "mqls", "", SHOWN) == {}         # nothing stored, nothing typed
    assert update_draft({}, "leads", "", SHOWN) == {"leads": ""}  # clearing a stored number is a change
    assert update_draft({"junk": "1"}, "nope", "1", SHOWN) == {}


def test_pending_fields_in_form_order_and_what_the_form_shows() -> None:
    draft = {"mrr_new": "5000", "visitors": "20000", "leads": "1500"}
    assert pending_fields(draft, SHOWN) == ["leads", "mrr_new"]
    texts = shown_texts(draft, SHOWN)
    assert texts["leads"] == "1500" and texts["visitors"] == "20000" and texts["mqls"] == ""


def test_unapplied_text() -> None:
    assert unapplied_text([]) == ""
    assert unapplied_text(["visitors"]) == "1 field typed but not applied yet: Website visitors"
    text = unapplied_text(["visitors", "leads", "mqls", "sqls", "mrr_new"])
    assert text == "5 fields typed but not applied yet: Website visitors, Leads, MQLs and 2 more"
