"""Medical assistance's steps, each in one transaction with one audit event: recording a claim
by hand or a whole settlement file of the medical-insurance bureau (all or nothing), approving or
rejecting a claim, listing the approved one-stop settlements owed to each hospital, listing the
approved claims paid to the person as a grant the payroll pays (doudi.grants), and the year's
premium-subsidy list.

The assistance is the engine's (``rule.assess_claims``): the ratio of what the insurance chain
left, within the annual cap of the claim's kind less what the person received this calendar
year for that kind — every claim of the person not rejected, whichever household they were in,
counted in the order recorded. So the claim that reaches the cap gets only what remains, and the
next gets nothing; a rejection frees its share for the undecided claims after it."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.benefits.models import Benefit
from doudi.benefits.queries import in_force
from doudi.errors import CellError, DoudiError, ValidationFailed
from doudi.grants import services as grants
from doudi.grants.cohort import Share
from doudi.grants.models import GrantShare
from doudi.identity.numbers import parse_id_number
from doudi.identity.protection import lookup_hash
from doudi.medical import rule
from doudi.medical.models import (
    Category,
    Claim,
    ClaimKind,
    ClaimSource,
    ClaimState,
    HospitalSettlement,
    PaidTo,
    PremiumEntry,
    PremiumList,
)
from doudi.medical.queries import claim_for
from doudi.monitoring.models import MonitoredCategory, MonitoredEntry
from doudi.payroll.funds import county_of
from doudi.regions.codes import Level
from doudi.registry.models import Member
from doudi.text import plain_text, required_reason, required_text

if TYPE_CHECKING:
    from doudi.accounts.models import User

MAX_ROWS = 20_000
FIRST_YEAR = 2000


@dataclass
class ClaimRow:
    """One claim as typed or read from the file, before the engine's answer."""

    settlement_number: str
    id_number: str
    settled_on: datetime.date
    kind: str
    hospital: str
    paid_to: str
    total_cost_fen: int
    basic_fen: int
    critical_fen: int
    supplementary_fen: int


