"""The demo's monitored population: the county's whole-place evaluation of this month (which
brings the population up to date, as every evaluation does) and two households the township
reports as at risk of returning to poverty."""

from __future__ import annotations

from django.utils import timezone

from doudi.accounts.models import User
from doudi.cases.models import Case
from doudi.jobs.services import run
from doudi.monitoring.models import EntrySource, MonitoredEntry
from doudi.monitoring.services import report_risk
from doudi.policy.models import PlaceEvaluation
from doudi.policy.runs import start_evaluation
from doudi.registry.models import Household

AT_RISK = ("主要劳动力患重病住院，家庭收入骤减", "遭遇火灾，房屋受损，生活暂时困难")


def load_demo_monitoring() -> int:
    """Evaluate the county and report the households at risk, once; return the entries open."""
    county = User.objects.get(username="county")
    if not PlaceEvaluation.objects.filter(place_id=county.region_id).exists():
        evaluation = start_evaluation(county, county.region_id, timezone.localdate())
        run(evaluation.job_id)  # as the worker does, now: the demo starts with its result
    if not MonitoredEntry.objects.filter(source=EntrySource.REPORTED).exists():
        handler = User.objects.get(username="handler")
        quiet = (
            Household.objects.filter(region__code__startswith=handler.jurisdiction_prefix)
            .exclude(pk__in=MonitoredEntry.objects.values("household"))
            .exclude(pk__in=Case.objects.values("household"))
            .order_by("pk")
        )
        for household, reason in zip(quiet, AT_RISK, strict=False):
            report_risk(handler, household.pk, reason)
    return MonitoredEntry.objects.filter(left_on__isnull=True).count()
