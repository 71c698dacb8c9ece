"""A township's temporary-assistance reserve fund (备用金): every movement, never below zero."""
