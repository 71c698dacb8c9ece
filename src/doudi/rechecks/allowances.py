"""Allowances ending by the calendar, listed before they end (孤儿、事实无人抚养儿童基本生活费,
残疾人两项补贴), read within the user's jurisdiction like every re-check list.

- A child's allowance is paid through the month of the 18th birthday and stops the month after
  (a student's, through the birthday month of ``child_support.in_school_until``): the engine's
  rule (``policy.engine.variables.children``), read here as a range of birth dates.
- A disability subsidy follows the certificate: the disability federation's latest delivery
  (``doudi.sources``, source ``disability``) gives each certificate's ``valid_until``; a renewed
  certificate (a later date for the same person) is no longer listed. A member whose latest
  valid certificate gains or loses the care subsidy against the registry's grade (1–2 becoming
  3–4, or the reverse) is listed too, with the new grade, from the month after its issue day.

Listed: the month given (next month by default) is the allowance's last. Nothing ends here: a
stop is taken by a decision, so a row links to opening the change or termination case.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import pyarrow.compute as pc
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import scope
from doudi.accounts.roles import Permission
from doudi.dates import last_day, month_before, next_month
from doudi.errors import DoudiError
from doudi.policy.standards import values_in_force
from doudi.regions.codes import is_well_formed, prefix_of
from doudi.registry.choices import OrphanStatus
from doudi.registry.models import Member
from doudi.sources.models import Delivery
from doudi.sources.storage import latest_delivery, read_snapshot_rows

if TYPE_CHECKING:
    from doudi.accounts.models import User

ADULT_AT = 18  # minimum_living.minor_until, 《民法典》第十七条
IN_SCHOOL_UNTIL = "child_support.in_school_until"


@dataclass(frozen=True)
class EndingRow:
    """One person whose allowance's last month is the listed month."""

    member_id: int
    household_id: int
    name: str
    id_number_masked: str
    region_id: str
    place_name: str
    allowance: str  # orphan, de_facto_unsupported or disability
    reason_on: datetime.date  # the birthday, or the day the certificate expires
    last_month: datetime.date
    disability_grade: int | None = None
    new_grade: int | None = None  # a grade change: the grade the latest certificate gives

    @property
    def allowance_label(self) -> str:
        return str(ALLOWANCE_LABELS[self.allowance])

    @property
    def stops_from(self) -> datetime.date:
        return next_month(self.last_month)


ALLOWANCE_LABELS = {
    OrphanStatus.ORPHAN.value: _("Orphans' basic living allowance"),
    OrphanStatus.DE_FACTO_UNSUPPORTED.value: _("De facto unsupported child's allowance"),
    "disability": _("Disability living and care subsidies"),
    "care_subsidy": _("Severe disability care subsidy"),
}
SEVERE = (1, 2)  # the grades of the care subsidy (重度残疾人护理补贴)


@dataclass(frozen=True)
class EndingLists:
    month: datetime.date
    children: list[EndingRow]
    certificates: list[EndingRow]
    # The disability federation's delivery read, or None where the place has none yet.
    delivery: Delivery | None
    # Members whose latest valid certificate moves them into or out of grades 1–2.
    grade_changes: list[EndingRow] = field(default_factory=list)


def latest_birth(month: datetime.date, years: int) -> datetime.date:
    """The latest birth date whose allowance kept until the birthday of ``years`` has ``month``
    as its last: births after it end later (``last_month_of`` is monotone in the birth date)."""
    year = month.year - years
    end = last_day(datetime.date(year, month.month, 1))
    if end.month == 2 and end.day == 29 and not calendar.isleap(month.year):
        end = end.replace(day=28)  # born 29 February: that birthday is 1 March this year
    return end


def _born_for(month: datetime.date, years: int) -> Q:
    return Q(
        birth_date__gt=latest_birth(month_before(month), years),
        birth_date__lte=latest_birth(month, years),
    )


def _members(actor: User, place_code: str) -> QuerySet[Member]:
    members = scope(
        actor, Member.objects.all(), Permission.VIEW_HOUSEHOLDS, "household__region__code"
    )
    if place_code and not is_well_formed(place_code):
        raise DoudiError(_("Not a division code: %(code)s"), field="place", code=place_code)
    if place_code:
        members = members.filter(household__region__code__startswith=prefix_of(place_code))
    return members.filter(left_on__isnull=True, death_date__isnull=True)


def _student_limits(members: QuerySet[Member], month: datetime.date) -> dict[str, int]:
    """Each county's in-school age limit in force for ``month`` (a list spans few counties)."""
    counties = {code[:6] for code in members.values_list("household__region__code", flat=True)}
    limits = {}
    for county in counties:
        value = values_in_force(IN_SCHOOL_UNTIL, county.ljust(12, "0"), month)[IN_SCHOOL_UNTIL]
        limits[county] = max(int(value.value), ADULT_AT) if value else ADULT_AT
    return limits


def _row(member: Member, allowance: str, reason_on: datetime.date, month) -> EndingRow:
    return EndingRow(
        member_id=member.pk,
        household_id=member.household_id,
        name=member.name,
        id_number_masked=member.id_number_masked,
        region_id=member.household.region_id,
        place_name=member.household.region.name,
        allowance=allowance,
        reason_on=reason_on,
        last_month=month,
        disability_grade=member.disability_grade,
    )


