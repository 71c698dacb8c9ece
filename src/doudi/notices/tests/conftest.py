"""One household on the 7-day notice (cases' fixtures and helpers)."""

from doudi.cases.tests.conftest import household  # noqa: F401
