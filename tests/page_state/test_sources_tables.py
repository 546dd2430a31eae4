"""funnel_core.page_state.sources_tables: the catalogue the pages hold and show, and sources tables."""

from __future__ import annotations

import json

from funnel_core.benchmarks.catalogue import load_catalogue
from funnel_core.domain.constants import FIELDS
from funnel_core.metrics.kpis import KPIS
from funnel_core.page_state import sources_tables


def test_user_catalogue_rows_round_trip() -> None:
    published = load_catalogue()[:3]
    rows = sources_tables.rows_from_benchmarks(published)
    json.dumps(rows)  # JSON-safe for the session
    assert sources_tables.benchmarks_from_rows(rows) == published
    assert sources_tables.catalogue_key(None) == ""
    assert sources_tables.catalogue_key(rows) == sources_tables.catalogue_key(list(rows))
    assert len(sources_tables.full_catalogue(rows)) == len(load_catalogue()) + 3


def test_sources_tables() -> None:
    frame = sources_tables.catalogue_frame(load_catalogue())
    assert len(frame) == len(load_catalogue())
    assert {"KPI", "Figure", "Segment", "Source", "Status", "Link"} <= set(frame.columns)
    assert frame["Status"].str.startswith(("V ·", "S ·", "U ·")).all()
    definitions = sources_tables.definitions_frame()
    assert len(definitions) == len(KPIS)
    assert definitions.set_index("KPI").loc["CAC", "Formula"] == "sales & marketing spend / new customers"
    assert len(sources_tables.fields_frame()) == len(FIELDS)
    text = " ".join(t + " " + d for t, d in sources_tables.SEED_ERRORS)
    assert "46 %" in text and "not 60 %" in text and "100,000 / 200 = 500" in text
