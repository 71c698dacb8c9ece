"""The household in need of the case tests."""

from doudi.cases.tests.conftest import household  # noqa: F401
