"""The payroll's three parties."""

from doudi.payroll.tests.conftest import parties  # noqa: F401
