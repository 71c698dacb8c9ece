"""Reading the household JSON form (schema/household.schema.json) into checked values.

Every fault is collected, each named by its path in the form (``members[1].id_number``), and
the whole form is refused at once with all of them. The API, the pages and the Excel import all
come through here, so the three cannot accept different things.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from doudi.dates import not_beyond, parse_date, parse_month
from doudi.errors import DoudiError, ValidationFailed
from doudi.identity.numbers import IdNumber, InvalidIdNumber, parse_id_number
from doudi.money import whole_fen
from doudi.regions.codes import is_well_formed
from doudi.registry.choices import (
    MEDICAL_CLAIM_AMOUNTS,
    MEDICAL_CLAIM_CHOICES,
    AssetType,
    CareSetting,
    DisabilityCategory,
    Education,
    Employment,
    ExclusionReason,
    ExpenseType,
    HukouType,
    IncomeType,
    LeaveReason,
    MaritalStatus,
    OrphanStatus,
    Relation,
    SelfCareItem,
    VehicleType,
)
from doudi.text import UNSAFE_CHARACTER, free_text, unsafe_character

PHONE_PATTERN = re.compile(r"^[0-9+\- ]{0,20}$")
CARD_PATTERN = re.compile(r"^[0-9A-Za-z]{0,30}$")
MAX_AMOUNT_FEN = 10**13  # 1,000 亿元: anything above is a typing mistake


@dataclass
class MemberInput:
    key: str
    name: str
    id_number: IdNumber
    relation: str
    hukou_region_code: str
    hukou_type: str
    residence_region_code: str
    marital_status: str
    phone: str
    disability_category: str
    disability_grade: int | None
    serious_illness: str
    self_care_failed: list[str]
    education: str
    in_school: bool
    employment: str
    death_date: datetime.date | None
    joined_on: datetime.date
    left_on: datetime.date | None
    leave_reason: str
    excluded_reason: str
    social_security_card: str
    # Established by an investigation; the defaults until one says otherwise.
    has_capable_supporter: bool = True
    orphan_status: str = OrphanStatus.NONE
    care_setting: str = CareSetting.HOME
    medical_claim: dict[str, Any] | None = None
    # Delivered by the disability federation (registry.certificates), never saved from a form:
    # read for the evaluation of a stored household.
    disability_certificate_valid_until: datetime.date | None = None


@dataclass
class IncomeInput:
    member_key: str | None
    month: datetime.date
    income_type: str
    amount_fen: int
    note: str


@dataclass
class ExpenseInput:
    member_key: str | None
    month: datetime.date
    expense_type: str
    amount_fen: int
    note: str


@dataclass
class AssetInput:
    member_key: str | None
    asset_type: str
    value_fen: int
    vehicle_type: str
    floor_area_m2: Decimal | None
    registered_capital_fen: int | None
    note: str


@dataclass
class HouseholdInput:
    region_code: str
    address: str
    members: list[MemberInput]
    incomes: list[IncomeInput] = field(default_factory=list)
    expenses: list[ExpenseInput] = field(default_factory=list)
    assets: list[AssetInput] = field(default_factory=list)
    warnings: list[DoudiError] = field(default_factory=list)
    disaster_affected: bool = False


class _Reader:
    """Reads fields of one JSON object, recording a problem per bad field instead of stopping."""

    def __init__(self, data: Any, path: str, problems: list[DoudiError]) -> None:
        self.path = path
        self.problems = problems
        if not isinstance(data, dict):
            self.fail("", _("must be an object with named fields."))
            data = {}
        self.data = data

    def where(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, message, **params: object) -> None:
        self.problems.append(
            DoudiError(message, field=self.where(name) if name else self.path, **params)
        )

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_length: int = 200,
        pattern: re.Pattern | None = None,
        plain: bool = False,
    ) -> str:
        """``plain``: a name or an address, checked by ``doudi.text.plain_text``."""
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, _("is required."))
            return ""
        if not isinstance(value, str | int):
            self.fail(name, _("must be text."))
            return ""
        value = str(value).strip()
        if len(value) > max_length:
            self.fail(name, _("is longer than %(max)d characters."), max=max_length)
        elif pattern is not None and not pattern.match(value):
            self.fail(name, _("has characters that are not allowed."))
        elif plain and (character := unsafe_character(value)):
            self.fail(name, UNSAFE_CHARACTER, character=character)
        return value

    def choice(self, name: str, choices, *, required: bool = True, default: str = "") -> str:
        value = self.data.get(name, default)
        if value in (None, ""):
            if required:
                self.fail(name, _("is required."))
            return ""
        if value not in choices.values:
            self.fail(
                name,
                _("“%(value)s” is not one of: %(allowed)s."),
                value=value,
                allowed=", ".join(choices.values),
            )
            return ""
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, _("must be true or false."))
            return False
        return value

    def read(self, convert, name: str, **options: object):
        """``convert`` (a shared reader: ``doudi.dates``, ``doudi.money``) applied to the field;
        its refusal is recorded under the field's path and None returned."""
        try:
            return convert(self.data.get(name), field=self.where(name), **options)
        except DoudiError as problem:
            self.problems.append(problem)
            return None

    def date(self, name: str, *, required: bool = False) -> datetime.date | None:
        if self.data.get(name) in (None, ""):
            if required:
                self.fail(name, _("is required."))
            return None
        return self.read(parse_date, name)

    def month(self, name: str) -> datetime.date | None:
        return self.read(parse_month, name)

    def fen(self, name: str, *, required: bool = True) -> int | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, _("is required."))
            return None
        value = self.read(whole_fen, name)
        if value is None:
            return None
        if value > MAX_AMOUNT_FEN:
            self.fail(name, _("is implausibly large."))
            return None
        return value

    def region_code(self, name: str, default: str) -> str:
        value = str(self.data.get(name) or default)
        if not is_well_formed(value):
            self.fail(name, _("“%(value)s” is not a 12-digit division code."), value=value)
        return value


