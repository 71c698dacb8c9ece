"""Bulk actions of the cases app: one procedure (procedures.BulkProcedure) applied to many
households at once, set-based, with one audit event for the batch.

The standard change (提标) is the one there is. The city proposes it from a whole-population
evaluation run (policy.batch.evaluate_all) for the standard's first month: the preview — every
household 低保 benefit in force that the run pays more, from what to what — is stored as the
change's items. The city approves it; then, in one transaction, every item gets a change case
opened by civil affairs and taken through the procedure's steps (SUBMIT, BULK_APPROVE: the same
EDGES as every case), its approved decision, the old benefit ended the month before and the new
one begun. An approval is refused whole, changing nothing, when the preview no longer matches
what the run would raise now (a benefit began, ended or changed since, or a household's record
changed after the run read it); a change is applied once.

Only rises are applied: the run reads the registry, not every fact an investigation records, so a
lower amount waits for the household's re-check. Nothing here loops over the population in
Python: the preview, the cases, their transitions, decisions and benefits are each one
INSERT … SELECT (or UPDATE) over the items.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import NOT_FOUND, covers, get_in_scope, has_permission, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.benefits.models import Benefit, StandardChange, StandardChangeItem, StandardChangeState
from doudi.benefits.queries import in_force_sql
from doudi.cases.deadlines import after, limits_in_force
from doudi.cases.models import Case, Decision, Outcome, Transition
from doudi.cases.procedures import (
    EDGES,
    PROCEDURES,
    STANDARD_CHANGE,
    Action,
    BulkProcedure,
    CaseProgramme,
    State,
)
from doudi.dates import month_before
from doudi.errors import DoudiError, OutsideJurisdiction
from doudi.policy.models import EvaluationResult, EvaluationRun
from doudi.regions.codes import Level, prefix_of
from doudi.regions.models import Region
from doudi.registry.models import Household
from doudi.text import required_reason

if TYPE_CHECKING:
    from doudi.accounts.models import User

MONTHS_PER_YEAR = 12
# Who sets the standard approves its change: city (or provincial) staff with the permission.
SETTING_LEVELS = frozenset({Level.CITY, Level.PROVINCE})


def walk(procedure: BulkProcedure) -> tuple[tuple[Action, State, State], ...]:
    """Each step's (action, from, to), followed through EDGES from a new case; refuses a
    procedure whose steps are not edges of the state machine."""
    state, path = State.SUBMITTED, []
    for action in procedure.steps:
        sources, target = EDGES[action]
        if action != Action.SUBMIT and state not in sources:
            raise ValueError(f"{action} is not allowed from {state}")
        path.append((action, state, target or state))
        state = target or state
    return tuple(path)


STANDARD_CHANGE_PATH = walk(STANDARD_CHANGE)


# --- reading ---------------------------------------------------------------------------------


# Household 低保 benefits in force in the run's month that the run pays more: (id, region_id,
# monthly_amount_fen, new_amount_fen). A join, not a subquery per benefit: the run's results were
# written moments ago, and with statistics that do not know them yet PostgreSQL would read all of
# the run's results once for every benefit (minutes at 100,000).
RAISED = f"""
SELECT b.id, b.region_id, b.monthly_amount_fen, r.amount_fen AS new_amount_fen
FROM {Benefit._meta.db_table} b
JOIN {EvaluationResult._meta.db_table} r
  ON r.household_id = b.household_id AND r.run_id = %(run)s
 AND r.member_id IS NULL AND r.programme = b.programme
WHERE b.programme = %(programme)s AND b.member_id IS NULL AND b.region_id LIKE %(prefix)s
  AND {in_force_sql("b", "%(month)s")} AND b.ended_by_id IS NULL
  AND r.amount_fen > b.monthly_amount_fen