def _fen(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DoudiError(_("“%(value)s” is not a whole number of fen."), field=field, value=value)
    if value < 0:
        raise DoudiError(_("An amount cannot be negative."), field=field)
    if value > 10**11:
        raise DoudiError(_("The amount is too large."), field=field)
    return value


def _checked(row: ClaimRow, today: datetime.date) -> ClaimRow:
    """The row's own faults, each naming its field."""
    number = required_text(
        row.settlement_number, field="settlement_number", message=_("Give the settlement number.")
    )
    if len(number) > 40:
        raise DoudiError(_("At most 40 characters."), field="settlement_number")
    if not isinstance(row.settled_on, datetime.date):
        raise DoudiError(_("Give the date of the settlement."), field="settled_on")
    if row.settled_on > today:
        raise DoudiError(_("The settlement cannot be in the future."), field="settled_on")
    if row.settled_on.year < FIRST_YEAR:
        raise DoudiError(_("The settlement is too old."), field="settled_on")
    if row.kind not in ClaimKind.values:
        raise DoudiError(_("Choose the kind of claim."), field="kind")
    if row.paid_to not in PaidTo.values:
        raise DoudiError(_("Choose whom the assistance is paid to."), field="paid_to")
    hospital = plain_text(
        row.hospital, field="hospital", required=True, message=_("Name the hospital.")
    )[:100]
    amounts = {
        name: _fen(getattr(row, name), name)
        for name in ("total_cost_fen", "basic_fen", "critical_fen", "supplementary_fen")
    }
    if amounts["total_cost_fen"] == 0:
        raise DoudiError(_("The amount must be more than zero."), field="total_cost_fen")
    paid = amounts["basic_fen"] + amounts["critical_fen"] + amounts["supplementary_fen"]
    if paid > amounts["total_cost_fen"]:
        raise DoudiError(
            _("The insurance paid more than the total cost."), field="supplementary_fen"
        )
    return ClaimRow(
        settlement_number=number,
        id_number=row.id_number,
        settled_on=row.settled_on,
        kind=row.kind,
        hospital=hospital,
        paid_to=row.paid_to,
        **amounts,
    )


NOT_REGISTERED = _("No one with this ID number is registered in your jurisdiction.")


def _people(actor: User, id_numbers: list[str]) -> list[Member | DoudiError]:
    """Each person's active membership in the actor's jurisdiction, or the refusal naming
    ``id_number``: one look-up for all of them."""
    hashes: list[str | DoudiError] = []
    for raw in id_numbers:
        try:
            hashes.append(lookup_hash(parse_id_number(str(raw or "")).value))
        except DoudiError as error:
            hashes.append(DoudiError(error.message, field="id_number", **error.params))
    wanted = [h for h in hashes if isinstance(h, str)]
    members = {
        m.id_number_hash: m
        for m in Member.objects.filter(id_number_hash__in=wanted, left_on__isnull=True)
        .select_related("household")
        .iterator(chunk_size=5000)
    }
    answer: list[Member | DoudiError] = []
    for found in hashes:
        if isinstance(found, DoudiError):
            answer.append(found)
            continue
        member = members.get(found)
        if member is None or not covers(actor, member.household.region_id):
            answer.append(DoudiError(NOT_REGISTERED, field="id_number"))
        else:
            answer.append(member)
    return answer


def _person(actor: User, id_number: str) -> Member:
    (found,) = _people(actor, [id_number])
    if isinstance(found, DoudiError):
        raise found
    return found


def categories(members: Iterable[Member], on: datetime.date) -> dict[int, str]:
    """Each member's category from the benefits in force in the month of ``on``: 特困 first,
    then 低保 (the whole household's benefit or the member's own); else from the household's
    entries of the monitored population in force on ``on`` (doudi.monitoring): 低保边缘, then
    刚性支出困难; otherwise none."""
    members = list(members)
    month = on.replace(day=1)
    benefits = Benefit.objects.filter(in_force(month)).filter(
        Q(member_id__in=[m.pk for m in members])
        | Q(member__isnull=True, household_id__in={m.household_id for m in members}),
        programme__in=[Category.EXTREME_HARDSHIP, Category.MINIMUM_LIVING],
    )
    held: dict[int, set[str]] = defaultdict(set)
    household_held: dict[int, set[str]] = defaultdict(set)
    for programme, member_id, household_id in benefits.values_list(
        "programme", "member_id", "household_id"
    ):
        if member_id is None:
            household_held[household_id].add(programme)
        else:
            held[member_id].add(programme)
    monitored = MonitoredEntry.objects.filter(
        household_id__in={m.household_id for m in members},
        category__in=[MonitoredCategory.EDGE, MonitoredCategory.RIGID_SPENDING],
        entered_on__lte=on,
    ).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
    for category, household_id in monitored.values_list("category", "household_id"):
        household_held[household_id].add(category)
    answer = {}
    for member in members:
        programmes = held[member.pk] | household_held[member.household_id]
        for category in CATEGORY_ORDER:
            if category in programmes:
                answer[member.pk] = str(category)
                break
        else:
            answer[member.pk] = str(Category.NONE)
    return answer


# The category a claim takes where a person is in several: 特困, 低保, then the monitored
# population's 低保边缘 and 刚性支出困难 (the engine's MedicalCategory codes are the same).
CATEGORY_ORDER = (
    Category.EXTREME_HARDSHIP,
    Category.MINIMUM_LIVING,
    Category.EDGE,
    Category.RIGID_SPENDING,
)


def person_key(member: Member) -> str:
    return member.id_number_hash or f"member-{member.pk}"


def _received(keys: set[str], years: set[int]) -> dict[tuple[str, int, str], int]:
    """What each person received this year for each kind: every claim not rejected."""
    rows = (
        Claim.objects.filter(person_hash__in=keys, year__in=years)
        .exclude(state=ClaimState.REJECTED)
        .values_list("person_hash", "year", "kind")
        .annotate(total=Sum("assistance_fen"))
    )
    return {(h, y, k): int(total or 0) for h, y, k, total in rows}


def _build(actor: User, rows: list[tuple[ClaimRow, Member]], source: str) -> list[Claim]:
    """The claims with the engine's answers, each counting the ones before it."""
    keys = {person_key(m) for _r, m in rows}
    # One at a time per person: two claims recorded at once must not both take the cap's room.
    list(Member.objects.select_for_update().filter(id_number_hash__in=keys).values_list("pk"))
    received = _received(keys, {r.settled_on.year for r, _m in rows})
    # The category in force on the claim's day: the monitored population changes any day.
    by_day: dict[datetime.date, list[Member]] = defaultdict(list)
    for row, member in rows:
        by_day[row.settled_on].append(member)
    category: dict[tuple[int, datetime.date], str] = {}
    for day, members in by_day.items():
        for member_id, value in categories(members, day).items():
            category[(member_id, day)] = value
    claims: list[tuple[rule.ClaimInput, ClaimRow, Member, tuple[str, int, str]]] = []
    today = timezone.localdate()
    # The engine answers claim by claim in the order recorded, each after those before it;
    # a person's claims in one file follow each other, so each waits for the one before.
    for row, member in rows:
        key = (person_key(member), row.settled_on.year, row.kind)
        inputs = rule.ClaimInput(
            region_code=member.household.region_id,
            settled_on=row.settled_on,
            kind=row.kind,
            category=category[(member.pk, row.settled_on)],
            total_cost_fen=row.total_cost_fen,
            basic_fen=row.basic_fen,
            critical_fen=row.critical_fen,
            supplementary_fen=row.supplementary_fen,
            received_before_fen=received.get(key, 0),
        )
        claims.append((inputs, row, member, key))
    answers = _answer_in_order(claims, received)
    built = []
    for (inputs, row, member, _key), answer in zip(claims, answers, strict=True):
        built.append(
            Claim(
                settlement_number=row.settlement_number,
                member=member,
                household_id=member.household_id,
                region_id=member.household.region_id,
                person_hash=person_key(member),
                year=row.settled_on.year,
                settled_on=row.settled_on,
                kind=row.kind,
                hospital=row.hospital,
                paid_to=row.paid_to,
                total_cost_fen=row.total_cost_fen,
                basic_fen=row.basic_fen,
                critical_fen=row.critical_fen,
                supplementary_fen=row.supplementary_fen,
                category=inputs.category,
                residual_fen=answer.residual_fen,
                percent=answer.percent,
                uncapped_fen=answer.uncapped_fen,
                annual_cap_fen=answer.annual_cap_fen,
                received_before_fen=answer.received_before_fen,
                assistance_fen=answer.assistance_fen,
                source=source,
                recorded_by=actor,
                recorded_on=today,
            )
        )
    return built


@dataclass(frozen=True)
class _Answer:
    residual_fen: int
    percent: int
    uncapped_fen: int
    annual_cap_fen: int
    received_before_fen: int
    assistance_fen: int


def _answer_in_order(claims: list, received: dict) -> list[_Answer]:
    """The engine over all claims at once, in rounds: a round takes each person's next claim
    of a kind, so a claim sees what that person's earlier claims of the file received."""
    answers: list[_Answer | None] = [None] * len(claims)
    waiting: dict[tuple, list[int]] = defaultdict(list)
    for position, (_inputs, _row, _member, key) in enumerate(claims):
        waiting[key].append(position)
    while waiting:
        positions = [queue.pop(0) for queue in waiting.values()]
        inputs = []
        for position in positions:
            base, _row, _member, key = claims[position]
            inputs.append(
                rule.ClaimInput(**{**base.__dict__, "received_before_fen": received.get(key, 0)})
            )
        for position, given, answer in zip(
            positions, inputs, rule.assess_claims(inputs), strict=True
        ):
            key = claims[position][3]
            received[key] = received.get(key, 0) + answer.assistance_fen
            answers[position] = _Answer(
                answer.residual_fen,
                answer.percent,
                answer.uncapped_fen,
                answer.annual_cap_fen,
                given.received_before_fen,
                answer.assistance_fen,
            )
        waiting = {key: queue for key, queue in waiting.items() if queue}
    return [a for a in answers if a is not None]


def _taken(numbers: list[str]) -> set[str]:
    return set(
        Claim.objects.filter(settlement_number__in=numbers).values_list(
            "settlement_number", flat=True
        )
    )


def _audit_claim(actor: User, claim: Claim, action: AuditAction, **extra) -> None:
    record(
        actor=actor,
        action=action,
        object_type="medical_claim",
        object_id=str(claim.pk),
        region_code=claim.region_id,
        **extra,
    )


@transaction.atomic
def record_claim(
    actor: User,
    *,
    id_number: str,
    settlement_number: str,
    settled_on: datetime.date,
    kind: str,
    hospital: str,
    paid_to: str,
    total_cost_fen: int,
    basic_fen: int = 0,
    critical_fen: int = 0,
    supplementary_fen: int = 0,
) -> Claim:
    """A claim entered by hand from the settlement slip."""
    require(actor, Permission.RECORD_MEDICAL_CLAIMS)
    row = _checked(
        ClaimRow(
            settlement_number,
            id_number,
            settled_on,
            kind,
            hospital,
            paid_to,
            total_cost_fen,
            basic_fen,
            critical_fen,
            supplementary_fen,
        ),
        timezone.localdate(),
    )
    member = _person(actor, id_number)
    if _taken([row.settlement_number]):
        raise DoudiError(_("This settlement is already recorded."), field="settlement_number")
    claim = _build(actor, [(row, member)], ClaimSource.HAND)[0]
    claim.save()
    _audit_claim(actor, claim, AuditAction.MEDICAL_CLAIM_RECORD, after=_claim_after(claim))
    return claim


def _claim_after(claim: Claim) -> dict:
    return {
        "settlement_number": claim.settlement_number,
        "kind": claim.kind,
        "category": claim.category,
        "total_cost_fen": claim.total_cost_fen,
        "residual_fen": claim.residual_fen,
        "percent": claim.percent,
        "annual_cap_fen": claim.annual_cap_fen,
        "received_before_fen": claim.received_before_fen,
        "assistance_fen": claim.assistance_fen,
        "paid_to": claim.paid_to,
    }


REFUSED = _("The file was refused: %(count)d problems found; nothing was stored.")


@transaction.atomic
def import_claims(actor: User, rows: list[tuple[int, ClaimRow, dict[str, str]]]) -> list[Claim]:
    """A settlement file's rows (row number, row, field → column header), all or nothing: one
    fault anywhere and none is stored, every fault named by row and column."""
    require(actor, Permission.RECORD_MEDICAL_CLAIMS)
    today = timezone.localdate()
    problems: list[DoudiError] = []
    good: list[tuple[ClaimRow, Member]] = []
    seen: dict[str, int] = {}
    taken = _taken([str(r.settlement_number or "").strip() for _n, r, _h in rows])
    people = _people(actor, [r.id_number for _n, r, _h in rows])
    for (number, row, headers), person in zip(rows, people, strict=True):
        try:
            checked = _checked(row, today)
            if checked.settlement_number in seen:
                raise DoudiError(
                    _("The settlement is also on row %(first)d."),
                    field="settlement_number",
                    first=seen[checked.settlement_number],
                )
            if checked.settlement_number in taken:
                raise DoudiError(
                    _("This settlement is already recorded."), field="settlement_number"
                )
            seen[checked.settlement_number] = number
            if isinstance(person, DoudiError):
                raise person
            good.append((checked, person))
        except DoudiError as error:
            column = headers.get(error.field or "", error.field or "")
            problems.append(
                CellError(error.message, row=number, column=str(column), **error.params)
            )
    if not rows:
        raise DoudiError(_("The file holds no claims."), field="file")
    if problems:
        raise ValidationFailed(REFUSED, problems=problems, field="file", count=len(problems))
    good.sort(key=lambda pair: (pair[0].settled_on, pair[0].settlement_number))
    claims = Claim.objects.bulk_create(_build(actor, good, ClaimSource.IMPORT), batch_size=2000)
    record(
        actor=actor,
        action=AuditAction.MEDICAL_CLAIMS_IMPORT,
        object_type="medical_claim",
        object_id=str(claims[0].pk) if claims and claims[0].pk else "",
        region_code=actor.region_id,
        after={
            "claims": len(claims),
            "assistance_fen": sum(c.assistance_fen for c in claims),
        },
    )
    return claims


def _decidable(actor: User, claim_id: int) -> Claim:
    require(actor, Permission.APPROVE_MEDICAL_CLAIMS)
    claim = claim_for(actor, claim_id)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.state != ClaimState.RECORDED:
        raise DoudiError(_("The claim was already decided."), field="state")
    return claim


@transaction.atomic
def approve(actor: User, claim_id: int, *, note: str = "") -> Claim:
    claim = _decidable(actor, claim_id)
    if claim.recorded_by_id == actor.pk:
        raise DoudiError(_("Who recorded the claim may not approve it."), field="state")
    claim.state = ClaimState.APPROVED
    claim.decided_by = actor
    claim.decided_on = timezone.localdate()
    claim.reason = plain_text(note, field="note")[:300]
    claim.save(update_fields=["state", "decided_by", "decided_on", "reason"])
    _audit_claim(
        actor,
        claim,
        AuditAction.MEDICAL_CLAIM_APPROVE,
        before={"state": ClaimState.RECORDED},
        after={"state": claim.state, "assistance_fen": claim.assistance_fen},
    )
    return claim


@transaction.atomic
def reject(actor: User, claim_id: int, *, reason: str) -> Claim:
    """A rejected claim counts no more under the annual cap: the person's later claims of the
    year and kind are answered again in the order recorded, each after what those before it
    (not rejected) received — a claim not yet decided gets the room freed; one already
    approved keeps its amount (it may be paid), and the audit event names it."""
    claim = _decidable(actor, claim_id)
    claim.state = ClaimState.REJECTED
    claim.decided_by = actor
    claim.decided_on = timezone.localdate()
    claim.reason = required_reason(reason)[:300]
    claim.save(update_fields=["state", "decided_by", "decided_on", "reason"])
    recomputed, kept = _answer_again_after(claim)
    _audit_claim(
        actor,
        claim,
        AuditAction.MEDICAL_CLAIM_REJECT,
        before={"state": ClaimState.RECORDED},
        after={"state": claim.state, "recomputed": recomputed, "kept_as_decided": kept},
        reason=claim.reason,
    )
    return claim


RECOMPUTED = ("received_before_fen", "annual_cap_fen", "uncapped_fen", "percent", "assistance_fen")


def _answer_again_after(rejected: Claim) -> tuple[list[dict], list[int]]:
    """The later claims of the rejected one's person, year and kind, answered again one after
    another: (each undecided claim whose amount changed, before and after; the approved ones)."""
    same = Claim.objects.filter(
        person_hash=rejected.person_hash, year=rejected.year, kind=rejected.kind
    ).exclude(state=ClaimState.REJECTED)
    received = int(same.filter(pk__lt=rejected.pk).aggregate(t=Sum("assistance_fen"))["t"] or 0)
    recomputed: list[dict] = []
    kept: list[int] = []
    for later in same.filter(pk__gt=rejected.pk).select_for_update().order_by("pk"):
        if later.state != ClaimState.RECORDED:
            kept.append(later.pk)
            received += later.assistance_fen
            continue
        (answer,) = rule.assess_claims([_claim_input(later, received)])
        before = later.assistance_fen
        later.received_before_fen = received
        later.annual_cap_fen = answer.annual_cap_fen
        later.uncapped_fen = answer.uncapped_fen
        later.percent = answer.percent
        later.assistance_fen = answer.assistance_fen
        later.save(update_fields=list(RECOMPUTED))
        received += later.assistance_fen
        if later.assistance_fen != before:
            recomputed.append({"claim": later.pk, "before": before, "after": later.assistance_fen})
    return recomputed, kept


def _claim_input(claim: Claim, received_before_fen: int) -> rule.ClaimInput:
    return rule.ClaimInput(
        region_code=claim.region_id,
        settled_on=claim.settled_on,
        kind=claim.kind,
        category=claim.category,
        total_cost_fen=claim.total_cost_fen,
        basic_fen=claim.basic_fen,
        critical_fen=claim.critical_fen,
        supplementary_fen=claim.supplementary_fen,
        received_before_fen=received_before_fen,
    )


def _approved(actor: User, paid_to: str):
    return (
        Claim.objects.filter(
            region__code__startswith=actor.jurisdiction_prefix,
            state=ClaimState.APPROVED,
            paid_to=paid_to,
            assistance_fen__gt=0,
        )
        .select_for_update()
        .order_by("hospital", "id")
    )


@transaction.atomic
def settle_hospitals(actor: User, *, reason: str) -> int:
    """List every approved one-stop settlement of the county as owed to its hospital: one
    settlement (and file) per hospital. Answers the hospitals listed."""
    require(actor, Permission.APPROVE_MEDICAL_CLAIMS)
    reason = required_reason(reason)
    claims = list(_approved(actor, PaidTo.HOSPITAL))
    if not claims:
        raise DoudiError(_("No approved claim is owed to a hospital."), field="state")
    by_hospital: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_hospital[claim.hospital].append(claim)
    today = timezone.localdate()
    for hospital, listed in by_hospital.items():
        settlement = HospitalSettlement.objects.create(
            region=actor.region,
            hospital=hospital,
            claims=len(listed),
            total_fen=sum(c.assistance_fen for c in listed),
            created_by=actor,
            created_on=today,
        )
        Claim.objects.filter(pk__in=[c.pk for c in listed]).update(
            settlement=settlement, state=ClaimState.LISTED
        )
        record(
            actor=actor,
            action=AuditAction.MEDICAL_HOSPITAL_SETTLE,
            object_type="hospital_settlement",
            object_id=str(settlement.pk),
            region_code=actor.region_id,
            after={
                "hospital": hospital,
                "claims": settlement.claims,
                "total_fen": settlement.total_fen,
            },
            reason=reason,
        )
    return len(by_hospital)


@transaction.atomic
def pay_persons(actor: User, *, reason: str):
    """A grant listing every approved claim of the county paid to the person: one share per
    household, the patient paid (the payroll pays to their card); finance approves it."""
    require(actor, Permission.APPROVE_MEDICAL_CLAIMS)
    reason = required_reason(reason)
    claims = list(_approved(actor, PaidTo.PERSON).select_related("member"))
    if not claims:
        raise DoudiError(_("No approved claim is to be paid to the person."), field="state")
    by_household: dict[int, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_household[claim.household_id].append(claim)
    shares = [
        Share(
            household_id,
            listed[0].region_id,
            listed[0].member_id,
            len({c.member_id for c in listed}),
            sum(c.assistance_fen for c in listed),
        )
        for household_id, listed in sorted(by_household.items())
    ]
    grant = grants.define_listed(
        actor,
        name=str(_("Medical assistance paid to the persons")),
        places=[actor.region_id],
        in_force_on=timezone.localdate(),
        reason=reason,
        shares=shares,
        about={"medical_claims": len(claims)},
    )
    share_of = dict(GrantShare.objects.filter(grant=grant).values_list("household_id", "id"))
    for claim in claims:
        claim.share_id = share_of[claim.household_id]
        claim.state = ClaimState.LISTED
    Claim.objects.bulk_update(claims, ["share", "state"], batch_size=2000)
    return grant


# ----------------------------------------------------------------- the premium-subsidy list

PREMIUM_CATEGORIES = (Category.EXTREME_HARDSHIP, Category.MINIMUM_LIVING)


def premium_persons(prefix: str, year: int) -> list[tuple[int, str, str, str]]:
    """(member, place, person, category) of each person with a 特困 or 低保 benefit in force
    in some month of ``year`` in the place — once each: a person in two programmes counts as
    特困, a person in two households' histories once (the latest membership)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 1)
    benefits = Benefit.objects.filter(
        Q(end_month__isnull=True) | Q(end_month__gte=first),
        start_month__lte=last,
        region__code__startswith=prefix,
        programme__in=PREMIUM_CATEGORIES,
    )
    own = benefits.filter(member__isnull=False).values_list("member_id", "programme", "region_id")
    whole = benefits.filter(member__isnull=True).values_list(
        "household_id", "programme", "region_id"
    )
    programme_of: dict[int, tuple[str, str]] = {}  # member → (programme, place)

    def note(member_id: int, programme: str, region: str) -> None:
        held = programme_of.get(member_id)
        if held is None or programme == Category.EXTREME_HARDSHIP:
            programme_of[member_id] = (programme, region)

    for member_id, programme, region in own.iterator(chunk_size=20000):
        note(member_id, programme, region)
    households: dict[int, tuple[str, str]] = {}
    for household_id, programme, region in whole.iterator(chunk_size=20000):
        if households.get(household_id, ("",))[0] != Category.EXTREME_HARDSHIP:
            households[household_id] = (programme, region)
    end = datetime.date(year, 12, 31)
    members = (
        Member.objects.filter(household_id__in=list(households), joined_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=first))
        .values_list("id", "household_id")
    )
    for member_id, household_id in members.iterator(chunk_size=20000):
        note(member_id, *households[household_id])
    hashes = dict(
        Member.objects.filter(pk__in=list(programme_of))
        .values_list("id", "id_number_hash")
        .iterator(chunk_size=20000)
    )
    chosen: dict[str, tuple[int, str, str, str]] = {}
    for member_id in sorted(programme_of):  # the latest membership last
        programme, region = programme_of[member_id]
        key = hashes.get(member_id) or f"member-{member_id}"
        held = chosen.get(key)
        if held is not None and held[3] == Category.EXTREME_HARDSHIP:
            programme = Category.EXTREME_HARDSHIP
        chosen[key] = (member_id, region, key, str(programme))
    return sorted(chosen.values(), key=lambda row: (row[1], row[0]))


@transaction.atomic
def create_premium_list(actor: User, *, year: int) -> PremiumList:
    """The county's list for ``year``: 特困 the full individual premium, 低保 the subsidy, by
    the parameters in force on 1 January (``medical.individual_premium``,
    ``medical.premium_subsidy``); made once a year."""
    require(actor, Permission.APPROVE_MEDICAL_CLAIMS)
    if actor.region.level != Level.COUNTY:
        raise DoudiError(_("The county makes the premium-subsidy list."), field="year")
    if isinstance(year, bool) or not isinstance(year, int):
        raise DoudiError(_("Give the year."), field="year")
    if not FIRST_YEAR <= year <= timezone.localdate().year + 1:
        raise DoudiError(_("Give the year the premiums are for."), field="year")
    county = county_of(actor.region_id)
    if PremiumList.objects.filter(region_id=county, year=year).exists():
        raise DoudiError(_("The year's list is already made."), field="year")
    rows = premium_persons(actor.jurisdiction_prefix, year)
    amounts = rule.premium_subsidies([r[1] for r in rows], [r[3] for r in rows], year)
    premium_list = PremiumList.objects.create(
        region_id=county,
        year=year,
        persons=0,
        total_fen=0,
        created_by=actor,
    )
    entries = [
        PremiumEntry(
            premium_list=premium_list,
            member_id=member_id,
            region_id=region,
            person_hash=key,
            category=category,
            amount_fen=int(amount),
        )
        for (member_id, region, key, category), amount in zip(rows, amounts, strict=True)
        if amount > 0
    ]
    PremiumEntry.objects.bulk_create(entries, batch_size=5000)
    premium_list.persons = len(entries)
    premium_list.total_fen = sum(e.amount_fen for e in entries)
    premium_list.save(update_fields=["persons", "total_fen"])
    record(
        actor=actor,
        action=AuditAction.MEDICAL_PREMIUM_LIST,
        object_type="premium_list",
        object_id=str(premium_list.pk),
        region_code=county,
        after={"year": year, "persons": premium_list.persons, "total_fen": premium_list.total_fen},
    )
    return premium_list


def premium_file(actor: User, list_id: int) -> tuple[PremiumList, bytes]:
    """The list as the file for the medical-insurance bureau, with whole ID numbers: each
    download is an audit event."""
    from doudi.medical import exports
    from doudi.medical.queries import premium_entries, premium_list_for

    require(actor, Permission.APPROVE_MEDICAL_CLAIMS)
    premium_list = premium_list_for(actor, list_id)
    entries = list(premium_entries(actor, premium_list))
    data = exports.premium_workbook(premium_list, entries)
    with transaction.atomic():
        record(
            actor=actor,
            action=AuditAction.MEDICAL_PREMIUM_FILE,
            object_type="premium_list",
            object_id=str(premium_list.pk),
            region_code=premium_list.region_id,
            after={"year": premium_list.year, "persons": len(entries)},
        )
    return premium_list, data
