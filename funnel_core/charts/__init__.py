"""Altair chart builders, one module per chart family, returning alt.Chart. Imports the wings below."""
