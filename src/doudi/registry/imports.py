"""Households in bulk: import of a filled Excel template (all or nothing), export of a list.

An import checks the whole file before writing anything — every cell through the household
form, every place against the importer's jurisdiction, every ID number against the file and
against the active members in the database (one query for the file) — and refuses it with every
fault named by sheet, row and column. A clean file is written in one transaction with one audit
event for the file.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doudi.accounts.jurisdiction import covers, require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.errors import CellError, DoudiError, ValidationFailed
from doudi.identity.numbers import InvalidIdNumber, mask, parse_id_number
from doudi.regions.codes import Level, ancestor_at, common_ancestor, is_well_formed
from doudi.registry import excel
from doudi.registry.clashes import (
    LookupsLimited,
    RegisteredOutside,
    audit_refusal,
    registered_elsewhere,
)
from doudi.registry.excel import Cell, WorkbookHousehold
from doudi.registry.form_input import HouseholdInput, parse_household
from doudi.registry.models import Member
from doudi.registry.queries import HouseholdFilter, household_list
from doudi.registry.services import (
    create_households,
    household_regions,
    not_a_village_error,
)

if TYPE_CHECKING:
    from doudi.accounts.models import User
    from doudi.regions.models import Region

EXPORT_CHUNK = 500  # households per query while exporting


@dataclass(frozen=True)
class ImportSummary:
    households: int
    members: int
    incomes: int
    expenses: int
    assets: int
    warnings: tuple[CellError, ...]  # e.g. an ID number's birthplace code no list knows

    def describe(self) -> str:
        return gettext(
            "Imported %(households)d households with %(members)d members, "
            "%(incomes)d incomes, %(expenses)d rigid spending items and "
            "%(assets)d assets (%(warnings)d warnings)."
        ) % {
            "households": self.households,
            "members": self.members,
            "incomes": self.incomes,
            "expenses": self.expenses,
            "assets": self.assets,
            "warnings": len(self.warnings),
        }


def import_households(
    actor: User, data: bytes, filename: str, *, today: datetime.date | None = None
) -> ImportSummary:
    """Register every household of the file, or none of them (批量导入)."""
    require(actor, Permission.IMPORT_HOUSEHOLDS)
    today = today or timezone.localdate()
    workbook = excel.read_households_workbook(data)
    problems: list[CellError] = list(workbook.problems)
    inputs: list[HouseholdInput] = []
    warnings: list[CellError] = []
    for household in workbook.households:
        try:
            parsed = parse_household(household.form, today=today)
        except ValidationFailed as failed:
            problems += household.cell_errors(failed.problems)
            continue
        problems += household.cell_errors([])
        inputs.append(parsed)
        warnings += [household.place(warning) for warning in parsed.warnings]
    regions = household_regions(
        {h.form["region"] for h in workbook.households if is_well_formed(h.form.get("region", ""))}
    )
    problems += _place_problems(actor, workbook.households, regions)
    problems += _id_number_problems(actor, workbook.households, today)
    if problems:
        raise ValidationFailed(
            _("The file was not imported: %(count)d problems found."),
            problems=excel.sort_problems(problems),
            count=len(problems),
        )
    summary = ImportSummary(
        len(inputs),
        sum(len(h.members) for h in inputs),
        sum(len(h.incomes) for h in inputs),
        sum(len(h.expenses) for h in inputs),
        sum(len(h.assets) for h in inputs),
        tuple(excel.sort_problems(warnings)),
    )
    _write(actor, inputs, regions, summary, data, filename)
    return summary


def _write(
    actor: User,
    inputs: list[HouseholdInput],
    regions: dict[str, Region],
    summary: ImportSummary,
    data: bytes,
    filename: str,
) -> None:
    try:
        with transaction.atomic():
            created = create_households(actor, inputs, regions, reason=filename)
            record(
                actor=actor,
                action=AuditAction.HOUSEHOLD_IMPORT,
                object_type="household_import",
                object_id=hashlib.sha256(data).hexdigest()[:16],
                region_code=common_ancestor(h.region_code for h in inputs),
                after={
                    "households": summary.households,
                    "members": summary.members,
                    "incomes": summary.incomes,
                    "expenses": summary.expenses,
                    "assets": summary.assets,
                    "warnings": len(summary.warnings),
                    "household_ids": [h.pk for h in created],
                },
                reason=filename,
            )
    except IntegrityError:
        # Someone registered one of these people between the check and the write.
        raise DoudiError(
            _(
                "An ID number in the file was registered in another household while "
                "the file was being imported; nothing was imported. Import the file "
                "again to see which."
            ),
            field="file",
        ) from None


def _place_problems(
    actor: User, households: list[WorkbookHousehold], regions: dict[str, Region]
) -> list[CellError]:
    """Each household lives in a village or community inside the importer's jurisdiction.
    A place outside it is refused as such whether or not it exists, so nothing leaks."""
    problems = []
    for household in households:
        code = household.form.get("region", "")
        if not is_well_formed(code):
            continue  # the form check has named it
        cell = household.locate("region")
        if not covers(actor, code):
            problems.append(
                CellError(
                    _("place %(code)s is outside your jurisdiction."),
                    row=cell.row,
                    column=cell.column,
                    code=code,
                )
            )
        elif code not in regions:
            problems.append(excel.as_cell_error(not_a_village_error(code), cell))
    return problems


def _id_number_problems(
    actor: User, households: list[WorkbookHousehold], today: datetime.date
) -> list[CellError]:
    """An ID number may be an active member of one household only: of one in the file, and of
    none already in the database. Every well-formed number is checked, also in households
    with other faults, so that one pass shows them all."""
    active = list(_active_id_numbers(households, today))
    first_seen: dict[str, tuple[WorkbookHousehold, Cell]] = {}
    problems = []
    for household, number, cell in active:
        other = first_seen.setdefault(number, (household, cell))
        if other[0] is not household:  # twice in one household: the form check names it
            problems.append(
                CellError(
                    _("this ID number is also an active member of the household on row %(other)d."),
                    row=cell.row,
                    column=cell.column,
                    other=other[1].row,
                )
            )
    try:
        clashes = registered_elsewhere(actor, list(first_seen), where="household.import")
    except LookupsLimited as limited:
        audit_refusal(limited)  # no transaction is open: the event stays
        raise
    # A person of another jurisdiction is named without the place, once, and audited.
    outside = [refusal for refusal in clashes.values() if isinstance(refusal, RegisteredOutside)]
    if outside:
        audit_refusal(
            RegisteredOutside(
                outside[0].message,
                actor=actor,
                probes=[probe for refusal in outside for probe in refusal.probes],
                where="household.import",
            )
        )
    problems += [
        excel.as_cell_error(clashes[number], cell)
        for _household, number, cell in active
        if number in clashes
    ]
    return problems


def _active_id_numbers(
    households: list[WorkbookHousehold], today: datetime.date
) -> Iterator[tuple[WorkbookHousehold, str, Cell]]:
    """(household, valid ID number, its cell) of each member without an end of membership."""
    for household in households:
        for index, member in enumerate(household.form["members"]):
            if member.get("left_on") or member.get("death_date"):
                continue
            try:
                number = parse_id_number(str(member.get("id_number", "")), today=today).value
            except InvalidIdNumber:
                continue  # the form check has named it
            yield household, number, household.locate(f"members[{index}].id_number")


@transaction.atomic
def export_households(actor: User, wanted: HouseholdFilter) -> bytes:
    """The filtered household list as a workbook, one row per current member, ID numbers
    masked. Households are read in chunks, so a list of any length fits in memory.

    Taking personal data out of the system is audited: who, which filter, how many households.
    """
    current = Prefetch(
        "members", queryset=Member.objects.filter(left_on__isnull=True), to_attr="current_members"
    )
    households = household_list(actor, wanted).prefetch_related(current)
    workbook = excel.export_workbook(households.iterator(chunk_size=EXPORT_CHUNK))
    # Filed under every township the list took households from (and, by record, the actor's
    # place), so each of their auditors finds it; never under the filter's text, which need
    # not be a place at all ("?place=4").
    places = household_list(actor, wanted).order_by().values_list("region_id", flat=True)
    townships = sorted({ancestor_at(code, Level.TOWNSHIP) for code in places.distinct()})
    record(
        actor=actor,
        action=AuditAction.HOUSEHOLD_EXPORT,
        object_type="household_list",
        object_id=hashlib.sha256(workbook).hexdigest()[:16],
        region_code=common_ancestor(townships) if townships else actor.region_id,
        places=townships,
        after={
            "name": wanted.name,
            "place": wanted.place,
            "id_number": mask(wanted.id_number) if wanted.id_number else "",
            "households": households.count(),
        },
    )
    return workbook
