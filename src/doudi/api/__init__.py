"""The REST API under /api/v1: token log-in, and the same services and queries as the pages."""