"""


def _raised_params(change: StandardChange) -> dict[str, Any]:
    return {
        "run": change.run_id,
        "programme": change.programme,
        "prefix": f"{prefix_of(change.place_code)}%",
        "month": change.month,
        "change": change.pk,
    }


@dataclass(frozen=True)
class CountyCost:
    county_code: str
    county_name: str
    households: int
    before_fen: int
    after_fen: int

    @property
    def monthly_fen(self) -> int:
        return self.after_fen - self.before_fen

    @property
    def yearly_fen(self) -> int:
        return self.monthly_fen * MONTHS_PER_YEAR


@dataclass(frozen=True)
class Preview:
    change: StandardChange
    place_name: str
    counties: list[CountyCost]
    items: models.QuerySet[StandardChangeItem]  # the rows the user may see
    whole: bool  # the user sees the whole change, not only their own part
    can_approve: bool

    @property
    def households(self) -> int:
        return sum(county.households for county in self.counties)

    @property
    def monthly_fen(self) -> int:
        return sum(county.monthly_fen for county in self.counties)

    @property
    def yearly_fen(self) -> int:
        return self.monthly_fen * MONTHS_PER_YEAR


def changes_visible_to(user: User) -> models.QuerySet[StandardChange]:
    """The standard changes of the user's place, or (for a county or township) of the city or
    province it lies in — of which they see only their own part."""
    require(user, Permission.VIEW_CASES)
    code = user.region_id
    above = {code[:digits].ljust(12, "0") for digits in (2, 4, 6, 9)}
    return StandardChange.objects.filter(
        Q(place_code__startswith=user.jurisdiction_prefix) | Q(place_code__in=above)
    )


def _place_name() -> Subquery:
    """The name of the place a row's ``place_code`` names (the page shows names, not codes)."""
    return Subquery(Region.objects.filter(code=OuterRef("place_code")).values("name")[:1])


def changes_listed(user: User) -> models.QuerySet[StandardChange]:
    """``changes_visible_to``, each with its place's name as ``place_name``."""
    return changes_visible_to(user).annotate(place_name=_place_name())


def preview(user: User, change_id: int) -> Preview:
    change = changes_visible_to(user).select_related("run").filter(pk=change_id).first()
    if change is None:
        raise OutsideJurisdiction(NOT_FOUND)
    whole = covers(user, change.place_code)
    mine = change.items.all()
    if not whole:
        mine = mine.filter(region_code__startswith=user.jurisdiction_prefix)
    items = (
        mine.select_related("benefit__payee", "benefit__region", "case")
        .annotate(increase_fen=F("after_fen") - F("before_fen"))
        .order_by("region_code", "id")
    )
    rows = list(
        mine.order_by()
        .annotate(county=Substr("region_code", 1, 6))
        .values("county")
        .annotate(households=Count("id"), before=Sum("before_fen"), after=Sum("after_fen"))
        .order_by("county")
    )
    codes = [row["county"].ljust(12, "0") for row in rows]
    names = dict(
        Region.objects.filter(code__in=[*codes, change.place_code]).values_list("code", "name")
    )
    counties = [
        CountyCost(code, names.get(code, code), row["households"], row["before"], row["after"])
        for code, row in zip(codes, rows, strict=True)
    ]
    can_approve = (
        whole
        and change.state == StandardChangeState.PROPOSED
        and _may_set_standards(user, change.place_code)
    )
    place_name = names.get(change.place_code, change.place_code)
    return Preview(change, place_name, counties, items, whole, can_approve)


def _may_set_standards(user: User, place_code: str) -> bool:
    return (
        has_permission(user, Permission.SET_STANDARDS)
        and covers(user, place_code)
        and user.region.level in SETTING_LEVELS
    )


def may_propose(user: User) -> bool:
    return _may_set_standards(user, user.region_id)


def require_may_propose(user: User) -> None:
    """Refuse before any evaluation is run for a user who could not propose from it."""
    _require_setter(user, user.region_id)


def _require_setter(user: User, place_code: str) -> None:
    require(user, Permission.SET_STANDARDS, place_code)
    if user.region.level not in SETTING_LEVELS:
        raise DoudiError(
            _("A standard change is proposed and approved by the city that sets the standard."),
            field="actor",
        )


# --- proposing -------------------------------------------------------------------------------


