"""Reading check reports: only a user who checks data (the county's civil-affairs bureau), and
only of a case inside their jurisdiction; any other report is reported as not found."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from doudi.accounts.jurisdiction import NOT_FOUND, scope
from doudi.accounts.roles import Permission
from doudi.checks.models import CheckReport
from doudi.errors import OutsideJurisdiction

if TYPE_CHECKING:
    from doudi.accounts.models import User


def reports_visible_to(actor: User) -> QuerySet[CheckReport]:
    return scope(
        actor,
        CheckReport.objects.select_related(
            "data_check__case__household", "data_check__case__region"
        ),
        Permission.CHECK_DATA,
        "data_check__case__region__code",
    )


def reports_of_case(actor: User, case_id: int) -> QuerySet[CheckReport]:
    """The case's reports, the latest first."""
    return reports_visible_to(actor).filter(data_check__case_id=case_id).order_by("-id")


def report_for(actor: User, case_id: int, report_id: int | None = None) -> CheckReport:
    """One report of the case (by default its latest)."""
    reports = reports_of_case(actor, case_id)
    report = reports.filter(pk=report_id).first() if report_id else reports.first()
    if report is None:
        raise OutsideJurisdiction(NOT_FOUND)
    return report
