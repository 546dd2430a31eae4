"""The benchmark catalogue (loader and validator), matching a segment, verdicts, positions and the funnel comparison. Imports domain, inputs and metrics."""
