"""Published benchmarks drawn on charts of your own history and cohorts.

- :func:`benchmark_band`: the primary benchmark of a KPI, expressed in the KPI's own period (an
  annual churn figure becomes monthly by compounding), drawn as a band behind a trend line
  (:class:`BenchmarkBand`, built by :func:`band_for`);
- :func:`retention_benchmarks`: published figures drawn on cohort retention curves
  (:class:`RetentionBenchmark`): monthly customer churn figures as curves ``(1 - churn)^k`` and
  retention figures at one month as points. Built only from what the catalogue holds, never
  invented.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from funnel_core.benchmarks.catalogue import FILTER_COLUMNS, UNMAPPED_FIGURES, Benchmark, load_catalogue
from funnel_core.benchmarks.compare import compare, primary_comparison
from funnel_core.domain.constants import MONTHS_IN_PERIOD, PERIOD_NAMES
from funnel_core.domain.formatting import format_value
from funnel_core.domain.i18n import mark, tr
from funnel_core.domain.json_safe import sanitize
from funnel_core.domain.model import Snapshot
from funnel_core.domain.periods import ConversionError, convert
from funnel_core.metrics.kpis import KPIS_BY_ID, compute_kpi

__all__ = [
    "BenchmarkBand",
    "RetentionBenchmark",
    "band_for",
    "benchmark_band",
    "default_retention_benchmarks",
    "retention_benchmarks",
]


@dataclass(frozen=True)
class BenchmarkBand:
    """The primary benchmark of a KPI, expressed in the KPI's own period.

    Attributes
    ----------
    kpi : the KPI id.
    benchmark : the catalogue row.
    low, median, high : the published figures converted to ``period`` (``None`` when not given).
    period : the period the figures are expressed in (the KPI's value period).
    conversion_note : what was done to the published figures, ``None`` when nothing.
    """

    kpi: str
    benchmark: Benchmark
    low: float | None
    median: float | None
    high: float | None
    period: str
    conversion_note: str | None = None

    @property
    def source_text(self) -> str:
        b = self.benchmark
        year = f", {b.year}" if b.year and str(b.year) not in b.source else ""
        return f"{b.source}{year}"

    def describe(self) -> str:
        """A one-line description for a chart subtitle."""
        b = self.benchmark
        text = tr("Benchmark: {label} ({source}; status {status})", label=b.label,
                  source=self.source_text, status=b.status)
        if self.conversion_note:
            text += f"; {self.conversion_note}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return sanitize({
            "kpi": self.kpi, "benchmark_id": self.benchmark.id, "label": self.benchmark.label,
            "statistic": self.benchmark.statistic, "low": self.low, "median": self.median,
            "high": self.high, "period": self.period, "published_period": self.benchmark.period,
            "source": self.benchmark.source, "year": self.benchmark.year,
            "status": self.benchmark.status, "conversion_note": self.conversion_note,
        })


def _period_name(period: str) -> str:
    """A period in running text ("month"), in the current language."""
    return PERIOD_NAMES[period] if period in PERIOD_NAMES else period


def band_for(benchmark: Benchmark, kpi_id: str, period: str) -> BenchmarkBand | None:
    """Express ``benchmark`` in ``period`` (the KPI's value period); ``None`` if impossible."""
    spec = KPIS_BY_ID[kpi_id]
    if benchmark.unit != spec.unit:
        return None
    figures = (benchmark.low, benchmark.median, benchmark.high)
    note = None
    if spec.period_kind is not None and benchmark.period != period:
        try:
            converted = [None if f is None else convert(f, spec.period_kind, benchmark.period, period)[0]
                         for f in figures]
        except ConversionError:
            return None
        months_from, months_to = MONTHS_IN_PERIOD[benchmark.period], MONTHS_IN_PERIOD[period]
        formula = (f"1 - (1 - x)^({months_to}/{months_from})" if spec.period_kind == "churn"
                   else f"x^({months_to}/{months_from})")
        note = tr("published per {published}, shown per {shown} by compounding ({formula})",
                  published=_period_name(benchmark.period), shown=_period_name(period),
                  formula=formula)
        figures = tuple(converted)  # type: ignore[assignment]
    low, median, high = figures
    if all(v is None or not math.isfinite(v) for v in figures):
        return None
    return BenchmarkBand(kpi_id, benchmark, low, median, high, period, note)


def benchmark_band(snapshots: Sequence[Snapshot], kpi_id: str,
                   catalogue: Sequence[Benchmark] | None = None) -> BenchmarkBand | None:
    """The primary benchmark of ``kpi_id`` for the latest period where the KPI has a value.

    The benchmark is the one :func:`funnel_core.benchmarks.compare.primary_comparison` picks for that
    period's context, converted to the KPI's own period (an annual churn figure becomes monthly
    by compounding). ``None`` when the KPI has no value or no comparable benchmark.
    """
    spec = KPIS_BY_ID[kpi_id]
    for snapshot in reversed(list(snapshots)):
        result = compute_kpi(spec, snapshot)
        if result.value is None:
            continue
        report = compare(snapshot, catalogue)
        primary = primary_comparison(report.get(kpi_id))
        if primary is None:
            return None
        return band_for(primary.benchmark, kpi_id, result.period)
    return None


@dataclass(frozen=True)
class RetentionBenchmark:
    """A published figure drawn on cohort retention curves.

    ``kind == "curve"``: a monthly customer churn figure turned into the share of a cohort
    still paying after ``k`` months, ``(1 - churn) ** k``; ``churn_low``/``churn_high`` are the
    monthly churn bounds (equal for a single figure; ``churn_low`` is ``None`` for an "at most"
    threshold). ``kind == "point"``: a retention figure at one month (``month``, ``value``).

    Attributes
    ----------
    id : a stable id (the catalogue id, or ``unmapped:...`` for a context-only figure).
    label : short text drawn next to the curve or point.
    source : who published it (and when).
    status : ``V``/``S``/``U`` when it comes from the catalogue, else ``None``.
    basis : what it measures, e.g. ``"paying customers (monthly churn)"`` or
        ``"users, not paying customers"``.
    note : how it was turned into retention (conversion, caveat).
    """

    id: str
    kind: str
    label: str
    source: str
    status: str | None
    basis: str
    note: str
    churn_low: float | None = None
    churn_high: float | None = None
    month: int | None = None
    value: float | None = None

    def curve(self, months: int) -> list[dict[str, Any]]:
        """Rows ``{months_since_start, value, lower, upper, label}`` for k = 0..``months``.

        ``value`` is the curve of the middle churn figure; ``lower``/``upper`` span a range
        (equal to ``value`` for a single figure). Empty for a point benchmark.
        """
        if self.kind != "curve" or self.churn_high is None:
            return []
        low = self.churn_low if self.churn_low is not None else self.churn_high
        high = self.churn_high
        middle = (low + high) / 2
        rows = []
        for k in range(0, max(1, months) + 1):
            rows.append({
                "months_since_start": k,
                "value": (1 - middle) ** k,
                "lower": (1 - high) ** k,
                "upper": (1 - low) ** k,
                "label": self.label,
            })
        return rows

    def as_point(self) -> dict[str, Any] | None:
        """``{"label", "month", "value", "source", "basis"}`` for
        :func:`funnel_core.charts.cohorts.retention_curves`, which draws it as a marker at
        ``month`` only (a figure for one month is not a level that holds at every month)."""
        if self.kind != "point" or self.value is None or self.month is None:
            return None
        return {"label": self.label, "month": self.month, "value": self.value,
                "source": self.source, "basis": self.basis}

    def to_dict(self) -> dict[str, Any]:
        return sanitize({
            "id": self.id, "kind": self.kind, "label": self.label, "source": self.source,
            "status": self.status, "basis": self.basis, "note": self.note,
            "churn_low": self.churn_low, "churn_high": self.churn_high, "month": self.month,
            "value": self.value,
        })


def _pct(value: float) -> str:
    return format_value(value, "fraction")


def _specificity(b: Benchmark) -> int:
    return sum(1 for column in FILTER_COLUMNS if getattr(b, column) != ("any",))


def _churn_curves(context: Mapping[str, Any], catalogue: Sequence[Benchmark]) -> list[RetentionBenchmark]:
    selectors = {k: context.get(k) for k in FILTER_COLUMNS}
    said = any(v not in (None, "", "any") for v in selectors.values())
    status_rank = {"V": 0, "S": 1, "U": 2}
    candidates = [(i, b) for i, b in enumerate(catalogue)
                  if b.kpi == "customer_churn_rate" and b.matches(selectors)]
    # segment-specific first when the user said their segment, broad figures first otherwise
    candidates.sort(key=lambda ib: ((-1 if said else 1) * _specificity(ib[1]),
                                    status_rank.get(ib[1].status, 3), -(ib[1].year or 0), ib[0]))
    out: list[RetentionBenchmark] = []
    for _, b in candidates:
        band = band_for(b, "customer_churn_rate", "month")
        if band is None:
            continue
        low, median, high = band.low, band.median, band.high
        if low is not None and high is not None:
            churn_low, churn_high = low, high
            figure = f"{_pct(low)}-{_pct(high)}"
        elif median is not None:
            churn_low = churn_high = median
            figure = _pct(median)
        elif high is not None:
            churn_low, churn_high = None, high
            figure = tr("at most {value}", value=_pct(high))
        else:
            continue  # "at least x % churn" says nothing about good retention
        if not (0 <= (churn_low if churn_low is not None else 0) <= 1 and 0 <= churn_high <= 1):
            continue
        note = tr("retention after k months = (1 - monthly churn)^k")
        if band.conversion_note:
            note = f"{band.conversion_note}; {note}"
        year = f", {b.year}" if b.year and str(b.year) not in b.source else ""
        out.append(RetentionBenchmark(
            id=b.id, kind="curve",
            label=tr("{label}: {figure} monthly churn", label=b.label, figure=figure),
            source=f"{b.source}{year}", status=b.status,
            basis=tr("paying customers ({segment})", segment=b.segment), note=note,
            churn_low=churn_low, churn_high=churn_high,
        ))
    return out


_USERPILOT_MONTH1 = re.compile(
    r"Month-1 user retention:\s*([\d.]+)\s*%[^(]*\(([^)]*)\)", re.IGNORECASE)
_SIX_MONTH = re.compile(
    r"6-month user retention, good / great:\s*SMB & mid-market\s*([\d.]+)\s*/\s*([\d.]+)\s*%,"
    r"\s*enterprise\s*([\d.]+)\s*/\s*([\d.]+)\s*%\s*\(([^)]*)\)", re.IGNORECASE)


#: What the user-retention figures measure; part of their label, so it is never lost.
_USERS = mark("users, not paying customers")


_SIX_MONTH_LABELS: dict[str, str] = {
    "good": mark("6-month user retention, good ({segment}): {value} ({users})"),
    "great": mark("6-month user retention, great ({segment}): {value} ({users})"),
}


def _unmapped_points(context: Mapping[str, Any], texts: Sequence[str]) -> list[RetentionBenchmark]:
    """Retention points quoted in the catalogue's context-only figures (only those present)."""
    out: list[RetentionBenchmark] = []
    caveat = tr("user retention, not paying customers: shown for context only")
    users = tr(_USERS)
    for text in texts:
        match = _USERPILOT_MONTH1.search(text)
        if match:
            value = float(match.group(1)) / 100
            out.append(RetentionBenchmark(
                id="unmapped:userpilot_month1_user_retention", kind="point",
                label=tr("Month-1 user retention, average: {value} ({users})", value=_pct(value),
                         users=users),
                source=match.group(2).strip(), status=None, basis=users,
                note=caveat, month=1, value=value))
        match = _SIX_MONTH.search(text)
        if match:
            enterprise = context.get("acv_band") == "enterprise"
            good, great = (match.group(3), match.group(4)) if enterprise else (match.group(1), match.group(2))
            segment = tr("enterprise") if enterprise else tr("SMB & mid-market")
            source = match.group(5).strip()
            for word, raw in (("good", good), ("great", great)):
                value = float(raw) / 100
                out.append(RetentionBenchmark(
                    id=f"unmapped:six_month_user_retention_{word}", kind="point",
                    label=tr(_SIX_MONTH_LABELS[word], segment=segment, value=_pct(value),
                             users=users),
                    source=source, status=None, basis=users,
                    note=caveat, month=6, value=value))
    return out


def retention_benchmarks(context: Mapping[str, Any] | None = None,
                         catalogue: Sequence[Benchmark] | None = None,
                         unmapped: Sequence[str] | None = None) -> list[RetentionBenchmark]:
    """Published figures that can be drawn on cohort (logo) retention curves.

    Built only from what the catalogue holds, never invented:

    - every monthly customer churn figure matching ``context`` (annual ones converted to
      monthly by compounding) as a curve ``(1 - churn)^k``; segment-specific figures first
      when the context names a segment, broad ones first otherwise;
    - retention figures quoted in :data:`funnel_core.benchmarks.catalogue.UNMAPPED_FIGURES` (Userpilot
      month-1 user retention, Rachitsky & Winters 6-month user retention), when present, as
      points: one figure at one month (months since start, month 0 = the start month), drawn
      as a marker at that month only; their label says they measure users, not paying
      customers.
    """
    context = dict(context or {})
    if catalogue is None:
        catalogue = load_catalogue()
    texts = UNMAPPED_FIGURES if unmapped is None else unmapped
    return _churn_curves(context, catalogue) + _unmapped_points(context, texts)


def default_retention_benchmarks(benchmarks: Sequence[RetentionBenchmark]) -> list[str]:
    """Ids drawn by default: the first churn curve and the first point figure."""
    out: list[str] = []
    for kind in ("curve", "point"):
        for b in benchmarks:
            if b.kind == kind:
                out.append(b.id)
                break
    return out
