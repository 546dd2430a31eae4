"""Altair chart builders, one module per chart family (specs only, never rendered).

``theme`` (the look, from ``assets/theme.json``), ``labels`` (figures, units, numbered
sources), ``vega`` (plain Vega-Lite building blocks and the finished chart), ``benchmark_rows``
(parts shared by the row charts); the charts: ``overview``, ``bullets``, ``funnel``,
``mrr_bridge``, ``focus``, and ``catalog`` (every chart of the results page, named for
export); ``trends`` and ``cohorts`` for the history and cohort pages. Imports the wings below.
"""