def parse_household(
    data: Any, *, today: datetime.date | None = None, one_head: bool = True
) -> HouseholdInput:
    """Check a whole household form; raise ValidationFailed listing every fault.

    ``one_head=False`` (evaluation, and the investigation's findings, which write no relation)
    accepts a household whose current members do not have exactly one head — data written
    before the registry kept that rule: no rule depends on who heads the household, and the
    engine's input builder takes the eldest member as head (policy/tables.engine_heads)."""
    today = today or datetime.date.today()
    problems: list[DoudiError] = []
    reader = _Reader(data, "", problems)
    region_code = reader.region_code("region", "")
    address = free_text(reader.text("address", max_length=200, plain=True))
    raw_members = reader.data.get("members")
    if not isinstance(raw_members, list) or not raw_members:
        reader.fail("members", _("must list at least one member."))
        raw_members = []
    warnings: list[DoudiError] = []
    members = [
        parse_member(item, f"members[{i}]", problems, warnings, region_code, today)
        for i, item in enumerate(raw_members)
    ]
    members = [m for m in members if m is not None]
    if len(members) == len(raw_members):  # rules across members only once each one is sound
        _check_members_together(members, problems, one_head=one_head)
    # Every listed member's key, valid or not, so that one bad member is reported once and not
    # again through every income that refers to it. A former member (the registry's form of a
    # past day lists those who had left by then) may still own the incomes of their time.
    former = reader.data.get("former_members")
    keys = {
        str(item.get("key") or f"members[{i}]")
        for i, item in enumerate(raw_members)
        if isinstance(item, dict)
    } | {
        str(item["key"])
        for item in (former if isinstance(former, list) else [])
        if isinstance(item, dict) and item.get("key")
    }
    incomes = _parse_list(reader, "incomes", parse_income, problems, keys)
    expenses = _parse_list(reader, "expenses", parse_expense, problems, keys)
    assets = _parse_list(reader, "assets", parse_asset, problems, keys)
    disaster_affected = reader.boolean("disaster_affected")
    if problems:
        raise ValidationFailed(
            _("The household form was refused: %(count)d problems found."),
            problems=problems,
            count=len(problems),
        )
    return HouseholdInput(
        region_code, address, members, incomes, expenses, assets, warnings, disaster_affected
    )


def _parse_list(reader: _Reader, name: str, parse, problems, keys) -> list:
    items = reader.data.get(name, [])
    if not isinstance(items, list):
        reader.fail(name, _("must be a list."))
        return []
    parsed = [parse(item, f"{name}[{i}]", problems, keys) for i, item in enumerate(items)]
    return [item for item in parsed if item is not None]


