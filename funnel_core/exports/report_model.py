"""The report's content: the summary data the HTML and PDF reports print, already in words.

:func:`summarize` turns a comparison into a :class:`ReportSummary`: verdict counts, the three
biggest gaps, the KPI table with every matching benchmark, numbered sources (numbered as on
the overview chart), warnings and definitions. The helpers at the end word the one-page
board summary. Nothing here renders a format; the renderers (:mod:`.report_html`,
:mod:`.report_pdf`) import this module, never the other way round.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, replace
from typing import Any

from funnel_core.benchmarks.age import year_suffix
from funnel_core.benchmarks.compare import BenchmarkComparison, ComparisonReport, KpiComparison, primary_comparison
from funnel_core.benchmarks.focus import focus_comparison, weak_caveat
from funnel_core.benchmarks.percentile import short_position
from funnel_core.domain.constants import NOT_COMPARABLE, STATUS_LABELS, VERDICTS
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import mark, tr, tr_n
from funnel_core.exports.growth_line import growth_line
from funnel_core.exports.sanitize import finite
from funnel_core.exports.settings import as_of_date, product_name
from funnel_core.exports.wording import (benchmark_figure_text, beyond_published_spread, context_items,
                                         gap_sentence, gap_text, kpi_label, per_period)

__all__ = [
    "REPORT_RULES",
    "BenchmarkLine",
    "Footnote",
    "GapItem",
    "ReportSummary",
    "TableRow",
    "context_pairs",
    "coverage_line",
    "page_notes_intro",
    "better_text",
    "report_rules",
    "short_note",
    "summarize",
    "where_text",
]

@dataclass(frozen=True)
class Footnote:
    """One numbered benchmark source (numbered per benchmark, like the charts' footers)."""

    number: int
    source: str
    year: int | None
    status: str
    status_label: str
    url: str
    user_supplied: bool
    origin: str
    figure: str = ""
    segment: str = ""
    #: what the figure's years add to the source's name (``"2022, published 2023"``, ``"dated"``;
    #: :func:`funnel_core.benchmarks.age.year_suffix`); ``None``: the plain year
    suffix: str | None = None

    @property
    def year_text(self) -> str:
        """``", 2023"``, ``", 2017, dated"``; empty when the source's name already says it all."""
        if self.suffix is not None:
            return f", {self.suffix}" if self.suffix else ""
        if self.year is None:
            return ", " + tr("year not stated")
        return "" if str(self.year) in self.source else f", {self.year}"


@dataclass(frozen=True)
class BenchmarkLine:
    """One more benchmark of a KPI (besides its main one), for the report's full table.

    ``converted`` is the user's value in this benchmark's period when it differs from the
    KPI's own period, else empty. ``gap`` is where you stand: the percentile where the source
    publishes a spread, else the gap (``"~68th percentile"``, ``"+2.3 pp"``); ``note`` says when
    the row is an older edition counted through a newer one.
    """

    benchmark: str
    verdict: str | None
    gap: str
    footnote: int
    segment: str
    user_supplied: bool
    converted: str = ""
    note: str = ""


@dataclass(frozen=True)
class GapItem:
    """One of the biggest gaps: the sentence without the source's name, and its footnote."""

    text: str
    verdict: str
    footnote: int | None


@dataclass(frozen=True)
class TableRow:
    """One KPI in the table: its main benchmark, and in ``others`` every other one.

    ``value`` is the KPI in its own period; ``converted`` the same value in the main
    benchmark's period when they differ (e.g. monthly churn shown per year), else empty.
    ``verdict`` is the KPI-level verdict (``not_comparable`` possible); ``gap`` where you stand
    (percentile or gap); ``note`` the caveats of the verdict ("one month compounded to a year:
    noisy", "not comparable: the benchmark is margin-adjusted, ...").
    """

    kpi_id: str
    label: str
    value: str
    benchmark: str
    verdict: str | None
    gap: str
    footnote: int | None
    more: int
    segment: str
    user_supplied: bool
    converted: str = ""
    others: tuple[BenchmarkLine, ...] = ()
    note: str = ""


#: How verdicts, gaps and statuses are decided (the report's definitions; as in the workbook).
REPORT_RULES: tuple[tuple[str, str], ...] = (
    (mark("main benchmark"), mark(
        "One per KPI: the closest segment match, then the best-verified source "
        "(V, S, U), then a central figure (quartiles, median, average, range; a "
        "target or threshold only when nothing central is published), then the "
        "newest. Its verdict is the KPI's; each publication counts once.")),
    (mark("better / worse"), mark(
        "Outside a published range, on the good or the bad side (direction-aware: "
        "lower churn is better).")),
    (mark("in line"), mark(
        "Inside the range, or within the band around a single figure: +-2 pp a year "
        "(+-0.5 pp a month) for retention and churn, +-15 % for conversion rates, money "
        "and months, +-10 % for ratios, +-5 points for NPS; decided at the precision shown.")),
    (mark("threshold / target"), mark(
        "Meeting a one-sided threshold or target is better, missing it worse "
        "('under 3 %' is not met at 3 %); staying clear of a concern level is "
        "in line.")),
    (mark("percentile"), mark(
        "Where a source publishes quartiles (or good / great, read as the 50th and 75th "
        "percentile), the share of its companies you do better than, interpolated; "
        "never extrapolated beyond the published points.")),
    (mark("gap"), mark(
        "Your value minus the reference (the median when published, else the nearest bound), "
        "in the benchmark's unit; for rates in percentage points (pp).")),
    (mark("not comparable"), mark(
        "A payback or CLV : CAC without gross margin against a margin-adjusted "
        "figure gets no verdict.")),
    (mark("periods"), mark(
        "Churn and retention are converted between month, quarter and year by "
        "compounding, never by multiplying.")),
    (mark("currency"), mark("Benchmark amounts are in USD and are not converted.")),
)


def report_rules() -> list[tuple[str, str]]:
    """:data:`REPORT_RULES` in the current language."""
    return [(tr(name), tr(text)) for name, text in REPORT_RULES]


def better_text(better: str) -> str:
    """``"higher is better"``, ``"lower is better"`` or ``"size figure"`` (a definition's direction)."""
    if better == "higher":
        return tr("higher is better")
    if better == "lower":
        return tr("lower is better")
    return f"{better} is better" if better else tr("size figure")


@dataclass
class ReportSummary:
    """Everything the HTML and PDF reports print, already in words.

    Attributes
    ----------
    title, date, snapshot_label, context : header lines (label is user text: escape it).
    kpi_counts : verdict -> number of KPIs whose main benchmark gives that verdict.
    kpis_compared : KPIs with a verdict against their main benchmark.
    all_counts : verdict -> number over every counted KPI x benchmark comparison (each
        publication once, as on screen).
    gaps : up to three plain-English sentences, shortfalls first, biggest relative gap first;
        decided by the KPI's main benchmark, or by a better-sourced figure when the main one is
        unverified or a target (:func:`~funnel_core.benchmarks.focus.focus_comparison`).
    rows : the compact table, computable KPIs in catalogue order.
    not_computable : (KPI label, reason) pairs.
    warnings, notes : input warnings and file notes.
    footnotes : numbered sources of the main benchmarks, numbered as on the overview chart.
    comparisons : the number of KPI x benchmark comparisons (all are in CSV/XLSX).
    gap_items : the ``gaps`` again, without the source's name, with verdict and footnote.
    other_footnotes : sources of the other benchmarks of the full table, numbered on from
        the last of ``footnotes``.
    definitions : (KPI label, formula, "higher" / "lower" / "" is better) of every KPI listed.
    not_comparable : KPIs whose matching figures all use another definition (no verdict).
    """

    title: str
    date: str
    snapshot_label: str | None
    context: list[tuple[str, str, str]]
    kpi_counts: dict[str, int]
    kpis_compared: int
    all_counts: dict[str, int]
    gaps: list[str]
    rows: list[TableRow]
    not_computable: list[tuple[str, str]]
    warnings: list[str]
    notes: list[str]
    footnotes: list[Footnote] = field(default_factory=list)
    comparisons: int = 0
    gap_items: list[GapItem] = field(default_factory=list)
    other_footnotes: list[Footnote] = field(default_factory=list)
    definitions: list[tuple[str, str, str]] = field(default_factory=list)
    not_comparable: int = 0
    #: page 1's growth & efficiency line (:func:`funnel_core.exports.growth_line.growth_line`)
    growth_line: str = ""
    #: the report's one numbering of its sources, ``(origin, benchmark id) -> number``: the
    #: charts of the report number their sources with it (never from [1] again)
    source_numbers: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def all_footnotes(self) -> list[Footnote]:
        """Every numbered source: the main benchmarks', then the other benchmarks'."""
        return list(self.footnotes) + list(self.other_footnotes)

    @property
    def without_benchmark(self) -> int:
        """Computed KPIs that have no published benchmark to compare with."""
        return sum(1 for row in self.rows if row.footnote is None)

    def headline(self) -> str:
        """``Against their main benchmark, 18 KPIs: 6 better, 7 in line, 5 worse.``"""
        c = self.kpi_counts
        if not self.kpis_compared:
            return tr("No KPI could be compared with a published benchmark yet.")
        text = tr_n("Against their main benchmark, {n} KPIs: {better} better, {in_line} in line, "
                    "{worse} worse.",
                    "Against their main benchmark, {n} KPIs: {better} better, {in_line} in line, "
                    "{worse} worse.", self.kpis_compared,
                    better=c["better"], in_line=c["in_line"], worse=c["worse"])
        if self.not_comparable:
            text += " " + tr("{n} not comparable (another definition, e.g. without gross margin).",
                             n=self.not_comparable)
        return text

    def all_line(self) -> str:
        """The counts over every comparison, as the results page shows them."""
        c = self.all_counts
        total = sum(c.values())
        return tr_n("Counting every matching benchmark, each publication once ({n} comparisons "
                    "with a verdict): {better} better, {in_line} in line, {worse} worse.",
                    "Counting every matching benchmark, each publication once ({n} comparisons "
                    "with a verdict): {better} better, {in_line} in line, {worse} worse.", total,
                    better=c["better"], in_line=c["in_line"], worse=c["worse"])


def summarize(report: ComparisonReport, as_of: _dt.date | str | None = None) -> ReportSummary:
    """Turn a report into the words and rows the HTML and PDF reports print.

    Parameters
    ----------
    report : the comparison.
    as_of : report date (today by default).

    Returns
    -------
    ReportSummary
    """
    currency = report.snapshot.context.currency
    kpi_counts = {v: 0 for v in VERDICTS}
    not_comparable = 0
    rows: list[TableRow] = []
    not_computable: list[tuple[str, str]] = []
    footnotes: list[Footnote] = []
    note_index: dict[tuple[str, str], int] = {}
    ranked: list[tuple[int, float, KpiComparison, BenchmarkComparison]] = []

    def footnote_for(comp: BenchmarkComparison, notes: list[Footnote] | None = None) -> int:
        # one number per benchmark, in order of first use: the numbering of the charts
        notes = footnotes if notes is None else notes
        b = comp.benchmark
        key = (b.origin, b.id)
        if key not in note_index:
            note_index[key] = len(note_index) + 1
            notes.append(Footnote(
                number=len(note_index), source=b.source, year=b.year, status=b.status,
                status_label=tr(STATUS_LABELS.get(b.status, b.status)), url=b.url or "",
                user_supplied=b.origin != "published", origin=b.origin,
                figure=benchmark_figure_text(comp), segment=b.segment,
                suffix=year_suffix(b.source, b) if (b.year or b.published) else None))
        return note_index[key]

    def converted_text(kpi: Any, comp: BenchmarkComparison) -> str:
        if (comp.user_value is not None and comp.benchmark.period not in (kpi.period, "none")
                and kpi.spec.period_kind is not None):
            return f"{format_value(comp.user_value, kpi.spec.unit, currency)} {per_period(comp.benchmark.period)}"
        return ""

    mains: dict[str, BenchmarkComparison] = {}

    comparisons = 0
    for item in report.kpis:
        kpi = item.kpi
        comparisons += len(item.comparisons)
        if not kpi.computable:
            not_computable.append((kpi_label(kpi.spec), kpi.reason or tr("not computable")))
            continue
        value = format_value(kpi.value, kpi.spec.unit, currency)
        if kpi.period not in (None, "", "none"):
            value += " " + per_period(kpi.period)
        main = primary_comparison(item)
        if main is None:
            reasons = {c.reason for c in item.comparisons if c.reason}
            rows.append(TableRow(kpi.id, kpi_label(kpi.spec), value,
                                 "; ".join(sorted(reasons)) if reasons
                                 else tr("no published benchmark in our catalogue"),
                                 None, "", None, 0, "", False))
            continue
        if item.verdict in VERDICTS:
            kpi_counts[item.verdict] += 1  # type: ignore[index]
        elif item.verdict == NOT_COMPARABLE:
            not_comparable += 1
        decider = focus_comparison(item)  # a weak main figure never decides the biggest gaps
        if decider is not None and decider.verdict in ("better", "worse") and finite(decider.gap):
            rel = finite(decider.relative_gap)
            size = abs(rel) if rel is not None else 0.0
            ranked.append((0 if decider.verdict == "worse" else 1, -size, item, decider))
        mains[kpi.id] = main
        others = sum(1 for c in item.comparisons if c.user_value is not None) - 1
        rows.append(TableRow(
            kpi.id, kpi_label(kpi.spec), value, benchmark_figure_text(main), item.verdict,
            where_text(main, currency), footnote_for(main), max(others, 0),
            main.benchmark.segment, main.benchmark.origin != "published", converted_text(kpi, main),
            note=item.verdict_note or ""))
    # the other benchmarks of each KPI, numbered after the main ones (which keep the charts' numbers)
    other_footnotes: list[Footnote] = []
    by_kpi = {item.kpi.id: item for item in report.kpis}
    for index, row in enumerate(rows):
        main = mains.get(row.kpi_id)
        if main is None:
            continue
        item = by_kpi[row.kpi_id]
        lines = tuple(
            BenchmarkLine(benchmark_figure_text(c), c.verdict, where_text(c, currency),
                          footnote_for(c, other_footnotes), c.benchmark.segment,
                          c.benchmark.origin != "published", converted_text(item.kpi, c),
                          tr("older edition, counted once through the newest") if c.superseded_by else "")
            for c in item.comparisons if c.user_value is not None and c is not main)
        rows[index] = replace(row, others=lines)
    ranked.sort(key=lambda t: (t[0], t[1]))
    gaps = [gap_sentence(item, comp, currency, weak=weak_caveat(comp))
            for _, _, item, comp in ranked[:3]]
    gap_items = [GapItem(gap_sentence(item, comp, currency, cite=False, weak=weak_caveat(comp)),
                         comp.verdict or "",
                         note_index.get((comp.benchmark.origin, comp.benchmark.id))
                         or footnote_for(comp, other_footnotes))
                 for _, _, item, comp in ranked[:3]]
    definitions = []
    for item in report.kpis:
        spec = item.kpi.spec
        better = {True: "higher", False: "lower"}.get(spec.higher_is_better, "")
        definitions.append((kpi_label(spec), tr(spec.formula), better))
    return ReportSummary(
        title=tr("{product} report", product=product_name()),
        date=as_of_date(as_of),
        snapshot_label=report.snapshot.label,
        context=context_items(report),
        kpi_counts=kpi_counts,
        kpis_compared=sum(kpi_counts.values()),
        all_counts=report.comparison_counts(),
        gaps=gaps,
        rows=rows,
        not_computable=not_computable,
        warnings=list(report.warnings),
        notes=list(report.notes),
        footnotes=footnotes,
        comparisons=comparisons,
        gap_items=gap_items,
        other_footnotes=other_footnotes,
        source_numbers=dict(note_index),
        definitions=definitions,
        not_comparable=not_comparable,
        growth_line=growth_line(report),
    )


def where_text(comp: BenchmarkComparison, currency: str) -> str:
    """Where you stand in a table cell: the percentile where the source publishes a spread
    (``"~68th percentile"``, ``"above P75"``), else the gap (``"+2.3 pp"``)."""
    if comp.percentile_rank is not None or beyond_published_spread(comp.position):
        return short_position(comp.percentile_rank, comp.position)
    return gap_text(comp, currency)


# --- the one-page summary's wording, shared by HTML and PDF -------------------------------------

_SHORT_CONTEXT = {"period": mark("Period"), "trial_type": mark("Trial"), "motion": mark("Motion"),
                  "acv_band": mark("Contract size"), "product_category": mark("Category"),
                  "currency": mark("Currency"), "arr_band": mark("ARR band"), "funding": mark("Funding")}


def context_pairs(summary: ReportSummary) -> list[tuple[str, str]]:
    """(short label, value) of the context; the selectors left open are named together."""
    pairs, open_ = [], []
    for key, label, value in summary.context:
        name = tr(_SHORT_CONTEXT[key]) if key in _SHORT_CONTEXT else label
        not_said = str(value).startswith("Not said") or str(value) == tr("Not said (all segments)")
        if key not in ("period", "currency") and not_said:
            open_.append(name)
        else:
            pairs.append((name, value))
    if len(open_) == 1:
        pairs.insert(len(pairs) - 1, (open_[0], tr("not said (all segments)")))
    elif open_:
        pairs.insert(len(pairs) - 1, (tr("Not said (all segments)"), ", ".join(open_)))
    return pairs


def coverage_line(summary: ReportSummary, one_page_only: bool) -> str:
    """How many KPIs the counts cover, e.g. ``27 KPIs computed: 18 with a verdict, ...``."""
    computed = len(summary.rows)
    missing = len(summary.not_computable)
    if not computed:
        text = tr("No KPI could be computed from the inputs.")
    else:
        text = tr_n("{n} KPIs computed from your inputs: {compared} with a verdict",
                    "{n} KPIs computed from your inputs: {compared} with a verdict",
                    computed, compared=summary.kpis_compared)
        if summary.without_benchmark:
            text += ", " + tr("{n} without a published benchmark", n=summary.without_benchmark)
        text += "."
    if missing:
        text += " " + tr("{n} not computable (inputs missing).", n=missing)
    if not one_page_only and (computed or missing):
        text += " " + tr("Details in the appendix.")
    return text


def short_note(note: Footnote) -> str:
    """``Source, year`` of a footnote for the summary page (no "year not stated")."""
    if note.suffix is not None:
        year = f", {note.suffix}" if note.suffix else ""
    else:
        year = "" if note.year is None or str(note.year) in note.source else f", {note.year}"
    mine = " " + tr("(your catalogue {origin})", origin=note.origin) if note.user_supplied else ""
    return f"{note.source}{year}{mine}"


def page_notes_intro(summary: ReportSummary, one_page_only: bool) -> str:
    """The line above the summary page's footnotes (status key and where the details are)."""
    present = [s for s in ("V", "S", "U") if any(n.status == s for n in summary.footnotes)]
    key = "; ".join(f"{s} = {tr(STATUS_LABELS[s]).lower()}" for s in present if s != "U")
    text = tr("Numbered as on the chart") + (". " + tr("Status {key}", key=key) if key else "") + "."
    if one_page_only:
        where = tr("Figures, segments and links: the full report. Benchmark amounts are in USD.")
    else:
        where = tr("Figures, segments and links: the appendix. Benchmark amounts are in USD.")
    return text + " " + where
