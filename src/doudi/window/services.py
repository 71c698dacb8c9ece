"""Recording an intake at the one window (一门受理) and the answers to its referrals.

One form records every need the household brings. The whole intake is one transaction: an
application that ``doudi.cases.services.submit`` refuses refuses the intake, and nothing of it
is kept. Each change writes one audit event; the cases opened write their own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import get_in_scope, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.cases import services as cases
from doudi.cases.procedures import CaseKind, CaseProgramme, Channel
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction, ValidationFailed
from doudi.money import whole_fen
from doudi.registry.models import Household
from doudi.text import UNSAFE_CHARACTER, free_text, required_text, unsafe_character
from doudi.window.models import REFERRAL_LIMIT, Department, Intake, Need, Route
from doudi.workdays.calendar import WorkingCalendar

if TYPE_CHECKING:
    from doudi.accounts.models import User

MAX_NEEDS = 20
# Fields of a case that the intake as a whole supplies: their refusals name the intake's field.
INTAKE_FIELDS = frozenset({"channel", "proxy_name", "hukou_region", "authorisation_signed_on"})


@dataclass(frozen=True)
class NeedInput:
    """One need of the form, its shape checked."""

    route: Route
    description: str
    details: dict[str, Any]


def _today() -> datetime.date:
    return timezone.localdate()


# --- checking the form -------------------------------------------------------------------------


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return free_text(value) if isinstance(value, str) else ""


def _check_need(index: int, data: Any) -> tuple[NeedInput | None, list[DoudiError]]:
    """The shape of one need; every fault found, each named ``needs[i].field``."""
    where = f"needs[{index}]"
    if not isinstance(data, dict):
        return None, [DoudiError(_("Each need is a set of fields."), field=where)]
    faults: list[DoudiError] = []
    description = _text(data, "description")
    if not description:
        faults.append(DoudiError(_("Describe the need."), field=f"{where}.description"))
    route = data.get("route")
    if route not in Route.values:
        faults.append(
            DoudiError(
                _("“%(value)s” is not one of: %(allowed)s."),
                field=f"{where}.route",
                value=route,
                allowed=", ".join(Route.values),
            )
        )
        return None, faults
    route = Route(route)
    check = {
        Route.APPLICATION: _check_application,
        Route.REFERRAL: _check_referral,
        Route.ON_THE_SPOT: _check_on_the_spot,
    }[route]
    details, more = check(where, data)
    faults += more
    return (None if faults else NeedInput(route, description, details)), faults


def _check_application(where: str, data: dict[str, Any]) -> tuple[dict, list[DoudiError]]:
    faults = []
    programme, kind = data.get("programme"), data.get("kind", CaseKind.APPLICATION)
    if programme not in CaseProgramme.values:
        faults.append(
            DoudiError(
                _("“%(value)s” is not one of: %(allowed)s."),
                field=f"{where}.programme",
                value=programme,
                allowed=", ".join(CaseProgramme.values),
            )
        )
    amount = data.get("requested_amount_fen")
    if amount is not None:
        try:
            whole_fen(amount, field=f"{where}.requested_amount")
        except DoudiError as fault:
            faults.append(fault)
    member = data.get("member_id")
    if member is not None and (isinstance(member, bool) or not isinstance(member, int)):
        faults.append(DoudiError(_("No such member in this household."), field=f"{where}.member"))
    return {
        "programme": programme,
        "kind": kind,
        "member_id": member,
        "requested_amount_fen": amount,
        "relative_of_staff": _text(data, "relative_of_staff"),
    }, faults


def _check_referral(where: str, data: dict[str, Any]) -> tuple[dict, list[DoudiError]]:
    faults = []
    department, name = data.get("department"), _text(data, "department_name")
    if department not in Department.values:
        faults.append(
            DoudiError(
                _("“%(value)s” is not one of: %(allowed)s."),
                field=f"{where}.department",
                value=department or "",
                allowed=", ".join(Department.values),
            )
        )
    elif department == Department.OTHER and not name:
        faults.append(
            DoudiError(
                _("Name the department the need is referred to."), field=f"{where}.department_name"
            )
        )
    return {"department": department, "department_name": name[:100]}, faults


def _check_on_the_spot(where: str, data: dict[str, Any]) -> tuple[dict, list[DoudiError]]:
    result = _text(data, "result")
    if not result:
        return {}, [
            DoudiError(_("Write down what was done for the household."), field=f"{where}.result")
        ]
    return {"result": result}, []


def _check_form(
    needs: Any, channel: str, proxy_name: str, authorisation_signed_on: datetime.date | None
) -> list[NeedInput]:
    """Every fault of the form at once, so the handler corrects them in one go."""
    faults: list[DoudiError] = []
    if channel not in Channel.values:
        faults.append(
            DoudiError(
                _("“%(value)s” is not one of: %(allowed)s."),
                field="channel",
                value=channel,
                allowed=", ".join(Channel.values),
            )
        )
    if channel == Channel.PROXY and not proxy_name.strip():
        faults.append(
            DoudiError(_("Name who came on behalf of the household."), field="proxy_name")
        )
    elif character := unsafe_character(proxy_name):
        faults.append(DoudiError(UNSAFE_CHARACTER, field="proxy_name", character=character))
    if authorisation_signed_on and authorisation_signed_on > _today():
        faults.append(DoudiError(_("The date is in the future."), field="authorisation_signed_on"))
    checked: list[NeedInput] = []
    if not isinstance(needs, list) or not needs:
        faults.append(DoudiError(_("Record at least one need."), field="needs"))
    elif len(needs) > MAX_NEEDS:
        faults.append(
            DoudiError(_("At most %(count)d needs on one intake."), field="needs", count=MAX_NEEDS)
        )
    else:
        for index, data in enumerate(needs):
            need, more = _check_need(index, data)
            faults += more
            if need:
                checked.append(need)
    if faults:
        raise ValidationFailed(
            _("The intake was not recorded; correct the problems listed."), problems=faults
        )
    return checked


# --- recording ---------------------------------------------------------------------------------


@transaction.atomic
def record_intake(
    actor: User,
    household_id: int,
    *,
    channel: str,
    needs: list[dict],
    note: str = "",
    proxy_name: str = "",
    authorisation_signed_on: datetime.date | None = None,
    hukou_region_code: str = "",
) -> Intake:
    """Record one visit with all of the household's needs: applications open cases, referrals
    go to their department with a due date, needs handled on the spot are completed at once."""
    household = get_in_scope(
        actor,
        Household.objects.select_related("region"),
        Permission.SUBMIT_CASES,
        "region__code",
        pk=household_id,
    )
    require(actor, Permission.SUBMIT_CASES, household.region_id)
    checked = _check_form(needs, channel, proxy_name, authorisation_signed_on)
    today = _today()
    intake = Intake.objects.create(
        household=household,
        region=household.region,
        channel=channel,
        proxy_name=free_text(proxy_name, max_length=60),
        received_on=today,
        received_by=actor,
        note=free_text(note),
    )
    common = {
        "channel": channel,
        "proxy_name": intake.proxy_name,
        "authorisation_signed_on": authorisation_signed_on,
        "hukou_region_code": hukou_region_code,
    }
    rows = [_route(actor, intake, position, need, common) for position, need in enumerate(checked)]
    record(
        actor=actor,
        action=AuditAction.WINDOW_INTAKE,
        object_type="intake",
        object_id=str(intake.pk),
        region_code=intake.region_id,
        before=None,
        after={
            "household": household.pk,
            "channel": channel,
            "needs": [_summary(row) for row in rows],
        },
        reason=intake.note,
    )
    return intake


def _route(
    actor: User, intake: Intake, position: int, need: NeedInput, common: dict[str, Any]
) -> Need:
    row = Need(intake=intake, position=position, description=need.description, route=need.route)
    if need.route == Route.APPLICATION:
        row.case = _open_case(actor, intake, position, need, common)
    elif need.route == Route.REFERRAL:
        row.department = need.details["department"]
        row.department_name = need.details["department_name"]
        row.sent_on = intake.received_on
        row.due_on = WorkingCalendar.current().add_working_days(row.sent_on, REFERRAL_LIMIT)
    else:
        row.answer = need.details["result"]
    row.save()
    return row


def _open_case(actor: User, intake: Intake, position: int, need: NeedInput, common: dict[str, Any]):
    """Open the case; its refusal names the need it belongs to (``needs[1].programme``)."""
    details = need.details
    try:
        return cases.submit(
            actor,
            intake.household_id,
            details["programme"],
            kind=details["kind"],
            member_id=details["member_id"],
            need=need.description,
            requested_amount_fen=details["requested_amount_fen"],
            relative_of_staff=details["relative_of_staff"],
            **common,
        )
    except (NotPermitted, OutsideJurisdiction):
        raise
    except DoudiError as refusal:
        if refusal.field not in INTAKE_FIELDS:
            refusal.field = f"needs[{position}]" + (f".{refusal.field}" if refusal.field else "")
        raise


def _summary(row: Need) -> dict[str, Any]:
    summary: dict[str, Any] = {"need": row.pk, "route": row.route}
    if row.case_id:
        summary["case"] = row.case_id
    if row.route == Route.REFERRAL:
        summary.update(department=row.department, due_on=row.due_on.isoformat())
    return summary


@transaction.atomic
def answer_referral(actor: User, need_id: int, *, answer: str, answered_on: datetime.date) -> Need:
    """Record the department's answer to a referral: the need is then completed."""
    need = get_in_scope(
        actor,
        Need.objects.select_for_update(of=("self",)).select_related("intake"),
        Permission.VIEW_CASES,
        "intake__region__code",
        pk=need_id,
    )
    require(actor, Permission.HANDLE_CASES, need.intake.region_id)
    if need.route != Route.REFERRAL:
        raise DoudiError(_("Only a referral to a department receives an answer."), field="need")
    if need.answered_on:
        raise DoudiError(
            _("The department's answer was already recorded on %(day)s."),
            field="answered_on",
            day=need.answered_on.isoformat(),
        )
    if not isinstance(answered_on, datetime.date):
        raise DoudiError(_("Give the date of the answer."), field="answered_on")
    if answered_on > _today():
        raise DoudiError(_("The date is in the future."), field="answered_on")
    if answered_on < need.sent_on:
        raise DoudiError(
            _("The answer cannot come before the referral was sent on %(day)s."),
            field="answered_on",
            day=need.sent_on.isoformat(),
        )
    text = required_text(answer, field="answer", message=_("Write down the department's answer."))
    need.answer, need.answered_on, need.answered_by = text, answered_on, actor
    need.save(update_fields=["answer", "answered_on", "answered_by"])
    record(
        actor=actor,
        action=AuditAction.WINDOW_REFERRAL_ANSWERED,
        object_type="need",
        object_id=str(need.pk),
        region_code=need.intake.region_id,
        before={"answered_on": None},
        after={
            "answered_on": answered_on.isoformat(),
            "department": need.department,
            "late": answered_on > need.due_on,
        },
        reason=text,
    )
    return need