def ending_children(actor: User, month: datetime.date, place_code: str = "") -> list[EndingRow]:
    """Orphans and de facto unsupported children whose allowance's last month is ``month``."""
    children = _members(actor, place_code).filter(
        orphan_status__in=[OrphanStatus.ORPHAN, OrphanStatus.DE_FACTO_UNSUPPORTED]
    )
    limits = _student_limits(children.filter(in_school=True), month)
    due = Q(in_school=False) & _born_for(month, ADULT_AT)
    for county, years in limits.items():
        due |= Q(in_school=True, household__region__code__startswith=county) & _born_for(
            month, years
        )
    rows = []
    for member in children.filter(due).select_related("household__region"):
        years = limits[member.household.region_id[:6]] if member.in_school else ADULT_AT
        birthday = _birthday(member.birth_date, years)
        rows.append(_row(member, member.orphan_status, birthday, month))
    return sorted(rows, key=lambda row: (row.reason_on, row.member_id))


def _birthday(birth: datetime.date, years: int) -> datetime.date:
    """The birthday of ``years``: 1 March for one born on 29 February, in a year without it."""
    if (birth.month, birth.day) == (2, 29) and not calendar.isleap(birth.year + years):
        return datetime.date(birth.year + years, 3, 1)
    return birth.replace(year=birth.year + years)


def expiring_certificates(
    actor: User, month: datetime.date, place_code: str = ""
) -> tuple[list[EndingRow], Delivery | None]:
    """Disabled members whose certificate (the latest date delivered for them) expires in
    ``month``: the subsidies are paid through that month."""
    members = _members(actor, place_code).filter(disability_grade__isnull=False)
    delivery = latest_delivery("disability", place_code or actor.region_id)
    if delivery is None:
        return [], None
    ends = _expiring(delivery, month)
    found = members.filter(id_number_hash__in=list(ends)).select_related("household__region")
    rows = [_row(member, "disability", ends[member.id_number_hash], month) for member in found]
    return sorted(rows, key=lambda row: (row.reason_on, row.member_id)), delivery


def _expiring(delivery: Delivery, month: datetime.date) -> dict[str, datetime.date]:
    """Each person with a valid certificate expiring in ``month`` and none valid after it (a
    renewal), with the date: two filtered reads of the snapshot, columnar — a county's
    delivery holds tens of thousands of certificates, the to-do list asks on every visit."""
    columns = ["person_hash", "valid_until"]
    valid = pc.field("state") == "valid"
    ending = read_snapshot_rows(
        delivery,
        columns,
        valid & (pc.field("valid_until") >= month) & (pc.field("valid_until") <= last_day(month)),
    )
    ending = ending.filter(pc.is_valid(ending["person_hash"]))
    if not ending.num_rows:
        return {}
    hashes = pc.unique(ending["person_hash"])
    renewed = read_snapshot_rows(
        delivery,
        ["person_hash"],
        valid & (pc.field("valid_until") > last_day(month)) & pc.field("person_hash").isin(hashes),
    )
    ending = ending.filter(
        pc.invert(
            pc.is_in(ending["person_hash"], value_set=renewed["person_hash"].combine_chunks())
        )
    )
    latest = ending.group_by("person_hash").aggregate([("valid_until", "max")])
    return dict(
        zip(latest["person_hash"].to_pylist(), latest["valid_until_max"].to_pylist(), strict=True)
    )


def grade_changes(actor: User, place_code: str, delivery: Delivery | None) -> list[EndingRow]:
    """Members whose latest valid certificate in ``delivery`` (the latest issued) gives a grade
    that gains or loses the care subsidy against the registry's grade (1–2 becoming 3–4, or
    the reverse): the subsidy changes from the month after that certificate's issue day,
    whatever month is listed — the registry's grade is corrected by a decision."""
    if delivery is None:
        return []
    valid = read_snapshot_rows(
        delivery, ["person_hash", "grade", "issued_on"], pc.field("state") == "valid"
    )
    valid = valid.filter(pc.and_(pc.is_valid(valid["person_hash"]), pc.is_valid(valid["grade"])))
    valid = valid.sort_by([("person_hash", "ascending"), ("issued_on", "ascending")])
    latest = {
        person: (int(grade), issued)
        for person, grade, issued in zip(
            *(valid[name].to_pylist() for name in ("person_hash", "grade", "issued_on")),
            strict=True,
        )
    }
    members = _members(actor, place_code).filter(
        disability_grade__isnull=False, id_number_hash__in=list(latest)
    )
    rows = []
    for member in members.select_related("household__region"):
        grade, issued = latest[member.id_number_hash]
        if (grade in SEVERE) == (member.disability_grade in SEVERE) or issued is None:
            continue
        row = _row(member, "care_subsidy", issued, issued.replace(day=1))
        rows.append(replace(row, new_grade=grade))
    return sorted(rows, key=lambda row: (row.reason_on, row.member_id))


def ending_lists(
    actor: User, place_code: str = "", month: datetime.date | None = None
) -> EndingLists:
    """The children and the certificates whose allowance's last month is ``month`` (next month
    by default: a month ahead for the decision)."""
    month = month or next_month(timezone.localdate().replace(day=1))
    certificates, delivery = expiring_certificates(actor, month, place_code)
    return EndingLists(
        month,
        ending_children(actor, month, place_code),
        certificates,
        delivery,
        grade_changes(actor, place_code, delivery),
    )
