"""Every step of a case: one transaction, one ``Transition``, one audit event each.

A step is refused, changing nothing, unless the procedure of the case's programme has it, the
case is in a state it may be taken from (procedures.EDGES), the user's role allows it inside
their jurisdiction, and its own conditions hold (a signed authorisation before a data check,
the notice ended before confirming, the investigator not confirming …).
"""

from __future__ import annotations

import datetime
import math
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers, get_in_scope, require
from doudi.accounts.models import User
from doudi.accounts.roles import Permission, Role
from doudi.audit.actions import audit_action
from doudi.audit.services import record
from doudi.benefits.services import apply_decision, current_benefit
from doudi.cases import assessment
from doudi.cases.deadlines import after, earliest, procedure_of, whole_procedure_due
from doudi.cases.models import (
    Case,
    CheckResult,
    DataCheck,
    Decision,
    EmergencyPayment,
    HukouCheck,
    Investigation,
    InvestigationKind,
    Objection,
    Opinion,
    Outcome,
    PaymentStage,
    Resolution,
    SpotCheck,
    Transition,
)
from doudi.cases.procedures import (
    EDGES,
    ENGINE_PROGRAMME,
    NOTICED_TERMINATIONS,
    OPEN_STATES,
    REVIEWS,
    TEMPORARY,
    Action,
    CaseKind,
    CaseProgramme,
    Channel,
    ReviewOutcome,
    State,
)
from doudi.checks.models import CheckReport
from doudi.checks.presentation import discrepancy_text
from doudi.checks.services import produce_report, record_objection
from doudi.dates import next_month
from doudi.errors import DoudiError
from doudi.money import fen_to_yuan, whole_fen, yuan_to_fen
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.registry.models import Household
from doudi.reserve_fund.services import move, township_limit_fen
from doudi.text import free_text, plain_text, required_reason, required_text

if TYPE_CHECKING:
    from doudi.cases.procedures import Procedure

ACTION_PERMISSION = {
    **dict.fromkeys(Action, Permission.HANDLE_CASES),
    Action.SUBMIT: Permission.SUBMIT_CASES,
    Action.REQUEST_CHECK: Permission.REQUEST_CHECKS,
    Action.RECORD_CHECK: Permission.CHECK_DATA,
    Action.OBJECT_TO_CHECK: Permission.CHECK_DATA,
    Action.SPOT_CHECK: Permission.CONFIRM_CASES,
    Action.APPROVE: Permission.CONFIRM_CASES,
    Action.REFUSE: Permission.CONFIRM_CASES,
    Action.DECIDE_REVIEW: Permission.CONFIRM_CASES,
    Action.STOP_STAGES: Permission.CONFIRM_CASES,
}
PER_PERSON = frozenset({CaseProgramme.EXTREME_HARDSHIP, CaseProgramme.DE_FACTO_UNSUPPORTED})
FIELD_ROLES = frozenset({Role.VILLAGE_WORKER, Role.GRID_WORKER})
CONFIRM_ACTIONS = frozenset({Action.APPROVE, Action.REFUSE, Action.DECIDE_REVIEW})


def _today() -> datetime.date:
    return timezone.localdate()


# --- the machinery every step shares ---------------------------------------------------------


def _begin(actor: User, case_id: int, action: Action) -> Case:
    """Lock the case and refuse the step unless it may be taken now, by this user."""
    case = get_in_scope(
        actor,
        Case.objects.select_for_update(of=("self",)).select_related(
            "household", "member", "region"
        ),
        Permission.VIEW_CASES,
        "region__code",
        pk=case_id,
    )
    require(actor, ACTION_PERMISSION[action], case.region_id)
    procedure = procedure_of(case)
    if action not in procedure.actions():
        raise DoudiError(
            _("The procedure for %(programme)s has no step “%(action)s”."),
            field="action",
            programme=case.get_programme_display(),
            action=Action(action).label,
        )
    if action in CONFIRM_ACTIONS:
        _refuse_early_confirmation(case, procedure)
    sources, _target = EDGES[action]
    if case.state not in sources:
        raise DoudiError(
            _(
                "“%(action)s” cannot be done while the case is “%(state)s”; only when it is: "
                "%(allowed)s."
            ),
            field="state",
            action=Action(action).label,
            state=case.get_state_display(),
            allowed="、".join(str(State(s).label) for s in sorted(sources)),
        )
    return case


