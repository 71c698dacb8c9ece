"""Policy as code: every program's eligibility and amount from dated, referenced parameters."""