def parse_member(
    data: Any,
    path: str,
    problems: list[DoudiError],
    warnings: list[DoudiError],
    household_region: str,
    today: datetime.date,
) -> MemberInput | None:
    count_before = len(problems)
    r = _Reader(data, path, problems)
    id_number = None
    raw_id = r.text("id_number", required=True, max_length=18)
    if raw_id:
        try:
            id_number = parse_id_number(raw_id, today=today)
        except InvalidIdNumber as error:
            r.fail("id_number", error.message, **error.params)
    if id_number is not None and not id_number.birthplace_known:
        warnings.append(
            DoudiError(
                _(
                    "the birthplace code %(code)s is not in the current code "
                    "list (it may be a retired county code)."
                ),
                field=r.where("id_number"),
                code=id_number.birthplace_code,
            )
        )
    disability_category = r.choice("disability_category", DisabilityCategory, required=False)
    disability_grade = _disability_grade(r, disability_category)
    failed = r.data.get("self_care_failed", [])
    if not isinstance(failed, list) or any(item not in SelfCareItem.values for item in failed):
        r.fail(
            "self_care_failed",
            _("must list only these items: %(allowed)s."),
            allowed=", ".join(SelfCareItem.values),
        )
        failed = []
    member = MemberInput(
        key=str(r.data.get("key") or path),
        name=free_text(r.text("name", required=True, max_length=50, plain=True)),
        id_number=id_number,  # type: ignore[arg-type]
        relation=r.choice("relation", Relation),
        hukou_region_code=r.region_code("hukou_region", household_region),
        hukou_type=r.choice("hukou_type", HukouType),
        residence_region_code=r.region_code("residence_region", household_region),
        marital_status=r.choice("marital_status", MaritalStatus),
        phone=r.text("phone", max_length=20, pattern=PHONE_PATTERN),
        disability_category=disability_category,
        disability_grade=disability_grade,
        serious_illness=free_text(r.text("serious_illness", max_length=100)),
        self_care_failed=sorted(set(failed), key=SelfCareItem.values.index),
        education=r.choice("education", Education),
        in_school=r.boolean("in_school"),
        employment=r.choice("employment", Employment),
        death_date=r.date("death_date"),
        joined_on=r.date("joined_on") or today,
        left_on=r.date("left_on"),
        leave_reason=r.choice("leave_reason", LeaveReason, required=False),
        excluded_reason=r.choice("excluded_reason", ExclusionReason, required=False),
        social_security_card=r.text("social_security_card", max_length=30, pattern=CARD_PATTERN),
        has_capable_supporter=r.boolean("has_capable_supporter", default=True),
        orphan_status=r.choice("orphan_status", OrphanStatus, default=OrphanStatus.NONE),
        care_setting=r.choice("care_setting", CareSetting, default=CareSetting.HOME),
        medical_claim=_medical_claim(r),
        disability_certificate_valid_until=r.date("disability_certificate_valid_until"),
    )
    if id_number is not None:
        _check_member_dates(r, member, today)
    return member if len(problems) == count_before else None


def _medical_claim(r: _Reader) -> dict[str, Any] | None:
    """The member's medical claim as established (null: none): the fields given, checked."""
    raw = r.data.get("medical_claim")
    if raw is None:
        return None
    claim = _Reader(raw, r.where("medical_claim"), r.problems)
    values: dict[str, Any] = {}
    for name, choices in MEDICAL_CLAIM_CHOICES.items():
        if name in claim.data:
            values[name] = claim.choice(name, choices)
    for name in MEDICAL_CLAIM_AMOUNTS:
        if name in claim.data:
            values[name] = claim.fen(name)
    unknown = set(claim.data) - set(MEDICAL_CLAIM_CHOICES) - set(MEDICAL_CLAIM_AMOUNTS)
    for name in sorted(unknown):
        claim.fail(name, _("is not a field of a medical claim."))
    return values


def _disability_grade(r: _Reader, category: str) -> int | None:
    grade = r.data.get("disability_grade")
    if grade in (None, ""):
        if category:
            r.fail("disability_grade", _("is required with a disability category."))
        return None
    if isinstance(grade, bool) or not isinstance(grade, int) or not 1 <= grade <= 4:
        r.fail("disability_grade", _("must be a grade from 1 to 4."))
        return None
    if not category:
        r.fail("disability_category", _("is required with a disability grade."))
    return grade


MEMBERSHIP_DAYS_AHEAD = 31  # how far ahead a membership may begin or end


