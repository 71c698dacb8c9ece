"""The demo's monitored population: the county's whole-place evaluation of this month and the
population brought up to date from it and the benefits, two households the township
reports as at risk of returning to poverty, the education bureau's certification of students in
hardship (two school-age members of monitored households), today's warning run over the
departments' data and a grid worker's visit that raises one more and is due again in three
days."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from doudi.accounts.models import User
from doudi.cases.models import Case
from doudi.dates import months_after
from doudi.early_warning.models import EarlyWarning, WarningState
from doudi.early_warning.services import (
    apply_policy,
    decide_by_county,
    refer,
    run_daily,
    send_to_county,
    verify,
)
from doudi.errors import DoudiError
from doudi.monitoring.models import EntrySource, MonitoredEntry
from doudi.monitoring.services import refresh, report_risk
from doudi.policy.batch import evaluate_all
from doudi.policy.models import EvaluationRun
from doudi.registry.models import Household, Member
from doudi.sources.contracts import EDUCATION
from doudi.sources.services import deliver
from doudi.visits.services import Checklist, record_visit

HANDLERS = ("handler", "handler2")  # the demo's two townships
VISIT_NOTE = "走访发现：老人独居，冬季取暖困难，需尽快上门核实"
AT_RISK = ("主要劳动力患重病住院，家庭收入骤减", "遭遇火灾，房屋受损，生活暂时困难")
STUDENTS = (("特别困难", "国家助学金"), ("困难", "生活补助"))
SCHOOL_AGE = (6, 22)  # from primary school to the end of a first degree, in years


def _deliver_students(today: datetime.date) -> None:
    """The education bureau's latest certifications: the first school-age members of
    monitored households, delivered once by the city user like any department's file."""
    youngest = months_after(today, -12 * SCHOOL_AGE[0])
    oldest = months_after(today, -12 * SCHOOL_AGE[1])
    members = (
        Member.objects.filter(
            household__in=MonitoredEntry.objects.filter(left_on__isnull=True).values("household"),
            left_on__isnull=True,
            birth_date__range=(oldest, youngest),
        )
        .exclude(id_number_hash="")
        .order_by("pk")[: len(STUDENTS)]
    )
    certified = today - datetime.timedelta(days=7)
    rows = [
        f"{member.reveal_id_number()},{member.name},修武县第一中学,高中,{level},{certified},{aid}"
        for member, (level, aid) in zip(members, STUDENTS, strict=False)
    ]
    if rows:
        data = "\n".join([",".join(EDUCATION.latest.headers), *rows]).encode("utf-8")
        deliver(User.objects.get(username="city"), EDUCATION.key, data, "教育_困难学生认定.csv")


def _handle_some(county: User) -> None:
    """One warning down each route, by the township that owns it; the rest stay to be handled."""
    handlers = {user.region_id[:9]: user for user in User.objects.filter(username__in=HANDLERS)}
    routes = [
        lambda user, pk: apply_policy(
            user, pk, programme="minimum_living", note="入户核实后代为申请低保"
        ),
        lambda user, pk: refer(user, pk, department="employment", note="转人社部门就业帮扶"),
        lambda user, pk: decide_by_county(
            county,
            send_to_county(user, pk, note="支出较大，提请县级一事一议").pk,
            note="县级研究同意临时救助",
        ),
        lambda user, pk: verify(user, pk, note="入户核实：已有稳定收入，无需救助"),
    ]
    warnings = [
        w
        for w in EarlyWarning.objects.filter(state=WarningState.OPEN).order_by("pk")
        if w.region_id[:9] in handlers
    ]
    for route in routes:
        # The first warning the route can take: a household with a 低保 case open takes no
        # second one, so opening a case may refuse it; the next is tried.
        for warning in warnings:
            try:
                with transaction.atomic():
                    route(handlers[warning.region_id[:9]], warning.pk)
            except DoudiError:
                continue
            warnings.remove(warning)
            break


def load_demo_monitoring() -> int:
    """Evaluate the county and report the households at risk, once; return the entries open."""
    county = User.objects.get(username="county")
    if not EvaluationRun.objects.filter(place_code=county.region_id).exists():
        # In this process, not as a background job: the demo starts with its result, and no
        # worker thread is left writing after the load has returned.
        evaluate_all(county, timezone.localdate(), place_code=county.region_id)
        refresh(county, county.region_id)
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
    if not EarlyWarning.objects.exists():
        _deliver_students(timezone.localdate())
        run_daily(None, county.region_id)
        grid = User.objects.get(username="grid")
        visited = (
            MonitoredEntry.objects.filter(region__code__startswith=grid.jurisdiction_prefix)
            .order_by("pk")
            .first()
        )
        if visited is not None:
            # A visit that finds a concern (its warning) and comes back in three days.
            record_visit(
                grid,
                visited.household_id,
                Checklist("concern", "fine", "none", note=VISIT_NOTE),
                follow_up_on=timezone.localdate() + datetime.timedelta(days=3),
            )
        _handle_some(county)
    return MonitoredEntry.objects.filter(left_on__isnull=True).count()