@transaction.atomic
def propose_standard_change(actor: User, run_id: int, *, reason: str) -> StandardChange:
    """Store the preview of what the run would raise; refused when it raises nobody."""
    run = get_in_scope(
        actor, EvaluationRun.objects.all(), Permission.SET_STANDARDS, "place_code", pk=run_id
    )
    _require_setter(actor, run.place_code)
    reason = required_reason(reason)
    change = StandardChange.objects.create(
        run=run,
        programme=CaseProgramme.MINIMUM_LIVING,
        month=run.month,
        place_code=run.place_code,
        reason=reason,
        households=0,
        monthly_increase_fen=0,
        proposed_by=actor,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {StandardChangeItem._meta.db_table}
                (change_id, benefit_id, region_code, before_fen, after_fen)
            SELECT %(change)s, q.id, q.region_id, q.monthly_amount_fen, q.new_amount_fen
            FROM ({RAISED}) q""",
            _raised_params(change),
        )
    totals = change.items.aggregate(
        count=Count("id"), before=Sum("before_fen"), after=Sum("after_fen")
    )
    if not totals["count"]:
        raise DoudiError(
            _(
                "The run for %(month)s raises nobody's benefit: there is no standard change "
                "to propose."
            ),
            field="run",
            month=f"{run.month:%Y-%m}",
        )
    change.households = totals["count"]
    change.monthly_increase_fen = totals["after"] - totals["before"]
    change.save(update_fields=["households", "monthly_increase_fen"])
    record(
        actor=actor,
        action=AuditAction.STANDARD_CHANGE_PROPOSE,
        object_type="standard_change",
        object_id=str(change.pk),
        region_code=change.place_code,
        after=_summary(change),
        reason=reason,
    )
    return change


def _summary(change: StandardChange) -> dict[str, Any]:
    return {
        "state": change.state,
        "evaluation_run": change.run_id,
        "month": f"{change.month:%Y-%m}",
        "households": change.households,
        "monthly_increase_fen": change.monthly_increase_fen,
    }


# --- approving and applying ------------------------------------------------------------------


@transaction.atomic
def approve_standard_change(actor: User, change_id: int, *, reason: str) -> StandardChange:
    """Apply the change to exactly its preview, once; refused whole if the preview is stale."""
    change = get_in_scope(
        actor,
        StandardChange.objects.select_for_update().select_related("run"),
        Permission.SET_STANDARDS,
        "place_code",
        pk=change_id,
    )
    _require_setter(actor, change.place_code)
    reason = required_reason(reason)
    if change.state != StandardChangeState.PROPOSED:
        raise DoudiError(
            _("This standard change was already approved and applied on %(day)s."),
            field="state",
            day=f"{timezone.localdate(change.applied_at):%Y-%m-%d}",
        )
    _lock_benefits(change)
    _refuse_stale(change)
    _apply(actor, change, reason)
    change.state, change.applied_by, change.applied_at = (
        StandardChangeState.APPLIED,
        actor,
        timezone.now(),
    )
    change.approval_reason = reason
    change.save(update_fields=["state", "applied_by", "applied_at", "approval_reason"])
    record(
        actor=actor,
        action=AuditAction.STANDARD_CHANGE_APPROVE,
        object_type="standard_change",
        object_id=str(change.pk),
        region_code=change.place_code,
        before={"state": StandardChangeState.PROPOSED},
        after=_summary(change),
        reason=reason,
    )
    return change


def _lock_benefits(change: StandardChange) -> None:
    """Hold the benefits being replaced until the change commits: an individual decision
    ending one meanwhile waits, and then finds it ended."""
    if connection.vendor != "postgresql":
        return  # SQLite has one writer at a time: the transaction already excludes others
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT b.id FROM {Benefit._meta.db_table} b
            WHERE b.id IN (SELECT benefit_id FROM {StandardChangeItem._meta.db_table}
                           WHERE change_id = %s)
            FOR UPDATE""",
            [change.pk],
        )


