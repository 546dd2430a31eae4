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
    visitors=20000, leads=1400, mqls=560, sqls=140, opportunities=70, new_customers=20,
    signups=900, activated_users=324, trial_users=400, trial_conversions=60,
    freemium_users=1000, freemium_conversions=40, pqls=80, pql_conversions=22,
    onboarded_users=300, adopted_users=75, customers_start=200, customers_churned=6,
    mrr_start=100000, mrr_new=8000, mrr_expansion=3000, mrr_contraction=1000, mrr_churned=2000,
    sales_marketing_spend=60000, gross_margin=0.8, nps_promoters=50, nps_passives=30,
    nps_detractors=20,
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
