"""The command line (python -m funnel_core), one module per sub-command. Top of the core."""
