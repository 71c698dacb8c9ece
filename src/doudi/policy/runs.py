"""Long policy work run in the background on the task runner (doudi.jobs), as campaigns are: a
proposal's what-if and a whole-place evaluation. Starting one is one transaction: the run's row,
its job and the audit event; the job then computes it as the user who started it, says how far
it has got (jobs.progress), and keeps the result on the run's row for its page.

A page asking again for the what-if of the same proposal and month gets the run already there —
waiting, running, done or failed — so a reload follows the same job instead of starting another;
computing it anew is asked for explicitly.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers, get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.dates import month_text
from doudi.errors import DoudiError
from doudi.jobs.models import JobKind, JobState
from doudi.jobs.progress import report
from doudi.jobs.services import enqueue
from doudi.monitoring.services import refresh as refresh_population
from doudi.policy import queries
from doudi.policy.batch import evaluate_all
from doudi.policy.models import PlaceEvaluation, RegionalValue, WhatIfRun
from doudi.policy.whatif import what_if
from doudi.regions.codes import Level
from doudi.regions.models import Region

if TYPE_CHECKING:
    from doudi.accounts.models import User

# The changes a what-if keeps for its page (it shows no more); the counts cover them all.
WHAT_IF_CHANGES_KEPT = 200
# A whole-place evaluation covers a county, the city or the province.
EVALUATION_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)
READING = _("Reading the registry")
EVALUATING = _("Households evaluated")


# ------------------------------------------------------------------------------- what-if


@transaction.atomic
def what_if_for(
    actor: User, value_id: int, month: datetime.date | None = None, *, again: bool = False
) -> WhatIfRun:
    """The what-if of the proposal for ``month`` (default: its first month): the latest one —
    waiting, running, done, or failed (its page says why and offers to try again) — or a new
    one started when there is none, or ``again`` is asked of a finished one."""
    # The proposal's row locked: two pages opened at once start one what-if, not two.
    value = get_in_scope(
        actor,
        RegionalValue.objects.select_related("region").select_for_update(of=("self",)),
        Permission.SET_STANDARDS,
        "region__code",
        pk=value_id,
    )
    month = (month or value.start).replace(day=1)
    kept = queries.what_ifs_visible_to(actor).filter(value=value, month=month).first()
    if kept is not None and not (again and kept.job.finished):
        return kept  # asked anew while it is still computed: the same one
    # The job named as its page shows it: the place and month (the parameter is a code).
    name = f"{value.region.name} {month_text(month)}"
    job = enqueue(actor, JobKind.WHAT_IF, b"", name, {"value": value.pk})
    run = WhatIfRun.objects.create(value=value, month=month, job=job, created_by=actor)
    job.params = {"value": value.pk, "what_if": run.pk}
    job.save(update_fields=["params"])
    record(
        actor=actor,
        action=AuditAction.POLICY_WHAT_IF_STARTED,
        object_type="what_if",
        object_id=str(run.pk),
        region_code=value.region_id,
        after={"value": value.pk, "month": month_text(month), "job": job.pk},
    )
    return WhatIfRun.objects.select_related("job").get(pk=run.pk)


def run_what_if(actor: User, run_id: int) -> WhatIfRun:
    """The job's work: compute the what-if and keep it on its row, with its audit event."""
    run = WhatIfRun.objects.get(pk=run_id)
    computed = what_if(actor, run.value_id, run.month)
    with transaction.atomic():
        WhatIfRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(),
            households=computed.households,
            counts=computed.counts(),
            totals=[
                [programme, county, before, after]
                for (programme, county), (before, after) in sorted(computed.totals.items())
            ],
            changes=[
                {
                    "household": change.household_id,
                    "region": change.region_code,
                    "programme": change.programme,
                    "before": change.before_fen,
                    "after": change.after_fen,
                }
                for change in computed.changes[:WHAT_IF_CHANGES_KEPT]
            ],
            changed=len(computed.changes),
        )
        record(
            actor=actor,
            action=AuditAction.POLICY_WHAT_IF_RUN,
            object_type="what_if",
            object_id=str(run.pk),
            region_code=computed.value.region_id,
            after={
                "value": run.value_id,
                "month": month_text(run.month),
                "households": computed.households,
                "counts": computed.counts(),
            },
        )
    run.refresh_from_db()
    return run


# ----------------------------------------------------------------- whole-place evaluation


def evaluation_places(actor: User) -> list[Region]:
    """The places the user may evaluate as a whole: their own and the counties under it."""
    return list(
        Region.objects.filter(
            code__startswith=actor.jurisdiction_prefix, level__in=EVALUATION_LEVELS
        ).order_by("code")
    )


@transaction.atomic
def start_evaluation(actor: User, place_code: str, month: datetime.date) -> PlaceEvaluation:
    """Queue a whole-place evaluation of a county or the city for ``month``."""
    require(actor, Permission.RUN_EVALUATION)
    place = Region.objects.filter(code=place_code).first()
    if place is None or not covers(actor, place_code):
        raise DoudiError(_("No such place in your jurisdiction."), field="place")
    if place.level not in EVALUATION_LEVELS:
        raise DoudiError(
            _("A whole-place evaluation covers a county, the city or the province."),
            field="place",
        )
    month = month.replace(day=1)
    running = PlaceEvaluation.objects.filter(
        place=place, month=month, job__state__in=(JobState.QUEUED, JobState.RUNNING)
    ).first()
    if running is not None:
        raise DoudiError(
            _("Evaluation %(number)d of this place and month has not finished yet."),
            field="place",
            number=running.pk,
        )
    job = enqueue(actor, JobKind.PLACE_EVALUATION, b"", f"{place.name} {month_text(month)}")
    evaluation = PlaceEvaluation.objects.create(place=place, month=month, job=job, created_by=actor)
    job.params = {"evaluation": evaluation.pk}
    job.save(update_fields=["params"])
    record(
        actor=actor,
        action=AuditAction.POLICY_EVALUATION_STARTED,
        object_type="place_evaluation",
        object_id=str(evaluation.pk),
        region_code=place.code,
        after={"place": place.code, "month": month_text(month), "job": job.pk},
    )
    return evaluation


def evaluate_with_progress(actor: User, month: datetime.date, place_code: str, **more):
    """``evaluate_all``, saying how far it has got: reading, then households evaluated."""
    report(0, None, READING)
    return evaluate_all(
        actor,
        month,
        place_code=place_code,
        progress=lambda done, total: report(done, total, EVALUATING),
        **more,
    )


def run_evaluation(actor: User, evaluation_id: int) -> PlaceEvaluation:
    """The job's work: the evaluation run (its own audit event) linked to its row, together."""
    evaluation = PlaceEvaluation.objects.get(pk=evaluation_id)

    def link(run) -> None:
        PlaceEvaluation.objects.filter(pk=evaluation.pk).update(run=run)
        # The monitored population follows the run it comes from, in the same transaction.
        refresh_population(actor, evaluation.place_id)

    evaluate_with_progress(actor, evaluation.month, evaluation.place_id, then=link)
    evaluation.refresh_from_db()
    return evaluation
