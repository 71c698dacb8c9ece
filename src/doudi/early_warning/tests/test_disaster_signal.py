"""The disaster signal: a monitored household whose serious impact report (house collapsed or
severely damaged, no livelihood, a member injured or dead) was verified within the window
raises one warning, merged on a repeat; a minor, unverified, old or unmonitored one raises
nothing."""

from __future__ import annotations

import datetime

import pytest

from doudi.disaster import services as disaster
from doudi.disaster.models import ImpactReport
from doudi.disaster.tests.conftest import family, flood, report  # noqa: F401
from doudi.early_warning import services
from doudi.early_warning.models import EarlyWarning, SignalKind
from doudi.early_warning.presentation import describe
from doudi.monitoring.services import report_risk

pytestmark = pytest.mark.django_db


def test_a_verified_serious_impact_on_a_monitored_household_raises_a_warning(
    staff,
    flood,  # noqa: F811
    clock,
):
    hit, minor, waiting, old, unwatched = (family(staff, n, 2) for n in range(1, 6))
    for household in (hit, minor, waiting, old):
        report_risk(staff.handler, household.pk, "受灾")
    serious = report(staff, flood, hit, dead=1)
    disaster.verify(staff.handler, serious.pk)
    disaster.verify(staff.handler, report(staff, flood, minor).pk)  # affected, nothing more
    report(staff, flood, waiting, house_collapsed=True)  # not verified yet
    stale = report(staff, flood, old, no_livelihood=True)
    disaster.verify(staff.handler, stale.pk)
    ImpactReport.objects.filter(pk=stale.pk).update(
        verified_on=datetime.date(2026, 8, 3) - datetime.timedelta(days=31)
    )
    disaster.verify(staff.handler, report(staff, flood, unwatched, house_collapsed=True).pk)

    ran = services.run_daily(staff.county, staff.county.region_id)
    assert ran.raised == {SignalKind.DISASTER: 1}
    warning = EarlyWarning.objects.get()
    assert warning.household_id == hit.pk and warning.severity == 3
    assert warning.delivery is None and warning.facts["event"] == flood.pk
    assert flood.name in describe(warning, {})
    again = services.run_daily(staff.county, staff.county.region_id)
    assert again.raised == {} and again.merged == 1
