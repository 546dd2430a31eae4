"""The core must never load the UI framework."""

import subprocess
import sys


def test_import_funnel_core_does_not_load_streamlit():
    code = (
        "import sys, funnel_core, funnel_core.benchmarks.compare, funnel_core.cli.main, funnel_core.metrics.kpis;"
        "import funnel_core.inputs.parsing, funnel_core.benchmarks.catalogue;"
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
