"""Numbers computed from the user's inputs: KPI formulas, trends across periods and cohorts. Imports domain and inputs."""
