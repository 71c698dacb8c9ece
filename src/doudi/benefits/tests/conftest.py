"""The case fixtures: a township's staff, a household in need, a movable clock."""

from doudi.cases.tests.conftest import clock, household, staff  # noqa: F401