def charity_referral(actor: User, case: Any, *, organisation: str, need: str) -> Need:
    """A referral of the case's household to charity assistance (慈善救助), as the window
    refers to a department: recorded on an intake of its own, due in REFERRAL_LIMIT working
    days, answered with its outcome (``answer_referral``). No audit event of its own: the case's
    step (cases.services.refer_to_charity) writes the one event, naming it."""
    if case.window_needs.filter(department=Department.CHARITY).exists():
        raise DoudiError(
            _("The household was already referred to charity assistance for this case."),
            field="state",
        )
    organisation = required_text(
        organisation,
        field="organisation",
        message=_("Name the charity organisation the household is referred to."),
    )[:100]
    description = required_text(need, field="need", message=_("Write down the need that remains."))
    today = _today()
    intake = Intake.objects.create(
        household=case.household,
        region=case.household.region,
        channel=case.channel,
        received_on=today,
        received_by=actor,
        note=str(_("Referred after temporary assistance, case %(number)s"))
        % {"number": case.file_number},
    )
    return Need.objects.create(
        intake=intake,
        position=0,
        description=description,
        route=Route.REFERRAL,
        case=case,
        department=Department.CHARITY,
        department_name=organisation,
        sent_on=today,
        due_on=WorkingCalendar.current().add_working_days(today, REFERRAL_LIMIT),
    )
