"""funnel_core: the product's brain. Input model, parsing, KPI formulas, benchmark
catalogue and comparison, charts, exports and the command line. Never imports Streamlit."""

__version__ = "0.1.0"
