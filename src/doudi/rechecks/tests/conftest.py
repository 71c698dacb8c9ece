"""The household in need of the case tests, and the payroll's three parties."""

from doudi.cases.tests.conftest import household  # noqa: F401
from doudi.payroll.tests.conftest import parties  # noqa: F401
