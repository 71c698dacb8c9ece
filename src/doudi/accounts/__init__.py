"""Staff accounts, their roles and the jurisdiction each one may see and act in."""
