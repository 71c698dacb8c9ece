"""The one table of disaster relief's steps: the pages' forms and the API's endpoints are both
read from it, and each is offered only to a user who may take it, on an object in a state it
is taken from. A step acts on nothing (recording an event, opening a wave), on an event, on an
impact report, on a wave or on a household of a wave's list; amounts are integer fen (the pages
convert from yuan)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from doudi.accounts.jurisdiction import NOT_FOUND, covers, has_permission, require
from doudi.accounts.roles import Permission
from doudi.api.errors import first_path
from doudi.cases.api import StrictCharField
from doudi.disaster import queries, services
from doudi.disaster.models import EventKind, ImpactReport, ReportState, ResponseLevel, WaveEntry
from doudi.errors import DoudiError, OutsideJurisdiction

if TYPE_CHECKING:
    from doudi.accounts.models import User


class ReliefReasonInput(serializers.Serializer):
    reason = StrictCharField(max_length=300)


class ImpactNoteInput(serializers.Serializer):
    note = StrictCharField(max_length=services.MAX_NOTE, required=False, allow_blank=True)


class ImpactReturnInput(serializers.Serializer):
    note = StrictCharField(max_length=services.MAX_NOTE)


class DisasterEventInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.values)
    name = StrictCharField(max_length=100)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    response_level = serializers.ChoiceField(choices=ResponseLevel.values)
    places = serializers.ListField(child=serializers.CharField(max_length=12), min_length=1)


class ReliefWaveInput(serializers.Serializer):
    winter_of = serializers.IntegerField(min_value=2000, max_value=2200)
    name = StrictCharField(max_length=100, required=False, allow_blank=True, default="")


class ImpactReportInput(serializers.Serializer):
    household = serializers.IntegerField(min_value=1)
    house_collapsed = serializers.BooleanField(default=False)
    house_severely_damaged = serializers.BooleanField(default=False)
    no_livelihood = serializers.BooleanField(default=False)
    injured = serializers.IntegerField(min_value=0, max_value=100, default=0)
    dead = serializers.IntegerField(min_value=0, max_value=100, default=0)
    persons_affected = serializers.IntegerField(min_value=1, max_value=100)
    note = StrictCharField(max_length=services.MAX_NOTE, required=False, allow_blank=True)


class ReliefCohortGrantInput(ReliefReasonInput):
    amount_fen = serializers.IntegerField(min_value=1, max_value=10**11)
    in_force_on = serializers.DateField()


class WaveAssessInput(serializers.Serializer):
    household = serializers.IntegerField(min_value=1)
    per_person_fen = serializers.IntegerField(min_value=1, max_value=10**9)
    persons = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    note = StrictCharField(max_length=services.MAX_NOTE, required=False, allow_blank=True)


class WaveAssessFromReportsInput(serializers.Serializer):
    event = serializers.IntegerField(min_value=1)
    per_person_fen = serializers.IntegerField(min_value=1, max_value=10**9)


NOTHING, EVENT, REPORT, WAVE, ENTRY = "nothing", "event", "report", "wave", "entry"


def _always(_user: User, _obj: Any) -> bool:
    return True


def _waiting(user: User, report: ImpactReport) -> bool:
    # Two persons: the reporter is not offered the verification.
    return (
        report.state == ReportState.REPORTED
        and report.reported_by_id != user.pk
        and covers(user, report.region_id)
    )


def _unlisted(user: User, entry: WaveEntry) -> bool:
    return entry.share_id is None and covers(user, entry.region_id)


@dataclass(frozen=True)
class Step:
    name: str  # the URL's and the API's segment
    label: Promise
    permission: Permission
    on: str  # what it acts on: nothing, an event, a report, a wave
    input: type[serializers.Serializer]
    service: Callable[..., Model | int]
    when: Callable[[User, Any], bool] = _always


STEPS = (
    Step("create_event", _("Record a disaster event"), Permission.MANAGE_DISASTERS, NOTHING,
         DisasterEventInput, services.create_event),
    Step("create_wave", _("Open a winter–spring relief wave"), Permission.MANAGE_DISASTERS,
         NOTHING, ReliefWaveInput, services.create_wave),
    Step("report", _("Report a household's impact"), Permission.REPORT_IMPACTS, EVENT,
         ImpactReportInput, services.report_impact),
    Step("transitional_grant", _("List the transitional aid for payment"),
         Permission.MANAGE_DISASTERS, EVENT, ReliefReasonInput, services.define_transitional_grant),
    Step("cohort_grant", _("Grant every 低保 and 特困 person of the places"),
         Permission.MANAGE_DISASTERS, EVENT, ReliefCohortGrantInput, services.define_cohort_grant),
    Step("verify", _("Verify the report"), Permission.VERIFY_IMPACTS, REPORT, ImpactNoteInput,
         services.verify, _waiting),
    Step("return", _("Return the report"), Permission.VERIFY_IMPACTS, REPORT, ImpactReturnInput,
         services.return_report, _waiting),
    Step("assess", _("Put a household on the list"), Permission.ASSESS_NEEDS, WAVE,
         WaveAssessInput, services.assess),
    Step("assess_from_reports", _("List the verified reports of an event"),
         Permission.ASSESS_NEEDS, WAVE, WaveAssessFromReportsInput, services.assess_from_reports),
    Step("unlist", _("Take off the list"), Permission.ASSESS_NEEDS, ENTRY, ImpactReturnInput,
         services.unlist, _unlisted),
    Step("wave_grant", _("List the wave for payment"), Permission.MANAGE_DISASTERS, WAVE,
         ReliefReasonInput, services.define_wave_grant),
)  # fmt: skip
BY_NAME = {step.name: step for step in STEPS}


def offered(user: User, on: str, obj: Any = None) -> list[Step]:
    return [
        step
        for step in STEPS
        if step.on == on and has_permission(user, step.permission) and step.when(user, obj)
    ]


def _target(user: User, step: Step, object_id: int | None) -> Any:
    """The object the step acts on, read through the user's own view of it."""
    if step.on == NOTHING:
        return None
    if object_id is None:
        raise OutsideJurisdiction(NOT_FOUND)
    if step.on == EVENT:
        return queries.event_for(user, object_id)
    if step.on == WAVE:
        return queries.wave_for(user, object_id)
    model = ImpactReport if step.on == REPORT else WaveEntry
    found = model.objects.filter(pk=object_id).first()
    if found is None or not covers(user, found.region_id):
        raise OutsideJurisdiction(NOT_FOUND)
    return found


def take(user: User, name: str, object_id: int | None, data) -> Model | int:
    """Read ``data`` through the step's input serializer and call its service; a refused field
    is named the same way on the page and in the API."""
    step = BY_NAME.get(name)
    if step is None or (step.on == NOTHING) != (object_id is None):
        raise OutsideJurisdiction(NOT_FOUND)
    require(user, step.permission)  # who may not is refused before their input is read
    serializer = step.input(data=data)
    if not serializer.is_valid():
        raise DoudiError(
            _("Some fields are missing or invalid."), field=first_path(serializer.errors)
        )
    target = _target(user, step, object_id)
    if target is None:
        return step.service(user, **serializer.validated_data)
    return step.service(user, target.pk, **serializer.validated_data)
