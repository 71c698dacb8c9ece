"""Recording a home visit: the checklist, an optional photo into the household's file, the
follow-up date, and — when the worker found a concern — a warning for the township, all in one
transaction with the visit's audit event."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.early_warning.services import raise_from_visit
from doudi.errors import DoudiError
from doudi.registry.choices import AttachmentCategory
from doudi.registry.models import Household
from doudi.registry.services import add_attachment
from doudi.visits.models import Finding, HomeVisit, IncomeChange

if TYPE_CHECKING:
    from doudi.accounts.models import User

MAX_TEXT = 500
# How far a follow-up may be set: a visit again within a year.
MAX_FOLLOW_UP_DAYS = 366


@dataclass(frozen=True)
class Checklist:
    living_conditions: str
    health: str
    income_change: str
    needs: str = ""
    note: str = ""


def _checked(checklist: Checklist) -> Checklist:
    for field, choices in (
        ("living_conditions", Finding),
        ("health", Finding),
        ("income_change", IncomeChange),
    ):
        if getattr(checklist, field) not in choices.values:
            raise DoudiError(gettext_lazy("Choose one."), field=field)
    for field in ("needs", "note"):
        if len(getattr(checklist, field)) > MAX_TEXT:
            raise DoudiError(gettext_lazy("At most %(max)d characters."), field=field, max=MAX_TEXT)
    return checklist


def _follow_up(day: datetime.date, follow_up_on: datetime.date | None) -> datetime.date | None:
    if follow_up_on is not None and not day < follow_up_on <= day + datetime.timedelta(
        days=MAX_FOLLOW_UP_DAYS
    ):
        raise DoudiError(
            gettext_lazy("The next visit is after today and within a year."), field="follow_up_on"
        )
    return follow_up_on


def _warning_note(visit: HomeVisit) -> str:
    found = []
    if visit.living_conditions == Finding.CONCERN:
        found.append(_("living conditions"))
    if visit.health == Finding.CONCERN:
        found.append(_("health"))
    if visit.income_change == IncomeChange.FELL:
        found.append(_("income fell"))
    parts = (
        [_("Concern found on the visit: %(what)s") % {"what": "、".join(found)}] if found else []
    )
    parts += [text for text in (visit.needs.strip(), visit.note.strip()) if text]
    return "；".join(parts)


@transaction.atomic
def record_visit(
    actor: User,
    household_id: int,
    checklist: Checklist,
    *,
    severity: int = 2,
    follow_up_on: datetime.date | None = None,
    photo: UploadedFile | None = None,
) -> HomeVisit:
    """The worker's visit to a household of their places; a concern raises (or adds to) the
    household's visit warning."""
    require(actor, Permission.EDIT_HOUSEHOLDS)
    household = get_in_scope(
        actor, Household.objects.all(), Permission.EDIT_HOUSEHOLDS, "region__code", pk=household_id
    )
    checklist = _checked(checklist)
    today = timezone.localdate()
    visit = HomeVisit.objects.create(
        household=household,
        region_id=household.region_id,
        visited_by=actor,
        visited_on=today,
        follow_up_on=_follow_up(today, follow_up_on),
        **checklist.__dict__,
    )
    if visit.concerns:
        visit.warning = raise_from_visit(actor, household.pk, severity, _warning_note(visit))
        visit.save(update_fields=["warning"])
    if photo is not None:
        add_attachment(
            actor,
            household.pk,
            photo,
            category=AttachmentCategory.OTHER,
            description=_("Visit photo"),
        )
    record(
        actor=actor,
        action=AuditAction.VISIT_RECORDED,
        object_type="home_visit",
        object_id=str(visit.pk),
        region_code=household.region_id,
        after={
            "household": household.pk,
            "concerns": visit.concerns,
            "warning": visit.warning_id,
            "follow_up_on": follow_up_on.isoformat() if follow_up_on else None,
            "photo": photo is not None,
        },
    )
    return visit