def _check_member_dates(r: _Reader, member: MemberInput, today: datetime.date) -> None:
    born = member.id_number.birth_date
    for name in ("joined_on", "left_on"):
        # A move planned for the coming weeks may be registered; 9999-12-31 is a typing mistake.
        try:
            not_beyond(
                getattr(member, name),
                field=r.where(name),
                days_ahead=MEMBERSHIP_DAYS_AHEAD,
                today=today,
            )
        except DoudiError as problem:
            r.problems.append(problem)
    if member.death_date is not None:
        if not born <= member.death_date <= today:
            r.fail("death_date", _("must lie between the birth date and today."))
        # A death ends the membership on the death date.
        member.left_on = member.death_date
        member.leave_reason = LeaveReason.DEATH
    if member.joined_on < born:
        r.fail("joined_on", _("cannot be before the birth date."))
    if member.left_on is not None:
        if r.data.get("joined_on") in (None, ""):
            # Without its start the membership would begin today, after its own end: name the
            # missing date rather than the end date the person did give.
            r.fail("joined_on", _("is required when the membership has ended (death or leaving)."))
        elif member.left_on < member.joined_on:
            r.fail("left_on", _("cannot be before the date the membership began."))
        if not member.leave_reason:
            r.fail("leave_reason", _("is required when the membership ends."))
    elif member.leave_reason:
        r.fail("left_on", _("is required with a reason for leaving."))


def _check_members_together(
    members: list[MemberInput], problems: list[DoudiError], *, one_head: bool = True
) -> None:
    seen: dict[str, str] = {}
    for index, member in enumerate(members):
        if member.id_number.value in seen:
            problems.append(
                DoudiError(
                    _("this ID number is already listed at %(other)s."),
                    field=f"members[{index}].id_number",
                    other=seen[member.id_number.value],
                )
            )
        seen.setdefault(member.id_number.value, f"members[{index}]")
    keys = [m.key for m in members]
    if len(set(keys)) != len(keys):
        problems.append(DoudiError(_("member keys must be unique."), field="members"))
    heads = [m for m in members if m.relation == Relation.HEAD and m.left_on is None]
    if one_head and members and len(heads) != 1:
        problems.append(
            DoudiError(
                _("exactly one current member must be the head of household (found %(count)d)."),
                field="members",
                count=len(heads),
            )
        )


def _member_key(r: _Reader, keys: set[str]) -> str | None:
    key = r.data.get("member")
    if key in (None, ""):
        return None
    if str(key) not in keys:
        r.fail("member", _("refers to no member of this household (“%(key)s”)."), key=key)
    return str(key)


def parse_income(
    data: Any, path: str, problems: list[DoudiError], keys: set[str]
) -> IncomeInput | None:
    count_before = len(problems)
    r = _Reader(data, path, problems)
    item = IncomeInput(
        _member_key(r, keys),
        r.month("month"),
        r.choice("type", IncomeType),
        r.fen("amount_fen"),
        free_text(r.text("note")),
    )
    return item if len(problems) == count_before else None


def parse_expense(
    data: Any, path: str, problems: list[DoudiError], keys: set[str]
) -> ExpenseInput | None:
    count_before = len(problems)
    r = _Reader(data, path, problems)
    item = ExpenseInput(
        _member_key(r, keys),
        r.month("month"),
        r.choice("type", ExpenseType),
        r.fen("amount_fen"),
        free_text(r.text("note")),
    )
    return item if len(problems) == count_before else None


def parse_asset(
    data: Any, path: str, problems: list[DoudiError], keys: set[str]
) -> AssetInput | None:
    count_before = len(problems)
    r = _Reader(data, path, problems)
    asset_type = r.choice("type", AssetType)
    vehicle_type = r.choice("vehicle_type", VehicleType, required=asset_type == AssetType.VEHICLE)
    if vehicle_type and asset_type != AssetType.VEHICLE:
        r.fail("vehicle_type", _("is only for vehicles."))
    area = _floor_area(r, required=asset_type == AssetType.HOME)
    capital = r.fen("registered_capital_fen", required=asset_type == AssetType.BUSINESS)
    if capital is not None and asset_type != AssetType.BUSINESS:
        r.fail("registered_capital_fen", _("is only for business registrations."))
    item = AssetInput(
        _member_key(r, keys),
        asset_type,
        r.fen("value_fen"),
        vehicle_type,
        area,
        capital,
        free_text(r.text("note")),
    )
    return item if len(problems) == count_before else None


def _floor_area(r: _Reader, *, required: bool) -> Decimal | None:
    value = r.data.get("floor_area_m2")
    if value in (None, ""):
        if required:
            r.fail("floor_area_m2", _("is required for a home."))
        return None
    try:
        area = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        r.fail("floor_area_m2", _("must be a number of square metres."))
        return None
    if not Decimal(0) <= area < Decimal(100000):
        r.fail("floor_area_m2", _("must be between 0 and 100,000 square metres."))
        return None
    return area
