"""The sales funnel's stages and the helpers the benchmark funnel and the focus list share.

No charts here: :mod:`funnel_core.benchmarks.funnel` builds the benchmark funnel and
:mod:`funnel_core.benchmarks.focus` the "where to focus" list from these pieces.
"""

from __future__ import annotations

from dataclasses import dataclass

from funnel_core.benchmarks.catalogue import Benchmark
from funnel_core.benchmarks.compare import ComparisonReport, KpiComparison
from funnel_core.domain.constants import NO_PERIOD, PERIOD_NAMES, STATUS_LABELS
from funnel_core.domain.formatting import format_number, format_value, lower_keeping_acronyms
from funnel_core.domain.i18n import DEFAULT_LANGUAGE, current_language, mark, tr

__all__ = [
    "FOCUS_KPIS",
    "FUNNEL_STAGES",
    "FunnelStage",
    "benchmark_source_text",
    "find_item",
    "label_lower",
    "main_benchmark_of",
    "pct",
    "count_text",
    "in_sentence",
    "reference_rate",
    "statistic_word",
]


@dataclass(frozen=True)
class FunnelStage:
    """One stage of the sales-led funnel.

    Attributes
    ----------
    field : canonical count field of the stage (``"leads"``).
    label_en : human label in English (``"Leads"``); :attr:`label` is in the current language.
    kpi : id of the conversion KPI *into* this stage from the previous one
        (``"visitor_to_lead_rate"``); ``None`` for the first stage.
    """

    field: str
    label_en: str
    kpi: str | None

    @property
    def label(self) -> str:
        """The human label in the current language (``"Leads"``, ``"Besucher"``)."""
        return tr(self.label_en)


#: The sales funnel chain visitors -> leads -> MQLs -> SQLs -> opportunities -> new customers,
#: each stage with the KPI of the step that leads into it.
FUNNEL_STAGES: tuple[FunnelStage, ...] = (
    FunnelStage("visitors", mark("Visitors"), None),
    FunnelStage("leads", mark("Leads"), "visitor_to_lead_rate"),
    FunnelStage("mqls", mark("MQLs"), "lead_to_mql_rate"),
    FunnelStage("sqls", mark("SQLs"), "mql_to_sql_rate"),
    FunnelStage("opportunities", mark("Opportunities"), "sql_to_opportunity_rate"),
    FunnelStage("new_customers", mark("New customers"), "opportunity_win_rate"),
)

#: KPIs :func:`focus_areas` looks at: the five funnel steps, the product-led conversions,
#: activation and monthly customer churn.
FOCUS_KPIS: tuple[str, ...] = (
    *(s.kpi for s in FUNNEL_STAGES if s.kpi is not None),
    "trial_to_paid_rate",
    "freemium_to_paid_rate",
    "pql_to_paid_rate",
    "activation_rate",
    "customer_churn_rate",
)



def reference_rate(benchmark: Benchmark) -> float | None:
    """The single figure the benchmark funnel applies for a benchmark.

    The median when published; otherwise the midpoint ``(low + high) / 2`` of a range;
    otherwise the one bound given (a threshold or target). ``None`` when the row has no figure.
    """
    if benchmark.median is not None:
        return benchmark.median
    if benchmark.low is not None and benchmark.high is not None:
        return (benchmark.low + benchmark.high) / 2
    if benchmark.low is not None:
        return benchmark.low
    return benchmark.high


#: A statistic's key as written in running text (English shows the key itself).
_STATISTIC_WORDS: dict[str, str] = {
    "median": mark("median"), "average": mark("average"), "target": mark("target"),
    "range": mark("range"), "quartiles": mark("quartiles"), "good_great": mark("good_great"),
    "threshold": mark("threshold"), "concern": mark("concern"),
}


def statistic_word(statistic: str) -> str:
    """A catalogue statistic key in running text, in the current language (English: the key)."""
    return tr(_STATISTIC_WORDS[statistic]) if statistic in _STATISTIC_WORDS else statistic


def in_sentence(text: str) -> str:
    """A label inside a sentence: lower case in English (``"Visitors"`` -> ``"visitors"``,
    acronyms kept: ``"Lead to MQL"`` -> ``"lead to MQL"``);
    German keeps its capitals (nouns); French and Polish lower the first letter unless the
    first word is an acronym."""
    language = current_language()
    if language == DEFAULT_LANGUAGE:
        return lower_keeping_acronyms(text)  # "MQL to SQL", not "mql to sql"
    if language == "de" or not text or text[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def benchmark_source_text(benchmark: Benchmark) -> str:
    """``"Source (year), statistic, segment, period; status X"`` for arithmetic and captions."""
    source = benchmark.source
    if benchmark.year is not None and str(benchmark.year) not in source:
        source += f" ({benchmark.year})"
    status_label = STATUS_LABELS[benchmark.status] if benchmark.status in STATUS_LABELS else tr("unknown")
    values = dict(source=source, statistic=statistic_word(benchmark.statistic),
                  segment=benchmark.segment, status=benchmark.status,
                  status_label=in_sentence(status_label))
    if benchmark.period == NO_PERIOD:
        return tr("{source}, {statistic}, segment: {segment}; status {status} ({status_label})",
                  **values)
    period = PERIOD_NAMES[benchmark.period] if benchmark.period in PERIOD_NAMES else benchmark.period
    return tr("{source}, {statistic}, segment: {segment}, per {period}; status {status} "
              "({status_label})", period=period, **values)


def main_benchmark_of(item: KpiComparison) -> Benchmark | None:
    """The main benchmark of a step (:attr:`KpiComparison.main_comparison`), also when the
    user's own rate is not computable (the rule then prefers rows in the KPI's unit)."""
    main = item.main_comparison
    if main is None or main.benchmark.unit != item.kpi.spec.unit:
        return None
    return main.benchmark


def find_item(report: ComparisonReport, kpi_id: str) -> KpiComparison | None:
    """The KPI's comparison in ``report``, ``None`` when the report has no such KPI."""
    try:
        return report.get(kpi_id)
    except KeyError:
        return None


def pct(value: float) -> str:
    """A rate for arithmetic text: two decimals below 10 %, else one (``"4.25 %"``, ``"12.5 %"``)."""
    return format_value(value, "fraction", digits=2 if abs(value) < 0.1 else 1)


def count_text(value: float) -> str:
    """A count for arithmetic text: whole numbers plain, fractions with one decimal."""
    return format_number(value) if float(value).is_integer() else format_value(value, "count", digits=1)


def label_lower(stage: FunnelStage) -> str:
    """``"leads"``, ``"MQLs"``: lower case except acronyms (German nouns keep their capital)."""
    label = stage.label
    if label.isupper() or label[:3].isupper():
        return label
    return in_sentence(label)


