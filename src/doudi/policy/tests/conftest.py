"""The standards' fixtures (a city supervisor, three registered households), for the tests of
the what-if and the evaluations run in the background."""

from doudi.policy.tests.test_standards import registered, supervisor  # noqa: F401