def _refuse_stale(change: StandardChange) -> None:
    """The items equal what the run raises now (same benefits, same amounts: as the benefit is
    unique in both, equal counts and as many matches are equal sets), and no household's
    record changed after the run began reading the registry."""
    items = StandardChangeItem._meta.db_table
    params = {**_raised_params(change), "started": change.run.started_at}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({RAISED}) q", params)
        (current,) = cursor.fetchone()
        cursor.execute(
            f"""SELECT COUNT(*) FROM {items} i
            JOIN ({RAISED}) q ON q.id = i.benefit_id AND q.monthly_amount_fen = i.before_fen
             AND q.new_amount_fen = i.after_fen
            WHERE i.change_id = %(change)s""",
            params,
        )
        (matching,) = cursor.fetchone()
        cursor.execute(
            f"""SELECT COUNT(*) FROM {items} i
            JOIN {Benefit._meta.db_table} b ON b.id = i.benefit_id
            JOIN {Household._meta.db_table} h ON h.id = b.household_id
            WHERE i.change_id = %(change)s AND h.updated_at > %(started)s""",
            {**params, "started": _db_datetime(change.run.started_at)},
        )
        (changed_since,) = cursor.fetchone()
    gone = change.households - matching
    if gone or changed_since or current != change.households:
        raise DoudiError(
            _(
                "The preview no longer matches: %(gone)d benefits of it changed or ended, "
                "%(records)d households' records changed since the run, and the run would now "
                "raise %(now)d benefits instead of %(then)d. Nothing was changed; evaluate again "
                "and propose anew."
            ),
            field="state",
            gone=gone,
            records=changed_since,
            now=current,
            then=change.households,
        )


def _apply(actor: User, change: StandardChange, reason: str) -> None:
    today = timezone.localdate()
    stamp = timezone.now()
    link = {"standard_change": change.pk, "evaluation_run": change.run_id}
    items = f"""FROM {StandardChangeItem._meta.db_table} i
        JOIN {Benefit._meta.db_table} b ON b.id = i.benefit_id
        WHERE i.change_id = %(change)s"""
    params: dict[str, Any] = {
        "change": change.pk,
        "actor": actor.pk,
        "today": today,
        "month": change.month,
        "ended": month_before(change.month),
    }
    notify_by = _notify_by_county(change, today, params)
    with connection.cursor() as cursor:
        _insert_select(
            cursor,
            Case,
            {
                "household": "b.household_id",
                "region": "b.region_id",
                "programme": "b.programme",
                "kind": _param(params, "kind", STANDARD_CHANGE.kind),
                "channel": _param(params, "channel", STANDARD_CHANGE.channel),
                "submitted_by": "%(actor)s",
                "submitted_on": "%(today)s",
                "need": _param(params, "need", change.reason),
                "state": _param(params, "state", STANDARD_CHANGE_PATH[-1][2]),
                "accepted_on": "%(today)s",
                "closed_on": "%(today)s",
                "step_due_on": notify_by,
                "created_at": _param(params, "stamp", _db_datetime(stamp)),
            },
            items,
            params,
        )
        _link_cases(cursor, params)
        for number, (action, source, target) in enumerate(STANDARD_CHANGE_PATH):
            _insert_select(
                cursor,
                Transition,
                {
                    "case": "i.case_id",
                    "action": _param(params, f"action{number}", action),
                    "from_state": _param(params, f"from{number}", source),
                    "to_state": _param(params, f"to{number}", target),
                    "actor": "%(actor)s",
                    "at": "%(stamp)s",
                    "reason": _param(params, f"reason{number}", reason if number else ""),
                    "details": _param(params, "details", _db_json(Transition, "details", link)),
                },
                items,
                params,
            )
        _insert_select(
            cursor,
            Decision,
            {
                "case": "i.case_id",
                "outcome": _param(params, "outcome", Outcome.APPROVED),
                "decided_on": "%(today)s",
                "decided_by": "%(actor)s",
                "reasons": _param(params, "reasons", reason),
                "monthly_amount_fen": "i.after_fen",
                "start_month": "%(month)s",
                "engine_result": _param(
                    params, "result", _db_json(Decision, "engine_result", link)
                ),
                "notify_due_on": notify_by,
            },
            items,
            params,
        )
        # UPDATE … FROM joins once, whatever the planner believes of the new items' numbers
        # (statistics are not fresh inside the transaction that wrote them).
        benefits = Benefit._meta.db_table
        cursor.execute(
            f"""UPDATE {benefits} SET end_month = %(ended)s, ended_by_id = d.id
            FROM {StandardChangeItem._meta.db_table} i, {Decision._meta.db_table} d
            WHERE i.change_id = %(change)s AND i.benefit_id = {benefits}.id
              AND d.case_id = i.case_id""",
            params,
        )
        _insert_select(
            cursor,
            Benefit,
            {
                "decision": "d.id",
                "programme": "b.programme",
                "household": "b.household_id",
                "region": "b.region_id",
                "payee": "b.payee_id",
                "monthly_amount_fen": "i.after_fen",
                "start_month": "%(month)s",
            },
            f"""FROM {StandardChangeItem._meta.db_table} i
            JOIN {Benefit._meta.db_table} b ON b.id = i.benefit_id
            JOIN {Decision._meta.db_table} d ON d.case_id = i.case_id
            WHERE i.change_id = %(change)s""",
            params,
        )


