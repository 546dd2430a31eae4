"""Page 1 of the report names growth and efficiency: the growth & efficiency line."""

from __future__ import annotations

from funnel_core.benchmarks.compare import compare
from funnel_core.domain.model import Snapshot
from funnel_core.exports.growth_line import growth_line
from funnel_core.exports.report_html import report_html
from funnel_core.exports.report_model import summarize

# MRR at end = 100,000 + 8,000 + 3,000 - 1,000 - 4,000 = 106,000: MRR growth 6.0 %, net new ARR
# 72,000; ARR growth 1,272,000 / 1,000,000 - 1 = 27.2 %; burn multiple 90,000 / 72,000 = 1.25;
# Rule of 40 = 27.2 % - 20 % = 7.2 %
VALUES = {"mrr_start": 100000, "mrr_new": 8000, "mrr_expansion": 3000, "mrr_contraction": 1000,
          "mrr_churned": 4000, "arr_year_ago": 1_000_000, "net_burn": 90000, "profit_margin": -0.2}


def test_growth_line_names_each_computed_growth_kpi_with_its_verdict() -> None:
    report = compare(Snapshot(VALUES), current_year=2026)
    line = growth_line(report)
    assert line.startswith("Growth & efficiency: ARR growth 27.2 % a year (")
    for part in ("MRR growth +6.0 % per month", "Net new ARR $72,000 in the month",
                 "Burn multiple 1.25x (better)", "Rule of 40 7.2 %"):
        assert part in line, part
    assert "Magic number" not in line  # no S&M spend given: not computable, left out
    assert summarize(report, "2026-01-31").growth_line == line


def test_page_one_of_the_html_report_shows_it_and_an_empty_line_is_left_out() -> None:
    html = report_html(compare(Snapshot(VALUES)), "2026-01-31")
    html = html.decode("utf-8") if isinstance(html, bytes) else html
    assert "Growth &amp; efficiency:</strong> ARR growth 27.2 % a year" in html
    # on page 1: after the verdict counts, before the biggest gaps and the appendix
    at = html.index('class="growth-line')
    assert html.index('class="headline"') < at < html.index("Biggest gaps")
    assert growth_line(compare(Snapshot({"visitors": 100, "leads": 5}))) == ""
