"""The household in need of the case tests, for the registry exports."""

from doudi.cases.tests.conftest import household  # noqa: F401
