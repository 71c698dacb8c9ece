"""A standard change's preview (提标预览) computed in the background on the task runner
(doudi.jobs), as campaigns are: evaluating every household of the city can take minutes.

Starting it is one transaction — the preview's row, its job and the audit event. The job, as
the user who asked, evaluates the place for the month (or takes the earlier run given) and
proposes the change from it (cases.bulk): the run and the change are written together or not at
all, so a refused proposal (it raises nobody) leaves nothing behind but the job's reason.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.cases import bulk
from doudi.cases.models import ChangePreview
from doudi.dates import month_text
from doudi.errors import DoudiError
from doudi.jobs.models import JobKind, JobState
from doudi.jobs.services import enqueue
from doudi.policy.models import EvaluationRun
from doudi.regions.models import Region
from doudi.text import required_reason

if TYPE_CHECKING:
    from doudi.accounts.models import User


@transaction.atomic
def start_preview(
    actor: User, *, reason: str, month: datetime.date | None = None, run_id: int | None = None
) -> ChangePreview:
    """Queue the preview of a standard change from ``month`` (a new evaluation of the user's
    place) or from the earlier evaluation run ``run_id``."""
    bulk.require_may_propose(actor)
    reason = required_reason(reason)
    run = None
    if run_id is not None:
        run = get_in_scope(
            actor, EvaluationRun.objects.all(), Permission.SET_STANDARDS, "place_code", pk=run_id
        )
    elif month is None:
        raise DoudiError(_("Give the month the new standard starts."), field="month")
    month = run.month if run is not None else month.replace(day=1)
    place_code = run.place_code if run is not None else actor.region_id
    running = ChangePreview.objects.filter(
        place_id=place_code, job__state__in=(JobState.QUEUED, JobState.RUNNING)
    ).first()
    if running is not None:
        raise DoudiError(
            _("Preview %(number)d of this place has not finished yet."),
            field="month",
            number=running.pk,
        )
    place = Region.objects.get(code=place_code)
    job = enqueue(
        actor, JobKind.CHANGE_PREVIEW, b"", f"{place.name} {month_text(month)}", {"run": run_id}
    )
    preview = ChangePreview.objects.create(
        place=place, month=month, run=run, reason=reason, job=job, created_by=actor
    )
    job.params = {"preview": preview.pk}
    job.save(update_fields=["params"])
    record(
        actor=actor,
        action=AuditAction.STANDARD_CHANGE_PREVIEW_STARTED,
        object_type="standard_change_preview",
        object_id=str(preview.pk),
        region_code=place_code,
        after={"month": month_text(month), "evaluation_run": run_id, "job": job.pk},
        reason=reason,
    )
    return preview


def run_preview(actor: User, preview_id: int) -> ChangePreview:
    """The job's work: the evaluation if none was given, then the change proposed from it."""
    from doudi.policy.runs import evaluate_with_progress

    preview = ChangePreview.objects.get(pk=preview_id)

    def propose(run: EvaluationRun) -> None:
        change = bulk.propose_standard_change(actor, run.pk, reason=preview.reason)
        ChangePreview.objects.filter(pk=preview.pk).update(run=run, change=change)

    if preview.run_id is not None:
        with transaction.atomic():
            propose(preview.run)
    else:
        evaluate_with_progress(actor, preview.month, preview.place_id, then=propose)
    preview.refresh_from_db()
    return preview
