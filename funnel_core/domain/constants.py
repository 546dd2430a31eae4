"""Names and fixed values the whole product shares: input fields, stages, periods, context.

Everything a page, a parser or a formula needs to agree on lives here, so a field
or a period is spelled exactly once.
"""

from __future__ import annotations
import os as _os

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Literal, Mapping

from funnel_core.domain.i18n import mark
from funnel_core.domain.i18n import tr as translate

#: The project's data files (benchmark catalogue, templates, theme, report stylesheet).
ASSETS_DIR: Path = Path(__file__).resolve().parents[2] / "assets"

FieldKind = Literal["count", "money", "fraction"]



class Labels(Mapping[str, str]):
    """Labels by key, written in English and read in the current language.

    ``LABELS[key]``, ``.get``, ``.items()`` and ``.values()`` give the translation; the keys,
    ``in`` and the order are those of the English mapping. :attr:`english` is the source text
    (for matching what a user wrote in a file, whatever the interface language).
    """

    __slots__ = ("_english",)

    def __init__(self, english: Mapping[str, str]) -> None:
        self._english: dict[str, str] = dict(english)

    def __getitem__(self, key: str) -> str:
        return translate(self._english[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._english)

    def __len__(self) -> int:
        return len(self._english)

    def __contains__(self, key: object) -> bool:
        return key in self._english

    def __repr__(self) -> str:
        return f"Labels({self._english!r})"

    def __reduce__(self):  # pickles as its English source
        return (Labels, (self._english,))

    @property
    def english(self) -> dict[str, str]:
        """The English labels by key (a copy)."""
        return dict(self._english)


@dataclass(frozen=True)
class FieldSpec:
    """One canonical input field.

    Attributes
    ----------
    name : canonical snake_case name used in files, JSON and code.
    label : short human label shown in forms and tables, in the current language (the English
        is ``label_en``).
    stage : key of :data:`STAGES` the field belongs to.
    kind : ``count`` (people, accounts), ``money`` (in the snapshot's currency)
        or ``fraction`` (0..1, e.g. gross margin 0.8).
    help : one-line definition shown next to the form field, in the current language
        (``help_en`` in English).
    signed : ``True`` for the few fields that can be below zero (net burn of a cash-flow positive
        company, a negative profit margin); every other field is never negative.
    """

    name: str
    label_en: str
    stage: str
    kind: FieldKind
    help_en: str
    signed: bool = False

    @property
    def label(self) -> str:
        return translate(self.label_en)

    @property
    def help(self) -> str:
        return translate(self.help_en)


STAGES: Labels = Labels({
    "acquisition": mark("Acquisition & sales funnel"),
    "product_led": mark("Product-led funnel"),
    "retention_revenue": mark("Retention & revenue (MRR)"),
    "unit_economics": mark("Unit economics"),
    "growth_efficiency": mark("Growth & capital efficiency"),
    "nps": mark("Net Promoter Score survey"),
})

FIELDS: tuple[FieldSpec, ...] = (
    # acquisition / sales-led funnel
    FieldSpec("visitors", mark("Website visitors"), "acquisition", "count",
              mark("Unique visitors to the website in the period.")),
    FieldSpec("leads", mark("Leads"), "acquisition", "count",
              mark("Visitors who left contact details (form, demo request, download).")),
    FieldSpec("mqls", mark("MQLs"), "acquisition", "count",
              mark("Marketing-qualified leads: leads marketing judged ready for sales.")),
    FieldSpec("sqls", mark("SQLs"), "acquisition", "count",
              mark("Sales-qualified leads: MQLs sales accepted as a real prospect.")),
    FieldSpec("opportunities", mark("Opportunities"), "acquisition", "count",
              mark("SQLs with an open deal in the pipeline.")),
    FieldSpec("new_customers", mark("New customers"), "acquisition", "count",
              mark("Accounts that started paying in the period (all channels).")),
    # product-led funnel
    FieldSpec("signups", mark("Sign-ups"), "product_led", "count",
              mark("Visitors who created an account (trial or free plan).")),
    FieldSpec("activated_users", mark("Activated users"), "product_led", "count",
              mark("Sign-ups who reached your activation milestone.")),
    FieldSpec("trial_users", mark("Trial users"), "product_led", "count",
              mark("Accounts that started a free trial in the period.")),
    FieldSpec("trial_conversions", mark("Trial conversions"), "product_led", "count",
              mark("Trial accounts that became paying customers.")),
    FieldSpec("freemium_users", mark("Free-plan users"), "product_led", "count",
              mark("Accounts on the free (freemium) plan.")),
    FieldSpec("freemium_conversions", mark("Free-plan conversions"), "product_led", "count",
              mark("Free-plan accounts that upgraded to a paid plan.")),
    FieldSpec("pqls", mark("PQLs"), "product_led", "count",
              mark("Product-qualified leads: users whose product usage signals buying intent.")),
    FieldSpec("pql_conversions", mark("PQL conversions"), "product_led", "count",
              mark("PQLs that became paying customers.")),
    FieldSpec("onboarded_users", mark("Onboarded users"), "product_led", "count",
              mark("Users who completed onboarding.")),
    FieldSpec("adopted_users", mark("Adopted users"), "product_led", "count",
              mark("Onboarded users still actively using the core feature afterwards.")),
    # retention and revenue
    FieldSpec("customers_start", mark("Customers at start"), "retention_revenue", "count",
              mark("Paying accounts at the start of the period.")),
    FieldSpec("customers_churned", mark("Churned customers"), "retention_revenue", "count",
              mark("Accounts among those at the start that stopped paying in the period.")),
    FieldSpec("customers_reactivated", mark("Reactivated customers"), "retention_revenue", "count",
              mark("Former customers who started paying again in the period (not counted as new).")),
    FieldSpec("mrr_start", mark("MRR at start"), "retention_revenue", "money",
              mark("Monthly recurring revenue at the start of the period.")),
    FieldSpec("mrr_new", mark("New MRR"), "retention_revenue", "money",
              mark("MRR from new customers won in the period.")),
    FieldSpec("mrr_expansion", mark("Expansion MRR"), "retention_revenue", "money",
              mark("MRR added by existing customers (upgrades, seats, add-ons).")),
    FieldSpec("mrr_contraction", mark("Contraction MRR"), "retention_revenue", "money",
              mark("MRR lost from existing customers who downgraded (positive amount).")),
    FieldSpec("mrr_churned", mark("Churned MRR"), "retention_revenue", "money",
              mark("MRR lost from customers who cancelled (positive amount).")),
    FieldSpec("mrr_reactivation", mark("Reactivation MRR"), "retention_revenue", "money",
              mark("MRR from former customers who came back in the period (not counted as new MRR).")),
    # unit economics
    FieldSpec("sales_marketing_spend", mark("Sales & marketing spend"), "unit_economics", "money",
              mark("All sales and marketing cost in the period (salaries, tools, ads).")),
    FieldSpec("gross_margin", mark("Gross margin"), "unit_economics", "fraction",
              mark("Gross margin as a fraction of revenue (0.8 = 80 %).")),
    # growth and capital efficiency
    FieldSpec("arr_year_ago", mark("ARR a year ago"), "growth_efficiency", "money",
              mark("ARR (MRR x 12) twelve months before the end of this period.")),
    FieldSpec("net_burn", mark("Net burn"), "growth_efficiency", "money",
              mark("Cash burned in the period (operating cash out minus cash in); negative when the "
              "company generated cash."), signed=True),
    FieldSpec("profit_margin", mark("Profit margin (FCF)"), "growth_efficiency", "fraction",
              mark("Free-cash-flow margin over the last twelve months, as a fraction of revenue "
              "(-0.2 or -20 %); use the EBITDA margin if that is what you track."), signed=True),
    FieldSpec("employees", mark("Employees (FTE)"), "growth_efficiency", "count",
              mark("Full-time equivalents at the end of the period.")),
    FieldSpec("sales_marketing_spend_prior", mark("S&M spend, previous period"), "growth_efficiency",
              "money", mark("Sales and marketing cost of the previous period of the same length.")),
    # NPS
    FieldSpec("nps_promoters", mark("Promoters (9-10)"), "nps", "count",
              mark("Survey answers of 9 or 10.")),
    FieldSpec("nps_passives", mark("Passives (7-8)"), "nps", "count",
              mark("Survey answers of 7 or 8.")),
    FieldSpec("nps_detractors", mark("Detractors (0-6)"), "nps", "count",
              mark("Survey answers from 0 to 6.")),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
FIELDS_BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}

# --- periods ---------------------------------------------------------------------------
Period = Literal["month", "quarter", "year"]
PERIODS: tuple[str, ...] = ("month", "quarter", "year")
MONTHS_IN_PERIOD: dict[str, int] = {"month": 1, "quarter": 3, "year": 12}
PERIOD_LABELS: Labels = Labels({"month": mark("Month"), "quarter": mark("Quarter"), "year": mark("Year")})
#: A period in running text: the lower-case name ("month"), translated.
PERIOD_NAMES: Labels = Labels({"month": mark("month"), "quarter": mark("quarter"), "year": mark("year")})
#: "per month", "per quarter", "per year" (a rate's period in a calculation), translated.
PER_PERIOD: Labels = Labels({"month": mark("per month"), "quarter": mark("per quarter"),
                             "year": mark("per year")})
#: "in the month", "in the quarter", "in the year" (an amount added in the period), translated.
IN_PERIOD: Labels = Labels({"month": mark("in the month"), "quarter": mark("in the quarter"),
                            "year": mark("in the year")})
#: A signed fraction (profit margin) may go down to this (-1,000 %).
SIGNED_FRACTION_FLOOR = -10.0
#: Benchmarks with no period (a conversion rate, a ratio) use this value.
NO_PERIOD = "none"

# --- context that selects matching benchmarks ------------------------------------------
#: "any" in a benchmark row means the figure applies whatever the user's value is.
ANY = "any"

TRIAL_TYPES: Labels = Labels({
    "no_card": mark("Free trial, no credit card (opt-in)"),
    "card_required": mark("Free trial, credit card required (opt-out)"),
    "freemium": mark("Freemium (free plan, no trial)"),
    "none": mark("No trial or free plan"),
})

MOTIONS: Labels = Labels({
    "self_serve": mark("Self-serve (no sales touch)"),
    "sales_assisted": mark("Sales-assisted"),
})

ACV_BANDS: Labels = Labels({
    "vsb": mark("Very small business (ACV under $1K)"),
    "smb": mark("SMB (ACV under $12K)"),
    "mid_market": mark("Mid-market (ACV $12K-$50K)"),
    "enterprise": mark("Enterprise (ACV over $50K)"),
})

PRODUCT_CATEGORIES: Labels = Labels({
    "file_storage_collaboration": mark("File storage & collaboration"),
    "education": mark("Education"),
    "other": mark("Other / not listed"),
})

#: Company size by ARR (annual recurring revenue, USD), the peer groups the growth and
#: efficiency surveys publish (SaaS Capital, Benchmarkit, High Alpha, ChartMogul).
ARR_BANDS: Labels = Labels({
    "under_1m": mark("ARR under $1M"),
    "1m_5m": mark("ARR $1M-$5M"),
    "5m_20m": mark("ARR $5M-$20M"),
    "20m_50m": mark("ARR $20M-$50M"),
    "over_50m": mark("ARR over $50M"),
})

#: Lower edge of each ARR band in USD (a band runs up to the next edge, excluded).
ARR_BAND_FLOORS: dict[str, float] = {
    "under_1m": 0.0,
    "1m_5m": 1_000_000.0,
    "5m_20m": 5_000_000.0,
    "20m_50m": 20_000_000.0,
    "over_50m": 50_000_000.0,
}


def arr_band_for(arr: float) -> str | None:
    """The ARR band (:data:`ARR_BANDS` key) an ARR in USD falls in.

    A band runs from its floor up to the next floor, excluded: $1M exactly is ``1m_5m``.
    Returns ``None`` for a negative or non-finite ARR.
    """
    if not math.isfinite(arr) or arr < 0:
        return None
    return [key for key, floor in ARR_BAND_FLOORS.items() if arr >= floor][-1]


#: How the company is funded; surveys publish VC-backed and bootstrapped peers apart.
FUNDING: Labels = Labels({
    "vc": mark("Venture-backed"),
    "bootstrapped": mark("Bootstrapped (little or no outside equity)"),
})

CONTEXT_FIELDS: tuple[str, ...] = (
    "period", "trial_type", "motion", "acv_band", "product_category", "currency", "arr_band",
    "funding",
)

#: The context keys that select benchmarks (the segment), in the order the app shows them.
SEGMENT_FIELDS: tuple[str, ...] = (
    "trial_type", "motion", "acv_band", "product_category", "arr_band", "funding",
)

CURRENCIES: dict[str, str] = {"USD": "$", "EUR": "€", "GBP": "£", "PLN": "zł", "CHF": "CHF"}
DEFAULT_CURRENCY = "USD"

# --- verdicts ------------------------------------------------------------------------------
VERDICTS: tuple[str, ...] = ("better", "in_line", "worse")
#: Verdict labels, read in the current language (``VERDICT_LABELS["better"]`` is "Besser" in German).
VERDICT_LABELS: Labels = Labels({"better": mark("Better"), "in_line": mark("In line"), "worse": mark("Worse"),
                                 "not_comparable": mark("Not comparable")})
#: The KPI-level verdict when benchmarks match but none can be compared (another definition,
#: e.g. a margin-adjusted payback against your revenue payback); the reason is in its note.
NOT_COMPARABLE = "not_comparable"
#: Every KPI-level verdict (``ComparisonReport.verdict_counts`` has one count per entry).
KPI_VERDICTS: tuple[str, ...] = (*VERDICTS, NOT_COMPARABLE)

# --- verification status of a published figure (shared/BENCHMARKS.md) ------------------------
STATUS_LABELS: Labels = Labels({
    "V": mark("Verified in the source's own publication"),
    "S": mark("Seen only where a secondary page quotes the source"),
    "U": mark("Source not verified"),
})

# --- KPI ids (public contract: JSON, CSV, catalogue files) -----------------------------------
KPI_IDS: tuple[str, ...] = (
    "visitor_to_lead_rate",
    "lead_to_mql_rate",
    "mql_to_sql_rate",
    "sql_to_opportunity_rate",
    "opportunity_win_rate",
    "lead_to_customer_rate",
    "visitor_to_signup_rate",
    "activation_rate",
    "trial_to_paid_rate",
    "freemium_to_paid_rate",
    "pql_to_paid_rate",
    "adoption_rate",
    "customer_churn_rate",
    "customer_churn_rate_annual",
    "gross_mrr_churn_rate",
    "mrr_end",
    "arr",
    "arpa",
    "gross_revenue_retention",
    "net_revenue_retention",
    "expansion_share",
    "quick_ratio",
    "cac",
    "cac_ratio",
    "clv",
    "clv_to_cac",
    "cac_payback_months",
    "nps",
    "mrr_growth_rate",
    "net_new_arr",
    "arr_growth_rate",
    "burn_multiple",
    "rule_of_40",
    "magic_number",
    "sales_marketing_share",
    "arr_per_employee",
    "gross_margin",
)

#: Units a KPI value or a benchmark figure can have.
#: fraction: 0.07 is 7 %; ratio: a plain multiple (3.0 = 3:1); months; currency: an amount in
#: the snapshot's currency (benchmarks in USD); points: NPS scale -100..100.
UNITS: tuple[str, ...] = ("fraction", "ratio", "months", "currency", "points")

#: Kinds of published statistic in the catalogue.
STATISTICS: Labels = Labels({
    "median": mark("Median"),
    "average": mark("Average"),
    "target": mark("Target (what good companies reach, not an average)"),
    "range": mark("Typical range"),
    "quartiles": mark("Quartiles (P25 / median / P75)"),
    "good_great": mark("Good / great"),
    "threshold": mark("Threshold"),
    "concern": mark("Concern level (past it is a warning sign; not a median)"),
})

#: Statistics that are a bar to reach or a level to stay clear of (good / great are two such
#: bars), not a description of typical companies. They are shown, but never the main benchmark of
#: a KPI while a central figure (median, average, quartiles, range) exists.
NON_CENTRAL_STATISTICS: tuple[str, ...] = ("good_great", "target", "threshold", "concern")

#: Whether the published bound itself meets a threshold, target or concern level (catalogue
#: column ``bound``; optional, ``inclusive`` when absent). "Under 3 %" is strict: 3 % is not met.
BOUNDS: Labels = Labels({
    "inclusive": mark("The bound itself meets it (at least / at most: >=, <=)"),
    "strict": mark("The bound itself does not meet it (more than / under: >, <)"),
})

#: How directly a published figure measures the same thing as our KPI (catalogue column
#: ``comparability``; optional in user files, default ``direct``). The main benchmark of a KPI is
#: chosen among the most comparable figures; the others are still shown with this label.
COMPARABILITY: Labels = Labels({
    "direct": mark("Same definition"),
    "approximate": mark("Similar definition (see the note)"),
    "doubtful": mark("Probably measures something else (see the note); never the main benchmark"),
})


#: Seconds a cached upload, table or rendered chart stays in the server's memory after it was
#: made. Bounded so the memory of sessions that have ended comes back within minutes (see
#: :mod:`funnel_core.page_state.housekeeping`). ``FUNNEL_CACHE_TTL`` overrides it (the load
#: benchmark uses a short value so it need not wait ten minutes).
CACHE_TTL_SECONDS: float = float(_os.environ.get("FUNNEL_CACHE_TTL", "600") or 600)