def _notify_by_county(change: StandardChange, today: datetime.date, params: dict[str, Any]) -> str:
    """The day each case must have been notified by, as SQL over the item's benefit ``b``: the
    notice limit in force today in the benefit's own county, which may have adopted its own
    (a handful of counties, read once each — never household by household)."""
    procedure = PROCEDURES[CaseProgramme(change.programme)]
    counties = (
        change.items.order_by()
        .annotate(county=Substr("region_code", 1, 6))
        .values_list("county", flat=True)
        .distinct()
    )
    branches = []
    for number, county in enumerate(sorted(counties)):
        limits = limits_in_force(procedure, county.ljust(12, "0"), today)
        branches.append(
            f"WHEN {_param(params, f'county{number}', county)} "
            f"THEN {_param(params, f'notify{number}', after(today, limits.refusal_notice_limit))}"
        )
    return f"CASE SUBSTR(b.region_id, 1, 6) {' '.join(branches)} END"


def _link_cases(cursor, params: dict[str, Any]) -> None:
    """Name each item's new case: the one opened for its household in this batch (this actor,
    this moment, through the bureau), and make sure every item has exactly one."""
    items, cases, benefits = (
        StandardChangeItem._meta.db_table,
        Case._meta.db_table,
        Benefit._meta.db_table,
    )
    cursor.execute(
        f"""UPDATE {items} SET case_id = c.id
        FROM {benefits} b, {cases} c
        WHERE {items}.change_id = %(change)s AND b.id = {items}.benefit_id
          AND c.household_id = b.household_id AND c.programme = b.programme
          AND c.member_id IS NULL AND c.channel = %(channel)s
          AND c.submitted_by_id = %(actor)s AND c.created_at = %(stamp)s""",
        params,
    )
    cursor.execute(
        f"SELECT COUNT(*), COUNT(case_id), COUNT(DISTINCT case_id) FROM {items} "
        "WHERE change_id = %(change)s",
        params,
    )
    count, linked, distinct = cursor.fetchone()
    if not count == linked == distinct:
        raise RuntimeError("standard change: the new cases do not match the items one to one")


def _insert_select(
    cursor, model: type[models.Model], given: dict[str, str], source: str, params: dict[str, Any]
) -> None:
    """INSERT INTO the model's table … SELECT: the columns ``given`` as SQL over ``source``, every
    other column at the field's default — so a field added later with a default needs nothing
    here."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name in given:
            values.append(given[field.name])
            continue
        if not field.null and not field.has_default() and field.get_default() is None:
            raise RuntimeError(f"{model.__name__}.{field.name} needs a value")
        default = field.get_default()
        values.append(_param(params, f"{model._meta.model_name}_{field.column}", default))
        params[f"{model._meta.model_name}_{field.column}"] = field.get_db_prep_save(
            default, connection
        )
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} {source}",
        params,
    )


def _param(params: dict[str, Any], name: str, value: Any) -> str:
    params[name] = value
    return f"%({name})s"


def _db_json(model: type[models.Model], field: str, value: Any) -> Any:
    return model._meta.get_field(field).get_db_prep_save(value, connection)


def _db_datetime(moment: datetime.datetime) -> Any:
    return Case._meta.get_field("created_at").get_db_prep_save(moment, connection)


def runs_to_propose_from(user: User) -> models.QuerySet[EvaluationRun]:
    """The evaluation runs of the user's place a standard change may be proposed from."""
    if not has_permission(user, Permission.SET_STANDARDS):
        return EvaluationRun.objects.none()
    return EvaluationRun.objects.filter(place_code__startswith=user.jurisdiction_prefix).annotate(
        place_name=_place_name()
    )
