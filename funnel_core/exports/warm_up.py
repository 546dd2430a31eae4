"""Get the downloads ready before the first user asks for one.

Started once per server process, in the background, when the app starts
(:func:`warm_up_in_background`). It starts vl-convert's engine and the render worker
(:func:`funnel_core.exports.images.warm_up`), then writes one full PDF of a fixed sample
company, made up here and never shown. That first PDF is slow (a fresh process compiles
vl-convert's JavaScript for real charts, reads fpdf2's font tables, loads Pillow's and NumPy's
code): paying for it here means a user's first PDF does not. The sample's rendered charts
stay in the render cache until they expire like any other.
"""

from __future__ import annotations

import threading

from funnel_core.benchmarks.compare import compare
from funnel_core.domain.model import Context, Snapshot
from funnel_core.exports import images
from funnel_core.exports.report_pdf import report_pdf

__all__ = ["SAMPLE_VALUES", "warm_up", "warm_up_in_background"]

#: A made-up month of a small SaaS company: every field, so every chart is drawn.
SAMPLE_VALUES = dict(
    visitors=31000, leads=1900, mqls=700, sqls=210, opportunities=95, new_customers=24,
    signups=1250, activated_users=480, trial_users=520, trial_conversions=70,
    freemium_users=1500, freemium_conversions=45, pqls=110, pql_conversions=30,
    onboarded_users=410, adopted_users=120, customers_start=340, customers_churned=9,
    mrr_start=150000, mrr_new=11000, mrr_expansion=4200, mrr_contraction=900, mrr_churned=3100,
    sales_marketing_spend=85000, gross_margin=0.76, nps_promoters=61, nps_passives=25,
    nps_detractors=14,
)

#: The sample's report date (fixed, so its charts are the same every time).
SAMPLE_DATE = "2026-01-31"


def warm_up() -> None:
    """Start vl-convert and the render worker, then write (and drop) the sample's PDF."""
    images.warm_up()
    report = compare(Snapshot(SAMPLE_VALUES, Context(currency="USD"), label="sample"))
    report_pdf(report, SAMPLE_DATE)


_lock = threading.Lock()
_started = False


def warm_up_in_background() -> bool:
    """Run :func:`warm_up` once per process on a daemon thread; True the first time."""
    global _started
    with _lock:
        if _started:
            return False
        _started = True

    def run() -> None:
        try:
            warm_up()
        except Exception:  # noqa: BLE001 - only a head start: the first download does it instead
            pass

    threading.Thread(target=run, name="downloads-warm-up", daemon=True).start()
    return True