def _finish(
    actor: User,
    case: Case,
    action: Action,
    *,
    to: State | None = None,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> Case:
    before = case.state
    case.state = to or EDGES[action][1] or case.state
    case.save()
    details = details or {}
    Transition.objects.create(
        case=case,
        action=action,
        from_state=before,
        to_state=case.state,
        actor=actor,
        reason=reason,
        details=details,
    )
    record(
        actor=actor,
        action=audit_action(f"case.{action}"),
        object_type="case",
        object_id=str(case.pk),
        region_code=case.region_id,
        before={"state": before},
        after={"state": case.state, **details},
        reason=reason,
    )
    return case


def _refuse_early_confirmation(case: Case, procedure: Procedure) -> None:
    """The two refusals people meet most, in their own words rather than as a wrong state."""
    if procedure.data_check and not case.data_checks.filter(answered_on__isnull=False).exists():
        raise DoudiError(
            _(
                "No data check (信息核对) has been answered for this case; it cannot "
                "be confirmed without one."
            ),
            field="state",
        )
    if case.state == State.ON_NOTICE and _today() <= case.notice_ends_on:
        raise DoudiError(
            _(
                "The public notice runs until %(day)s; the case can be confirmed "
                "only after it ends."
            ),
            field="state",
            day=case.notice_ends_on.isoformat(),
        )


# --- intake ----------------------------------------------------------------------------------


@transaction.atomic
def submit(
    actor: User,
    household_id: int,
    programme: str,
    *,
    channel: str,
    kind: str = CaseKind.APPLICATION,
    member_id: int | None = None,
    proxy_name: str = "",
    need: str = "",
    requested_amount_fen: int | None = None,
    hukou_region_code: str = "",
    authorisation_signed_on: datetime.date | None = None,
    relative_of_staff: str = "",
) -> Case:
    """Open a case: an application (in person, online, by proxy or found by a worker), or a
    change or termination of what the household receives."""
    household = get_in_scope(
        actor,
        Household.objects.select_related("region"),
        Permission.SUBMIT_CASES,
        "region__code",
        pk=household_id,
    )
    require(actor, Permission.SUBMIT_CASES, household.region_id)
    programme, kind, channel = _choices(programme, kind, channel)
    if actor.role in FIELD_ROLES and channel not in (Channel.PROXY, Channel.DISCOVERY):
        raise DoudiError(
            _(
                "A village or grid worker applies for a household by proxy or after "
                "finding it; choose one of those."
            ),
            field="channel",
        )
    proxy_name = plain_text(
        proxy_name,
        field="proxy_name",
        required=channel == Channel.PROXY,
        message=_("Name who applied for the household."),
    )
    member = _member(household, programme, member_id)
    _refuse_duplicate(household, programme, kind, member)
    if programme in TEMPORARY and kind == CaseKind.APPLICATION and not requested_amount_fen:
        raise DoudiError(_("State the amount asked for."), field="requested_amount")
    if requested_amount_fen is not None:
        whole_fen(requested_amount_fen, field="requested_amount")
    if authorisation_signed_on and authorisation_signed_on > _today():
        raise DoudiError(_("The date is in the future."), field="authorisation_signed_on")
    hukou_region = None
    if hukou_region_code and hukou_region_code[:9] != household.region_id[:9]:
        hukou_region = Region.objects.filter(
            code=hukou_region_code, level__in=(Level.TOWNSHIP, Level.VILLAGE)
        ).first()
        if hukou_region is None:
            raise DoudiError(
                _("“%(code)s” is not a township or village of the region tree."),
                field="hukou_region",
                code=hukou_region_code,
            )
    case = Case.objects.create(
        household=household,
        region=household.region,
        member=member,
        programme=programme,
        kind=kind,
        channel=channel,
        proxy_name=proxy_name[:60],
        submitted_by=actor,
        submitted_on=_today(),
        need=free_text(need),
        requested_amount_fen=requested_amount_fen,
        hukou_region=hukou_region,
        authorisation_signed_on=authorisation_signed_on,
        relative_of_staff=(free_text(relative_of_staff) or _staff_in_household(household))[:200],
    )
    return _finish(
        actor,
        case,
        Action.SUBMIT,
        details={
            "household": household.pk,
            "programme": programme,
            "kind": kind,
            "channel": channel,
            "relative": bool(case.relative_of_staff),
            "hukou_region": hukou_region.code if hukou_region else "",
        },
    )


def _one_of(value: str, choices: type[models.TextChoices], field: str) -> None:
    if value not in choices.values:
        raise DoudiError(
            _("“%(value)s” is not one of: %(allowed)s."),
            field=field,
            value=value,
            allowed=", ".join(choices.values),
        )


def _choices(programme: str, kind: str, channel: str) -> tuple[str, str, str]:
    for value, choices, field in (
        (programme, CaseProgramme, "programme"),
        (kind, CaseKind, "kind"),
        (channel, Channel, "channel"),
    ):
        _one_of(value, choices, field)
    if programme in TEMPORARY and kind != CaseKind.APPLICATION:
        raise DoudiError(
            _("Temporary assistance is granted once; it is not changed or stopped."), field="kind"
        )
    if kind == CaseKind.REVIEW and programme not in REVIEWS:
        raise DoudiError(
            _("%(programme)s has no periodic re-check."),
            field="kind",
            programme=CaseProgramme(programme).label,
        )
    return programme, kind, channel


def _member(household: Household, programme: str, member_id: int | None):
    if member_id is None:
        if programme in PER_PERSON:
            raise DoudiError(_("Name the person this case concerns."), field="member")
        return None
    member = household.members.filter(pk=member_id, left_on__isnull=True).first()
    if member is None:
        raise DoudiError(_("No such member in this household."), field="member")
    return member


def receiving(household: Household, programme: str, member=None) -> Decision | None:
    """The approval the household (or person) receives under now, if any."""
    latest = (
        Decision.objects.filter(
            case__household=household,
            case__programme=programme,
            case__member=member,
            outcome=Outcome.APPROVED,
        )
        .select_related("case")
        .order_by("-decided_on", "-id")
        .first()
    )
    if latest is None or latest.ends_benefit:
        return None
    # A decision with a last month (a gradual exit) receives nothing once that month is past.
    if latest.end_month is not None and latest.end_month < _today().replace(day=1):
        return None
    return latest


def _refuse_duplicate(household: Household, programme: str, kind: str, member) -> None:
    open_case = Case.objects.filter(
        household=household, programme=programme, member=member, state__in=OPEN_STATES
    ).first()
    if open_case:
        raise DoudiError(
            _("Case %(number)s of this household for this programme is still open."),
            field="programme",
            number=open_case.file_number,
            case_id=open_case.pk,  # for a face to link to it
        )
    current = None if programme in TEMPORARY else receiving(household, programme, member)
    if kind == CaseKind.APPLICATION and current:
        raise DoudiError(
            _("The household already receives this; open a change or a termination instead."),
            field="kind",
        )
    if kind != CaseKind.APPLICATION and not current:
        raise DoudiError(
            _("The household receives nothing under this programme to change or stop."),
            field="kind",
        )


def _staff_in_household(household: Household) -> str:
    """A member of staff who is themselves a member (found by ID number) makes it a relative's
    case; relatives who are not members are declared at submission or flagged later."""
    hashes = household.members.filter(left_on__isnull=True).exclude(id_number_hash="")
    staff = User.objects.filter(
        is_active=True, id_number_hash__in=hashes.values("id_number_hash")
    ).first()
    if staff is None:
        return ""
    with translation.override(settings.LANGUAGE_CODE):  # a record, kept in the bureau's language
        return _("Staff member %(name)s is in the household") % {"name": staff}


@transaction.atomic
def flag_relative(actor: User, case_id: int, *, relation: str) -> Case:
    """Register the case separately (单独登记备案): a home visit becomes mandatory."""
    case = _begin(actor, case_id, Action.FLAG_RELATIVE)
    case.relative_of_staff = required_text(relation, field="relation")[:200]
    return _finish(actor, case, Action.FLAG_RELATIVE, reason=case.relative_of_staff)


@transaction.atomic
def list_missing(actor: User, case_id: int, *, items: list[str]) -> Case:
    """Tell the household every missing material at once (一次性告知)."""
    case = _begin(actor, case_id, Action.LIST_MISSING)
    if case.missing_listed_on:
        raise DoudiError(
            _("The missing materials were listed on %(day)s; they are listed once, all together."),
            field="items",
            day=case.missing_listed_on.isoformat(),
        )
    items = [free_text(item) for item in items if item.strip()]
    if not items:
        raise DoudiError(_("List at least one missing material."), field="items")
    case.missing_materials, case.missing_listed_on = items, _today()
    return _finish(actor, case, Action.LIST_MISSING, details={"items": items})


@transaction.atomic
def receive_materials(
    actor: User,
    case_id: int,
    *,
    items: list[str],
    authorisation_signed_on: datetime.date | None = None,
) -> Case:
    case = _begin(actor, case_id, Action.RECEIVE_MATERIALS)
    unknown = [item for item in items if item not in case.missing_materials]
    if unknown:
        raise DoudiError(
            _("“%(item)s” was not among the missing materials."), field="items", item=unknown[0]
        )
    if authorisation_signed_on:
        if authorisation_signed_on > _today():
            raise DoudiError(_("The date is in the future."), field="authorisation_signed_on")
        case.authorisation_signed_on = authorisation_signed_on
    case.missing_materials = [item for item in case.missing_materials if item not in items]
    return _finish(
        actor,
        case,
        Action.RECEIVE_MATERIALS,
        details={"received": items, "still_missing": case.missing_materials},
    )


@transaction.atomic
def accept(actor: User, case_id: int) -> Case:
    """Accept (受理): the time limits start today."""
    case = _begin(actor, case_id, Action.ACCEPT)
    if case.missing_materials:
        raise DoudiError(
            _("Materials still missing: %(items)s."),
            field="state",
            items="、".join(case.missing_materials),
        )
    procedure = procedure_of(case)
    today = _today()
    township = Region.objects.get(code=case.township_code)
    # A re-check is decided by the county even where applications are confirmed by the township.
    delegated = township.confirms_cases and case.kind != CaseKind.REVIEW
    case.accepted_on, case.delegated = today, delegated
    case.due_on = whole_procedure_due(case)
    case.step_due_on = (
        today
        if procedure.pay_first
        else earliest(after(today, procedure.investigation_limit), case.due_on)
    )
    if case.hukou_region_id:
        HukouCheck.objects.create(
            case=case,
            requested_on=today,
            township_id=f"{case.hukou_region_id[:9]}000",
            due_on=after(today, procedure.hukou_check_limit),
        )
    return _finish(
        actor,
        case,
        Action.ACCEPT,
        details={
            "delegated": case.delegated,
            "due_on": _iso(case.due_on),
            "hukou_check": case.hukou_region_id or "",
        },
    )


@transaction.atomic
def answer_hukou_check(actor: User, case_id: int, *, answer: str) -> Case:
    """The township of the household's hukou answers the request to help verify."""
    check = get_in_scope(
        actor,
        HukouCheck.objects.select_for_update(),
        Permission.VIEW_CASES,
        "township__code",
        case_id=case_id,
    )
    require(actor, Permission.HANDLE_CASES, check.township_id)
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.state not in OPEN_STATES or check.answered_on:
        raise DoudiError(
            _("This request was already answered, or the case is closed."), field="state"
        )
    check.answer = required_text(
        answer, field="answer", message=_("Write down what the hukou place found.")
    )
    check.answered_on, check.answered_by = _today(), actor
    check.save()
    return _finish(
        actor,
        case,
        Action.ANSWER_HUKOU_CHECK,
        reason=check.answer,
        details={"township": check.township_id},
    )


@transaction.atomic
def extend(actor: User, case_id: int, *, reason: str) -> Case:
    """Extend to 45 working days, with the reason (objection, split household, cross-region,
    hard investigation)."""
    case = _begin(actor, case_id, Action.EXTEND)
    if case.extension_reason:
        raise DoudiError(_("The time limit was already extended."), field="reason")
    old_due = case.due_on
    case.extension_reason = required_reason(reason)[:300]
    case.due_on = whole_procedure_due(case)
    if case.step_due_on == old_due:
        case.step_due_on = case.due_on
    return _finish(
        actor,
        case,
        Action.EXTEND,
        reason=case.extension_reason,
        details={"due_on": _iso(case.due_on)},
    )


@transaction.atomic
def withdraw(actor: User, case_id: int, *, reason: str) -> Case:
    case = _begin(actor, case_id, Action.WITHDRAW)
    if hasattr(case, "emergency_payment"):
        raise DoudiError(
            _("Money was already paid on this case; complete its papers and confirm it instead."),
            field="state",
        )
    case.deadline_at_closing = case.due_on or case.step_due_on
    case.closed_on, case.step_due_on = _today(), None
    return _finish(
        actor,
        case,
        Action.WITHDRAW,
        reason=required_reason(reason),
    )


# --- investigation, data check, opinion, notice ------------------------------------------------


def _investigation(
    actor: User,
    case: Case,
    kind: str,
    *,
    visited_on: datetime.date,
    investigator_ids: list[int],
    home_visit: bool,
    findings: str,
    neighbours_heard: bool = False,
    facts: dict[str, Any] | None = None,
) -> Investigation:
    today = _today()
    if visited_on > today or (case.accepted_on and visited_on < case.accepted_on):
        raise DoudiError(
            _("The visit date must lie between acceptance and today."), field="visited_on"
        )
    investigators = list(User.objects.filter(pk__in=set(investigator_ids), is_active=True))
    if len(investigators) < 2:
        raise DoudiError(
            _("An investigation is made by at least two people."), field="investigators"
        )
    for person in investigators:
        if not covers(person, case.region_id) or person.role not in {
            Role.VILLAGE_WORKER,
            Role.GRID_WORKER,
            Role.TOWNSHIP_HANDLER,
            Role.TOWNSHIP_REVIEWER,
            Role.COUNTY_APPROVER,
        }:
            raise DoudiError(
                _("%(name)s does not work for this place."), field="investigators", name=person
            )
    if case.relative_of_staff and not home_visit:
        raise DoudiError(
            _("This is a relative's case (单独登记备案): a home visit is mandatory."),
            field="home_visit",
        )
    version = None
    if facts is not None:
        assessment.check_facts(actor, case, facts, today)
        case.facts = facts
        version = assessment.keep_facts(actor, case, facts, today)
    record_ = Investigation.objects.create(
        case=case,
        kind=kind,
        visited_on=visited_on,
        home_visit=home_visit,
        neighbours_heard=neighbours_heard,
        recorded_by=actor,
        findings=required_text(
            findings, field="findings", message=_("Write down what the investigation found.")
        ),
    )
    record_.investigators.set(investigators)
    record_.household_version = version  # the registry's version holding the findings
    return record_


def _investigation_details(record_: Investigation) -> dict[str, Any]:
    details = {
        "investigation": record_.pk,
        "home_visit": record_.home_visit,
        "investigators": sorted(user.pk for user in record_.investigators.all()),
    }
    if getattr(record_, "household_version", None):
        details["household_version"] = record_.household_version
    return details


@transaction.atomic
def investigate(actor: User, case_id: int, **record_fields: Any) -> Case:
    """The household economic-status investigation: at least two people, usually at home."""
    case = _begin(actor, case_id, Action.INVESTIGATE)
    record_ = _investigation(actor, case, InvestigationKind.INVESTIGATION, **record_fields)
    procedure = procedure_of(case)
    if not procedure.data_check:
        case.step_due_on = case.due_on
    return _finish(actor, case, Action.INVESTIGATE, details=_investigation_details(record_))


@transaction.atomic
def request_check(actor: User, case_id: int) -> Case:
    """Open the data check and compute its report at once, against the latest snapshots."""
    case = _begin(actor, case_id, Action.REQUEST_CHECK)
    if not case.authorisation_signed_on:
        raise DoudiError(
            _(
                "The household has not signed the authorisation for economic checks "
                "(核对授权书); no check may be requested without it."
            ),
            field="state",
        )
    check, report = _open_check(case)
    return _finish(
        actor,
        case,
        Action.REQUEST_CHECK,
        details={"due_on": _iso(check.due_on), "report": report.pk},
    )


def _open_check(case: Case) -> tuple[DataCheck, CheckReport]:
    today = _today()
    check = DataCheck.objects.create(
        case=case, requested_on=today, due_on=after(today, procedure_of(case).data_check_limit)
    )
    case.step_due_on = earliest(check.due_on, case.due_on)
    return check, produce_report(check, today)


@transaction.atomic
def record_check(actor: User, case_id: int, *, result: str, findings: str = "") -> Case:
    """The county's conclusion on the check report. Findings left empty are the report's
    discrepancies, as the report lists them."""
    case = _begin(actor, case_id, Action.RECORD_CHECK)
    _one_of(result, CheckResult, "result")
    check = case.data_checks.filter(answered_on__isnull=True).get()
    report = getattr(check, "report", None)
    findings = free_text(findings)
    if not findings and report is not None:
        with translation.override("zh-hans"):
            findings = discrepancy_text(report)
    if result == CheckResult.DISCREPANCY:
        findings = required_text(
            findings, field="findings", message=_("Describe the discrepancies found.")
        )
    check.answered_on, check.result, check.findings = _today(), result, findings
    check.save()
    case.step_due_on = _township_stage_due(case)
    details: dict[str, Any] = {"result": result}
    if report is not None:
        details["report"] = report.pk
    return _finish(actor, case, Action.RECORD_CHECK, details=details)


@transaction.atomic
def object_to_check(actor: User, case_id: int, *, content: str, evidence: str) -> Case:
    """The household objects to the check report the county concluded on, with evidence: the
    objection is kept and a re-check opened at once, a new data check whose new report reads
    the latest snapshots (复核)."""
    case = _begin(actor, case_id, Action.OBJECT_TO_CHECK)
    content = required_text(content, field="content", message=_("Write down the objection."))
    evidence = required_text(
        evidence, field="evidence", message=_("Describe the evidence the household brings.")
    )
    answered = case.data_checks.filter(answered_on__isnull=False).order_by("-id").first()
    objected = getattr(answered, "report", None)
    if objected is None:
        raise DoudiError(_("This case has no check report to object to."), field="state")
    check, report = _open_check(case)
    objection = record_objection(actor, objected, check, content=content, evidence=evidence)
    return _finish(
        actor,
        case,
        Action.OBJECT_TO_CHECK,
        reason=content,
        details={
            "due_on": _iso(check.due_on),
            "report": report.pk,
            "objected_report": objected.pk,
            "objection": objection.pk,
        },
    )


def _township_stage_due(case: Case) -> datetime.date | None:
    procedure = procedure_of(case)
    if case.due_on:
        return case.due_on
    return after(case.accepted_on, procedure.investigation_limit)


@transaction.atomic
def give_opinion(
    actor: User,
    case_id: int,
    *,
    recommends_approval: bool,
    text: str,
    notice_starts_on: datetime.date | None = None,
) -> Case:
    """The township's opinion; a proposed approval then goes on public notice for 7 days."""
    case = _begin(actor, case_id, Action.GIVE_OPINION)
    procedure, today = procedure_of(case), _today()
    Opinion.objects.create(
        case=case,
        recommends_approval=recommends_approval,
        given_on=today,
        given_by=actor,
        text=required_text(text, field="text", message=_("Write the township's opinion.")),
    )
    noticed = (
        procedure.public_notice
        and recommends_approval
        and (
            case.kind == CaseKind.APPLICATION
            or (case.kind == CaseKind.TERMINATION and case.programme in NOTICED_TERMINATIONS)
        )
    )
    if procedure.review:
        step_due = after(today, procedure.confirmation_limit)
        target = State.REVIEW_PROPOSED
    elif noticed:
        starts = notice_starts_on or today
        if starts < today:
            raise DoudiError(_("A notice cannot start in the past."), field="notice_starts_on")
        case.notice_starts_on = starts
        case.notice_ends_on = starts + datetime.timedelta(days=procedure.notice_days - 1)
        step_due, target = after(case.notice_ends_on, procedure.confirmation_limit), State.ON_NOTICE
    else:
        step_due = after(today, procedure.confirmation_limit)
        target = State.AWAITING_CONFIRMATION
    case.step_due_on = earliest(step_due, case.due_on)
    if procedure.spot_check_share and not case.opinions.exclude(given_on=today).exists():
        case.spot_check_selected = _needs_spot_check(case, procedure.spot_check_share)
    return _finish(
        actor,
        case,
        Action.GIVE_OPINION,
        to=target,
        details={
            "recommends_approval": recommends_approval,
            "notice_ends_on": _iso(case.notice_ends_on),
            "spot_check": case.spot_check_selected,
        },
    )


def _needs_spot_check(case: Case, share: float) -> bool:
    """Select cases so that the county spot-checks at least ``share`` of its township's cases
    of this programme this year: a case is chosen whenever the share would otherwise fall."""
    earlier = (
        Case.objects.filter(
            programme=case.programme,
            region__code__startswith=case.region_id[:6],
            submitted_on__year=case.submitted_on.year,
            opinions__isnull=False,
        )
        .exclude(pk=case.pk)
        .distinct()
    )
    selected = earlier.filter(spot_check_selected=True).count()
    return selected < math.ceil(share * (earlier.count() + 1))


@transaction.atomic
def object_to(
    actor: User, case_id: int, *, content: str, received_on: datetime.date | None = None
) -> Case:
    """Record an objection raised during the notice (异议)."""
    case = _begin(actor, case_id, Action.OBJECT)
    received_on = received_on or _today()
    if not case.notice_starts_on <= received_on <= min(case.notice_ends_on, _today()):
        raise DoudiError(
            _("An objection is received during the notice, %(start)s to %(end)s."),
            field="received_on",
            start=case.notice_starts_on.isoformat(),
            end=case.notice_ends_on.isoformat(),
        )
    Objection.objects.create(
        case=case,
        received_on=received_on,
        content=required_text(content, field="content", message=_("Write down the objection.")),
    )
    case.step_due_on = _township_stage_due(case)
    return _finish(actor, case, Action.OBJECT)


@transaction.atomic
def reinvestigate(actor: User, case_id: int, **record_fields: Any) -> Case:
    case = _begin(actor, case_id, Action.REINVESTIGATE)
    record_ = _investigation(actor, case, InvestigationKind.REINVESTIGATION, **record_fields)
    case.objections.filter(resolution="").update(
        resolution=Resolution.REINVESTIGATION, resolved_on=_today(), outcome=record_.findings
    )
    return _finish(actor, case, Action.REINVESTIGATE, details=_investigation_details(record_))


@transaction.atomic
def appraise(actor: User, case_id: int, *, participants: int, in_favour: int, outcome: str) -> Case:
    """A democratic appraisal (民主评议) settles the objection; a new opinion follows."""
    case = _begin(actor, case_id, Action.APPRAISE)
    if participants < 1 or not 0 <= in_favour <= participants:
        raise DoudiError(
            _("The votes in favour must lie between 0 and the number of participants."),
            field="in_favour",
        )
    outcome = required_text(
        outcome, field="outcome", message=_("Write down the outcome of the appraisal.")
    )
    case.objections.filter(resolution="").update(
        resolution=Resolution.APPRAISAL,
        resolved_on=_today(),
        participants=participants,
        in_favour=in_favour,
        outcome=outcome,
    )
    return _finish(
        actor,
        case,
        Action.APPRAISE,
        reason=outcome,
        details={"participants": participants, "in_favour": in_favour},
    )


# --- paying first (急难型) -----------------------------------------------------------------------


@transaction.atomic
def pay_first(actor: User, case_id: int, *, amount_fen: int, reason: str) -> Case:
    """Pay a small amount the same day from the township's reserve fund; papers follow."""
    case = _begin(actor, case_id, Action.PAY_FIRST)
    recipient = case.member.name if case.member else str(case.household)
    movement = move(
        actor,
        case.township_code,
        "payment",
        amount_fen,
        reason=required_reason(reason),
        recipient=f"{case.file_number} {recipient}",
    )
    today = _today()
    payment = EmergencyPayment.objects.create(
        case=case,
        movement=movement,
        paid_on=today,
        papers_due_on=after(today, procedure_of(case).papers_limit),
    )
    case.step_due_on = payment.papers_due_on
    return _finish(
        actor,
        case,
        Action.PAY_FIRST,
        reason=reason,
        details={"amount_fen": amount_fen, "papers_due_on": _iso(payment.papers_due_on)},
    )


@transaction.atomic
def complete_papers(actor: User, case_id: int, **record_fields: Any) -> Case:
    case = _begin(actor, case_id, Action.COMPLETE_PAPERS)
    record_ = _investigation(actor, case, InvestigationKind.PAPERS, **record_fields)
    today = _today()
    payment = case.emergency_payment
    payment.papers_done_on = today
    payment.save()
    case.step_due_on = after(today, procedure_of(case).confirmation_limit)
    return _finish(
        actor,
        case,
        Action.COMPLETE_PAPERS,
        details={**_investigation_details(record_), "late": today > payment.papers_due_on},
    )


# --- confirmation (审核确认) ----------------------------------------------------------------------


def _check_confirmer(actor: User, case: Case) -> None:
    """Confirmation where the power sits; never by an investigator; a relative's case only
    with a home visit on record; a case chosen for a spot check only after it."""
    township_confirms = case.delegated or case.programme == CaseProgramme.TEMPORARY_EMERGENCY
    wanted = {Level.TOWNSHIP if township_confirms else Level.COUNTY}
    if case.delegated and case.programme == CaseProgramme.TEMPORARY_EXPENDITURE:
        # The township approves small amounts; the county what lies above its limit (一事一议).
        wanted.add(Level.COUNTY)
    if actor.region.level not in wanted:
        raise DoudiError(
            _("This case is confirmed by the township, where the power is delegated.")
            if township_confirms
            else _("This case is confirmed by the county civil-affairs bureau."),
            field="actor",
        )
    investigated = (
        case.investigations.filter(investigators=actor).exists()
        or case.investigations.filter(recorded_by=actor).exists()
    )
    if investigated:
        raise DoudiError(
            _("You investigated this case; someone else must confirm it (separation of duties)."),
            field="actor",
        )
    if case.relative_of_staff and not case.investigations.filter(home_visit=True).exists():
        raise DoudiError(
            _(
                "This is a relative's case (单独登记备案); it cannot be confirmed "
                "without a home-visit record."
            ),
            field="state",
        )
    check = HukouCheck.objects.filter(case=case).first()
    if check and not check.answered_on:
        raise DoudiError(
            _("The hukou place (%(place)s) has not yet answered the request to help verify."),
            field="state",
            place=check.township.name,
        )
    if case.spot_check_selected and not case.spot_checks.exists():
        raise DoudiError(
            _("The county's spot check of this case is not recorded yet."), field="state"
        )


def confirmation_refusal(actor: User, case: Case) -> DoudiError | None:
    """Why the user may not confirm the case now, or None: the faces offer approving and
    refusing only where this is None (field "actor": never this user; "state": not yet)."""
    try:
        _refuse_early_confirmation(case, procedure_of(case))
        _check_confirmer(actor, case)
    except DoudiError as refusal:
        return refusal
    return None


@transaction.atomic
def spot_check(actor: User, case_id: int, *, agrees: bool, findings: str) -> Case:
    case = _begin(actor, case_id, Action.SPOT_CHECK)
    if actor.region.level != Level.COUNTY:
        raise DoudiError(
            _("Spot checks are made by the county civil-affairs bureau."), field="actor"
        )
    SpotCheck.objects.create(
        case=case,
        checked_on=_today(),
        checked_by=actor,
        agrees=agrees,
        findings=required_text(
            findings, field="findings", message=_("Write down what the spot check found.")
        ),
    )
    return _finish(actor, case, Action.SPOT_CHECK, details={"agrees": agrees})


@transaction.atomic
def approve(
    actor: User,
    case_id: int,
    *,
    reasons: str,
    amount_fen: int | None = None,
    stages: list[tuple[datetime.date, int]] | None = None,
    case_by_case: bool = False,
) -> Case:
    """Confirm the case. A monthly benefit runs from next month at the engine's amount; a
    termination stops after this month; temporary assistance pays ``amount_fen`` in one or more
    stages: no more than the engine allows, or — ``case_by_case`` (一事一议), by the county
    only — up to the need the rule computed before the yearly cap; a township never more than
    its limit (``temporary.township_limit``)."""
    case = _begin(actor, case_id, Action.APPROVE)
    _check_confirmer(actor, case)
    reasons = required_text(
        reasons, field="reasons", message=_("Write the reasons for the decision.")
    )
    today = _today()
    # A household whose members have all died or left has nobody for the rules to assess: its
    # stop needs no answer from them (and there is nobody to follow up).
    empty = case.kind == CaseKind.TERMINATION and not _anyone_left(case)
    found = None if empty else assessment.assess(actor, case, next_month(today), today)
    decision = Decision(
        case=case,
        outcome=Outcome.APPROVED,
        decided_on=today,
        decided_by=actor,
        reasons=reasons,
        engine_result=found.result if found else {},
        notify_due_on=after(today, procedure_of(case).refusal_notice_limit),
    )
    if case.kind == CaseKind.TERMINATION:
        decision.end_month = _stop_month(case, today)
    elif not found.eligible and case.programme != CaseProgramme.TEMPORARY_EMERGENCY:
        raise DoudiError(
            _(
                "The rules find the household not eligible; conditions not met: "
                "%(tests)s. Refuse the case, or correct the facts first."
            ),
            field="state",
            tests="、".join(found.failed_tests) or "—",
        )
    elif case.programme in TEMPORARY:
        decision.total_amount_fen = _temporary_total(actor, case, found, amount_fen, case_by_case)
    else:
        decision.monthly_amount_fen = found.monthly_amount_fen
        decision.start_month = next_month(today)
        decision.end_month = assessment.gradual_exit_last_month(found, decision.start_month)
    more = _follow_up_after_end(actor, case, found, decision)
    decision.save()
    if decision.total_amount_fen:
        _save_stages(decision, stages or [(today, decision.total_amount_fen)])
    benefit = apply_decision(decision)
    return _close(
        actor, case, Action.APPROVE, decision, benefit=benefit.pk if benefit else None, **more
    )


def _stop_month(case: Case, today: datetime.date) -> datetime.date:
    """The last month a stop pays: this month; or, where the person the benefit pays for died
    (for a household's benefit: its last member, nobody being left), the month of the death —
    the benefit stops from the next month, and what a payroll paid for a later month is listed
    for recovery (``payroll.queries.recoveries``)."""
    this_month = today.replace(day=1)
    if case.member is not None:
        death = case.member.death_date
    elif _anyone_left(case):
        return this_month
    else:
        last = case.household.members.order_by("-left_on", "-id").first()
        death = last.death_date if last else None
    return this_month if death is None else min(this_month, death.replace(day=1))


def _anyone_left(case: Case) -> bool:
    return case.household.members.filter(left_on__isnull=True).exists()


def _follow_up_after_end(
    actor: User, case: Case, found: assessment.Assessment | None, decision: Decision
) -> dict[str, Any]:
    """Where the decision ends a programme that is followed up (特困), open the follow-up case
    and say so in the decision's reasons; what the case's step records of it."""
    if found is None or not decision.ends_benefit or case.programme not in FOLLOW_UP_AFTER:
        return {}
    follow_up = _follow_up(actor, case, found)
    decision.reasons = f"{decision.reasons}\n{_follow_up_sentence(case, follow_up)}"
    decision.engine_result = {**found.result, "follow_up": _follow_up_record(follow_up)}
    return {"follow_up": _follow_up_record(follow_up)}


@transaction.atomic
def decide_review(actor: User, case_id: int, *, outcome: str, reasons: str) -> Case:
    """The county's decision on a re-check (复核): keep, increase or reduce the amount from next
    month at the engine's amount, or stop the benefit after this month. The outcome chosen must
    be the one the rules find: the decision keeps the policy engine's result."""
    case = _begin(actor, case_id, Action.DECIDE_REVIEW)
    _check_confirmer(actor, case)
    _one_of(outcome, ReviewOutcome, "outcome")
    reasons = required_text(
        reasons, field="reasons", message=_("Write the reasons for the decision.")
    )
    today = _today()
    current = current_benefit(case)
    if current is None:
        raise DoudiError(_("There is no benefit in force to re-check."), field="state")
    found = assessment.assess(actor, case, next_month(today), today)
    found_outcome = _review_outcome(found, current.monthly_amount_fen)
    if outcome != found_outcome:
        raise DoudiError(
            _(
                "The rules find “%(found)s” (%(amount)s yuan a month against %(now)s now); "
                "decide that, or correct the facts first."
            ),
            field="outcome",
            found=ReviewOutcome(found_outcome).label,
            amount=fen_to_yuan(found.monthly_amount_fen if found.eligible else 0),
            now=fen_to_yuan(current.monthly_amount_fen),
        )
    decision = Decision(
        case=case,
        outcome=Outcome.APPROVED,
        review_outcome=outcome,
        decided_on=today,
        decided_by=actor,
        reasons=reasons,
        engine_result=found.result,
        notify_due_on=after(today, procedure_of(case).refusal_notice_limit),
        monthly_amount_fen=current.monthly_amount_fen,
    )
    if outcome == ReviewOutcome.STOP:
        decision.monthly_amount_fen, decision.end_month = None, _stop_month(case, today)
    elif outcome != ReviewOutcome.KEEP:
        decision.monthly_amount_fen = found.monthly_amount_fen
        decision.start_month = next_month(today)
    elif (last := assessment.gradual_exit_last_month(found, next_month(today))) is not None:
        # Kept only for the gradual exit: the same amount from next month up to its last
        # month, so that the exit ends by this decision and the household is told when.
        decision.start_month, decision.end_month = next_month(today), last
    more = _follow_up_after_end(actor, case, found, decision)
    decision.save()
    benefit = apply_decision(decision)
    return _close(
        actor,
        case,
        Action.DECIDE_REVIEW,
        decision,
        outcome=outcome,
        benefit=benefit.pk,
        **more,
    )


def _review_outcome(found: assessment.Assessment, now_fen: int) -> ReviewOutcome:
    if not found.eligible:
        return ReviewOutcome.STOP
    if found.monthly_amount_fen > now_fen:
        return ReviewOutcome.INCREASE
    if found.monthly_amount_fen < now_fen:
        return ReviewOutcome.REDUCE
    return ReviewOutcome.KEEP


# 特困人员认定办法 (民政部, 民发〔2021〕43号, 2021-04-26): one whose 特困 support ends and who
# meets the 低保 or temporary-assistance conditions is brought into it at once. The case opened
# is an application found by civil affairs itself (主动发现), in the order tried here.
FOLLOW_UP_AFTER = frozenset({CaseProgramme.EXTREME_HARDSHIP})
FOLLOW_UP_PROGRAMMES = (CaseProgramme.MINIMUM_LIVING, CaseProgramme.TEMPORARY_EXPENDITURE)


def _engine_answer(result: dict[str, Any], programme: CaseProgramme) -> dict[str, Any] | None:
    wanted = ENGINE_PROGRAMME[programme]
    return next((p for p in result.get("programmes", []) if p["programme"] == wanted), None)


def _follow_up(actor: User, case: Case, found: assessment.Assessment) -> Case | None:
    """Open the application the engine finds the household eligible for, unless it already
    receives that programme or has a case for it open. Written inside the termination's own
    transaction and recorded by its audit event."""
    household = case.household
    for programme in FOLLOW_UP_PROGRAMMES:
        answer = _engine_answer(found.result, programme)
        if answer is None or not answer.get("eligible"):
            continue
        open_case = Case.objects.filter(
            household=household, programme=programme, member=None, state__in=OPEN_STATES
        ).exists()
        if open_case or (programme not in TEMPORARY and receiving(household, programme)):
            continue
        amount = yuan_to_fen(answer.get("monthly_amount", "0"))
        with translation.override(settings.LANGUAGE_CODE):  # a record, in the bureau's language
            need = _("Support ended by decision on case %(number)s") % {"number": case.file_number}
        return open_found_case(
            actor,
            household,
            programme,
            CaseKind.APPLICATION,
            need=need,
            requested_amount_fen=amount if programme in TEMPORARY else None,
            authorisation_signed_on=case.authorisation_signed_on,
            relative_of_staff=case.relative_of_staff,
            details={"after_termination": case.pk},
        )
    return None


def open_found_case(
    actor: User,
    household: Household,
    programme: str,
    kind: str,
    *,
    need: str,
    member=None,
    requested_amount_fen: int | None = None,
    authorisation_signed_on: datetime.date | None = None,
    relative_of_staff: str = "",
    details: dict[str, Any] | None = None,
) -> Case:
    """A case civil affairs opens itself (主动发现): after a termination, or for a campaign's
    confirmed finding. Written inside the caller's transaction and recorded by the caller's
    audit event; the caller has decided that ``actor`` may. Then the normal procedure runs."""
    _refuse_duplicate(household, programme, kind, member)
    found = Case.objects.create(
        household=household,
        region=household.region,
        member=member,
        programme=programme,
        kind=kind,
        channel=Channel.DISCOVERY,
        submitted_by=actor,
        submitted_on=_today(),
        need=need,
        requested_amount_fen=requested_amount_fen,
        authorisation_signed_on=authorisation_signed_on,
        relative_of_staff=relative_of_staff or _staff_in_household(household)[:200],
    )
    Transition.objects.create(
        case=found,
        action=Action.SUBMIT,
        from_state=State.SUBMITTED,
        to_state=State.SUBMITTED,
        actor=actor,
        details={
            "household": household.pk,
            "programme": programme,
            "kind": kind,
            "channel": Channel.DISCOVERY,
            **(details or {}),
        },
    )
    return found


def _follow_up_record(follow_up: Case | None) -> dict[str, Any] | None:
    if follow_up is None:
        return None
    return {"case": follow_up.pk, "programme": follow_up.programme}


def _follow_up_sentence(case: Case, follow_up: Case | None) -> str:
    """What the decision tells the household about what comes after, in the bureau's language."""
    with translation.override(settings.LANGUAGE_CODE):
        if follow_up is None:
            return str(
                _(
                    "The rules find the household eligible neither for the minimum living "
                    "guarantee nor for temporary assistance; no follow-up case was opened."
                )
            )
        return str(
            _("An application for %(programme)s was opened as case %(number)s.")
            % {"programme": follow_up.get_programme_display(), "number": follow_up.file_number}
        )


def _temporary_total(
    actor: User,
    case: Case,
    found: assessment.Assessment,
    amount_fen: int | None,
    case_by_case: bool,
) -> int:
    if case.programme == CaseProgramme.TEMPORARY_EMERGENCY:
        return case.emergency_payment.movement.amount_fen
    if not amount_fen or amount_fen <= 0:
        raise DoudiError(_("State the amount granted."), field="amount")
    if amount_fen > found.monthly_amount_fen:
        need = _uncapped_need_fen(found)
        if not case_by_case:
            raise DoudiError(
                _(
                    "%(amount)s yuan is more than the rules allow for this need (%(cap)s yuan); "
                    "more only case by case (一事一议), by the county."
                ),
                field="amount",
                amount=fen_to_yuan(amount_fen),
                cap=fen_to_yuan(found.monthly_amount_fen),
            )
        if actor.region.level != Level.COUNTY:
            raise DoudiError(
                _(
                    "An amount above the rules (一事一议) is decided by the county "
                    "civil-affairs bureau; a township may not approve it."
                ),
                field="case_by_case",
            )
        if amount_fen > need:
            raise DoudiError(
                _("%(amount)s yuan is more than the need the rules computed (%(need)s yuan)."),
                field="amount",
                amount=fen_to_yuan(amount_fen),
                need=fen_to_yuan(need),
            )
    if actor.region.level == Level.TOWNSHIP:
        limit = township_limit_fen(case.township_code)
        if limit is not None and amount_fen > limit:
            raise DoudiError(
                _(
                    "%(amount)s yuan is above the township's limit of %(limit)s yuan; "
                    "the county must approve it."
                ),
                field="amount",
                amount=fen_to_yuan(amount_fen),
                limit=fen_to_yuan(limit),
            )
    return amount_fen


def _uncapped_need_fen(found: assessment.Assessment) -> int:
    """What the rule computes for the need before the yearly cap (the 一事一议 test's value)."""
    for programme in found.result.get("programmes", []):
        if programme.get("programme") != "temporary_assistance":
            continue
        for reason in programme.get("reasons", []):
            value = reason.get("values", {}).get("temporary_assistance_uncapped")
            if value is not None:
                return yuan_to_fen(str(value))
    return found.monthly_amount_fen


def _save_stages(decision: Decision, stages: list[tuple[datetime.date, int]]) -> None:
    if sum(amount for _day, amount in stages) != decision.total_amount_fen or any(
        amount <= 0 for _day, amount in stages
    ):
        raise DoudiError(
            _("The stages must be positive and add up to the amount granted."), field="stages"
        )
    PaymentStage.objects.bulk_create(
        PaymentStage(decision=decision, sequence=number, due_on=day, amount_fen=amount)
        for number, (day, amount) in enumerate(sorted(stages), start=1)
    )


@transaction.atomic
def refuse(actor: User, case_id: int, *, reasons: str) -> Case:
    """Refuse, with the written reasons the household is told within 3 working days."""
    case = _begin(actor, case_id, Action.REFUSE)
    _check_confirmer(actor, case)
    reasons = required_text(
        reasons, field="reasons", message=_("Write the reasons for the decision.")
    )
    today = _today()
    try:
        result = assessment.assess(actor, case, next_month(today), today).result
    except DoudiError as failure:
        result = {"error": failure.render("en")}
    decision = Decision.objects.create(
        case=case,
        outcome=Outcome.REFUSED,
        decided_on=today,
        decided_by=actor,
        reasons=reasons,
        engine_result=result,
        notify_due_on=after(today, procedure_of(case).refusal_notice_limit),
    )
    return _close(actor, case, Action.REFUSE, decision)


def _close(actor: User, case: Case, action: Action, decision: Decision, **more: Any) -> Case:
    case.deadline_at_closing = case.due_on or case.step_due_on
    case.closed_on, case.step_due_on = decision.decided_on, decision.notify_due_on
    return _finish(
        actor,
        case,
        action,
        reason=decision.reasons,
        details={
            "decision": decision.pk,
            "monthly_amount_fen": decision.monthly_amount_fen,
            "total_amount_fen": decision.total_amount_fen,
            "start_month": _iso(decision.start_month),
            "end_month": _iso(decision.end_month),
            **more,
        },
    )


# --- after a temporary-assistance decision -----------------------------------------------------


def stages_to_stop(case: Case) -> models.QuerySet[PaymentStage]:
    """The stages of the case's decision no payroll has taken (or only as a failed line) and
    not stopped yet: what a stop cancels."""
    return PaymentStage.objects.filter(
        decision__case=case, decision__outcome=Outcome.APPROVED, stopped_on__isnull=True
    ).exclude(payroll_lines__status__in=("pending", "paid"))


def level_refusal(actor: User, case: Case) -> DoudiError | None:
    """Who decided may stop: the county, or the township where it confirms."""
    wanted = {Level.COUNTY}
    if case.delegated or case.programme == CaseProgramme.TEMPORARY_EMERGENCY:
        wanted.add(Level.TOWNSHIP)
    if actor.region.level not in wanted:
        return DoudiError(
            _("The stages are stopped by whoever may confirm the case."), field="actor"
        )
    return None


@transaction.atomic
def stop_stages(actor: User, case_id: int, *, reason: str) -> Case:
    """Stop a staged grant (终止): the stages not yet taken by a payroll are cancelled and never
    paid; those already paid or with the bank stay as they are."""
    case = _begin(actor, case_id, Action.STOP_STAGES)
    if (refusal := level_refusal(actor, case)) is not None:
        raise refusal
    reason = required_reason(reason)
    stopped = list(stages_to_stop(case).order_by("sequence"))
    if not stopped:
        raise DoudiError(_("No stage is left to stop: all were paid."), field="state")
    today = _today()
    PaymentStage.objects.filter(pk__in=[s.pk for s in stopped]).update(stopped_on=today)
    return _finish(
        actor,
        case,
        Action.STOP_STAGES,
        reason=reason,
        details={
            "stages": [s.sequence for s in stopped],
            "stopped_fen": sum(s.amount_fen for s in stopped),
        },
    )


@transaction.atomic
def refer_to_charity(actor: User, case_id: int, *, organisation: str, need: str) -> Case:
    """The assistance has ended and the need remains: refer the household to charity
    assistance (慈善救助), a referral of the one window tracked until the organisation answers."""
    from doudi.window.services import charity_referral  # the window builds on cases

    case = _begin(actor, case_id, Action.REFER_TO_CHARITY)
    referral = charity_referral(actor, case, organisation=organisation, need=need)
    return _finish(
        actor,
        case,
        Action.REFER_TO_CHARITY,
        reason=referral.description,
        details={
            "need": referral.pk,
            "intake": referral.intake_id,
            "organisation": referral.department_name,
            "answer_due_on": _iso(referral.due_on),
        },
    )


@transaction.atomic
def notify(actor: User, case_id: int, *, told_on: datetime.date, how: str) -> Case:
    """Record that the household was told the decision and its reasons in writing."""
    case = _begin(actor, case_id, Action.NOTIFY)
    decision = case.decision
    if decision.notified_on:
        raise DoudiError(
            _("The household was already told on %(day)s."),
            field="told_on",
            day=decision.notified_on.isoformat(),
        )
    if not decision.decided_on <= told_on <= _today():
        raise DoudiError(_("The date must lie between the decision and today."), field="told_on")
    decision.notified_on = told_on
    decision.save()
    case.step_due_on = None
    return _finish(
        actor,
        case,
        Action.NOTIFY,
        reason=required_text(how, field="how"),
        details={"told_on": told_on.isoformat(), "late": told_on > decision.notify_due_on},
    )


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None
