"""The payroll's fixtures, for the bank result read in the background."""

from doudi.payroll.tests.conftest import on_benefit, parties  # noqa: F401
